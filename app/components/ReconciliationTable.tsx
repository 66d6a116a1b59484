// Reconciliation rows: each payment or transfer and kind of movement, what the ledger says beside
// what Stripe's balance lines say, and whether they agree (colour and words, not colour alone).
import type { ReconciliationRow } from "~/payouts/reconciliation.server";
import { useIntlLocale, useTranslate } from "~/components/use-locale";
import { formatMoney } from "~/lib/money";
import { TableScroll } from "~/components/TableScroll";

export function ReconciliationTable({ rows }: { rows: ReconciliationRow[] }) {
  const t = useTranslate();
  const locale = useIntlLocale();
  if (rows.length === 0) return <p className="muted">{t("payouts.noLines")}</p>;
  const side = (value: { amount: number; fee: number } | null, currency: string) => {
    if (!value) return "—";
    const money = (amount: number) => formatMoney(amount, currency, locale, { withDecimals: true });
    return `${money(value.amount)} (${t("payouts.feeShort")} ${money(value.fee)})`;
  };
  return (
    <TableScroll label={t("payouts.reconciliation")}>
      <table className="table" data-testid="reconciliation">
        <thead>
          <tr>
            <th scope="col">{t("payouts.line")}</th>
            <th scope="col">{t("payouts.ours")}</th>
            <th scope="col">{t("payouts.stripe")}</th>
            <th scope="col">{t("payouts.state")}</th>
          </tr>
        </thead>
        <tbody>
          {rows.map((r) => (
            <tr key={`${r.ref}-${r.category}`}>
              <td>
                {t(`payouts.category.${r.category}`)} <code>{r.ref}</code>
              </td>
              <td>{side(r.ours, r.currency)}</td>
              <td>{side(r.stripe, r.currency)}</td>
              <td className={`state--${r.state}`}>{t(`payouts.match.${r.state}`)}</td>
            </tr>
          ))}
        </tbody>
      </table>
    </TableScroll>
  );
}
