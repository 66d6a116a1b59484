// What a pledge is, at the top of its page: the campaign, the amount (less any refund), the reward
// and where its payment stands.
import { Link } from "@remix-run/react";
import type { getPledgeView } from "~/pledges/pledge-view.server";
import { useTranslate } from "~/components/use-locale";

type PledgeView = NonNullable<Awaited<ReturnType<typeof getPledgeView>>>;

export function PledgeSummary({
  view: { pledge, options, processing },
  money,
}: {
  view: Pick<PledgeView, "pledge" | "options" | "processing">;
  money: (amount: number) => string;
}) {
  const t = useTranslate();
  return (
    <dl className="summary">
      <div>
        <dt>{t("pledgePage.campaign")}</dt>
        <dd>
          <Link to={`/campaigns/${options.campaign.slug}`}>{options.campaign.title}</Link>
        </dd>
      </div>
      <div>
        <dt>{t("pledgePage.amount")}</dt>
        <dd data-testid="pledge-amount">{money(pledge.amount - pledge.refunded)}</dd>
      </div>
      {pledge.shipping > 0 ? (
        <div>
          <dt>{t("pledgePage.shipping")}</dt>
          <dd data-testid="pledge-shipping">
            {t("pledgePage.shippingIncluded", { amount: money(pledge.shipping) })}
          </dd>
        </div>
      ) : null}
      <div>
        <dt>{t("pledgePage.reward")}</dt>
        <dd>{pledge.tierTitle ?? t("pledge.noReward")}</dd>
      </div>
      <div>
        <dt>{t("pledgePage.status")}</dt>
        <dd data-testid="pledge-status">
          {t(processing ? "pledgePage.status.processing" : `pledgePage.status.${pledge.status}`)}
        </dd>
      </div>
    </dl>
  );
}
