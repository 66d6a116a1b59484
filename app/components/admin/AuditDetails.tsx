// What an audit entry did, for a person: amounts in their currency, fees as percentages, moments in
// the platform's zone, the reason or message as written; internal ids and nested data are left out.
import type { MessageKey } from "~/i18n/keys";
import { useIntlLocale, useTranslate } from "~/components/use-locale";
import { formatMoney } from "~/lib/money";
import { formatDateTime, platformTimeZone } from "~/lib/time";

const moments = new Set(["launchAt", "fundsAvailableAt"]);
const rates = new Set(["feeBps", "from", "to"]);
const hidden = new Set(["currency", "refund", "statement"]);
const labelled = new Set([
  "amount",
  "reason",
  "message",
  "method",
  "feeBps",
  "from",
  "to",
  "launchAt",
  "fundsAvailableAt",
  "released",
  "toRefund",
  "reference",
  "refundId",
]);

export function AuditDetails({ details }: { details: Record<string, unknown> }) {
  const t = useTranslate();
  const locale = useIntlLocale();
  const currency = typeof details.currency === "string" ? details.currency : null;
  const show = (key: string, value: unknown): string => {
    if (value === null || value === undefined) return rates.has(key) ? t("audit.detail.default") : "—";
    if (key === "amount" && typeof value === "number" && currency)
      return formatMoney(value, currency, locale, { withDecimals: true });
    if (rates.has(key) && typeof value === "number")
      return `${new Intl.NumberFormat(locale, { maximumFractionDigits: 2 }).format(value / 100)} %`;
    if (moments.has(key) && typeof value === "string") return formatDateTime(value, platformTimeZone, locale);
    if (typeof value === "number") return new Intl.NumberFormat(locale).format(value);
    if (typeof value === "string") return value;
    return JSON.stringify(value);
  };
  const shown = Object.entries(details).filter(
    ([key, value]) => !hidden.has(key) && (value === null || typeof value !== "object"),
  );
  if (shown.length === 0) return null;
  return (
    <dl className="audit-details">
      {shown.map(([key, value]) => (
        <div key={key}>
          <dt>{labelled.has(key) ? t(`audit.detail.${key}` as MessageKey) : key}</dt>
          <dd>{show(key, value)}</dd>
        </div>
      ))}
    </dl>
  );
}
