// A postal reward's shipping on the pledge form: each zone's cost on the reward (or that it is not
// sent there), and once the country is known, the shipping and the total charged.
import { useTranslate } from "~/components/use-locale";
import { formatMoney } from "~/lib/money";
import { costForZone, shippingFor, shippingZones, type ShippingCosts } from "~/lib/shipping";

const zoneKeys = {
  fr: "shipping.zone.fr",
  eu: "shipping.zone.eu",
  world: "shipping.zone.world",
} as const;

/** "France: €5 · European Union: €9 · Rest of the world: not sent" for one reward. */
export function ZoneCosts({
  costs,
  currency,
  locale,
}: {
  costs: ShippingCosts;
  currency: string;
  locale: string;
}) {
  const t = useTranslate();
  const parts = shippingZones.map((zone) => {
    const cost = costForZone(costs, zone);
    const amount =
      cost === null
        ? t("shipping.notSent")
        : cost === 0
          ? t("shipping.free")
          : formatMoney(cost, currency, locale, { withDecimals: true });
    return t("shipping.zoneCost", { zone: t(zoneKeys[zone]), amount });
  });
  return <span className="tier-option__stock">{t("shipping.costs", { costs: parts.join(" · ") })}</span>;
}

/** The shipping to the chosen country and the total charged; nothing until both are known. */
export function ShippingTotal({
  costs,
  country,
  amount,
  currency,
  locale,
}: {
  costs: ShippingCosts;
  country: string;
  /** The contribution as read from the form; null while it is not a valid amount. */
  amount: number | null;
  currency: string;
  locale: string;
}) {
  const t = useTranslate();
  if (!country) return null;
  const shipping = shippingFor(costs, country);
  if (shipping === null || amount === null) return null;
  const money = (value: number) => formatMoney(value, currency, locale, { withDecimals: true });
  return (
    <p className="notice" role="status" data-testid="shipping-total">
      {t("shipping.total", { shipping: money(shipping), total: money(amount + shipping) })}
    </p>
  );
}
