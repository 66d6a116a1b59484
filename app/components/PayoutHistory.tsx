// A campaign's payouts, newest first: amount, how, where they stand and when each step happened.
// Admins get the approver, the reference and their actions in the last column; owners the rest.
import type { ReactNode } from "react";
import type { PayoutRow } from "~/payouts/views.server";
import { useIntlLocale, useTranslate } from "~/components/use-locale";
import { formatMoney } from "~/lib/money";
import { formatDateTime, platformTimeZone } from "~/lib/time";
import { TableScroll } from "~/components/TableScroll";

export function PayoutHistory({
  payouts,
  currency,
  admin,
}: {
  payouts: PayoutRow[];
  currency: string;
  /** For admins: who approved, the bank reference or Stripe transfer, and what they may do next. */
  admin?: { actions: (payout: PayoutRow) => ReactNode };
}) {
  const t = useTranslate();
  const locale = useIntlLocale();
  const when = (iso: string) => formatDateTime(iso, platformTimeZone, locale);
  if (payouts.length === 0) return <p className="muted">{t("payouts.none")}</p>;
  return (
    <TableScroll label={t("payouts.history")}>
      <table className="table" data-testid="payouts">
        <thead>
          <tr>
            <th scope="col">#</th>
            <th scope="col">{t("payouts.amount")}</th>
            <th scope="col">{t("payouts.method")}</th>
            <th scope="col">{t("payouts.state")}</th>
            <th scope="col">{t("payouts.when")}</th>
            {admin ? <th scope="col">{t("payouts.reference")}</th> : null}
          </tr>
        </thead>
        <tbody>
          {payouts.map((p) => (
            <tr key={p.id}>
              <td>{p.number}</td>
              <td>{formatMoney(p.amount, currency, locale, { withDecimals: true })}</td>
              <td>{t(`payouts.method.${p.method}`)}</td>
              <td>
                <span className={`badge badge--${p.status}`}>{t(`payouts.status.${p.status}`)}</span>
                {p.failureMessage ? <span className="muted"> {p.failureMessage}</span> : null}
                {p.waitingForFundsUntil ? (
                  <span className="muted" data-testid="waiting-for-funds">
                    {" "}
                    {t("payouts.waitingForFunds", { date: when(p.waitingForFundsUntil) })}
                  </span>
                ) : null}
              </td>
              <td>
                {admin
                  ? t("payouts.approvedBy", { who: p.approvedBy, at: when(p.approvedAt) })
                  : when(p.approvedAt)}
                {p.sentAt ? (
                  <>
                    <br />
                    {t("payouts.sentAt", { at: when(p.sentAt) })}
                  </>
                ) : null}
                {p.paidAt ? (
                  <>
                    <br />
                    {t("payouts.paidAt", { at: when(p.paidAt) })}
                  </>
                ) : null}
              </td>
              {admin ? (
                <td>
                  {p.reference ?? p.transferId ?? "—"}
                  {admin.actions(p)}
                </td>
              ) : null}
            </tr>
          ))}
        </tbody>
      </table>
    </TableScroll>
  );
}
