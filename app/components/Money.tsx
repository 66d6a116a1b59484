import { formatMoney } from "~/lib/money";
import { useIntlLocale } from "~/components/use-locale";

/** An amount in minor units, formatted for the reader (`15 000 €` in French). */
export function Money({ amount, currency }: { amount: number; currency: string }) {
  return <span className="money">{formatMoney(amount, currency, useIntlLocale())}</span>;
}
