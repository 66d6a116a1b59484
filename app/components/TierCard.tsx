import { Link } from "@remix-run/react";
import type { TierView } from "~/campaigns/campaigns.server";
import { formatMoney } from "~/lib/money";
import { useIntlLocale, useTranslate } from "~/components/use-locale";

export function TierCard({
  tier,
  currency,
  deliveryText,
  pledgeUrl,
}: {
  tier: TierView;
  currency: string;
  deliveryText: string | null;
  pledgeUrl: string | null;
}) {
  const t = useTranslate();
  const locale = useIntlLocale();
  return (
    <li className={`tier${tier.soldOut ? " tier--sold-out" : ""}`} aria-labelledby={`tier-${tier.id}`}>
      <p className="tier__minimum">
        {t("tiers.minimum", { amount: formatMoney(tier.minAmount, currency, locale) })}
      </p>
      <h3 className="tier__title" id={`tier-${tier.id}`}>
        {tier.title}
      </h3>
      <p className="tier__description">{tier.description}</p>
      <ul className="tier__facts">
        {deliveryText ? <li>{t("tiers.delivery", { month: deliveryText })}</li> : null}
        {tier.shippingRequired ? <li>{t("tiers.shipping")}</li> : null}
        <li>{t("tiers.claimed", { count: tier.claimed })}</li>
      </ul>
      <p className="tier__stock" data-testid="tier-stock">
        {tier.soldOut ? (
          <strong className="badge badge--sold-out">{t("tiers.soldOut")}</strong>
        ) : tier.remaining !== null && tier.stockLimit !== null ? (
          <span className="badge badge--limited">
            {t("tiers.remaining", { count: tier.remaining, limit: tier.stockLimit })}
          </span>
        ) : (
          <span className="tier__unlimited">{t("tiers.unlimited")}</span>
        )}
      </p>
      {pledgeUrl ? (
        <Link to={pledgeUrl} className="button tier__choose" aria-describedby={`tier-${tier.id}`}>
          {t("tiers.choose")}
        </Link>
      ) : null}
    </li>
  );
}
