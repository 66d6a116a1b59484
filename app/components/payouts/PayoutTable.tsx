// The admins' payout lists: each payout's campaign, amount, method, latest step (and the date it
// waits for funds until), and whether its campaign reconciles with Stripe.
import { Link } from "@remix-run/react";
import { useIntlLocale, useTranslate } from "~/components/use-locale";
import { formatMoney } from "~/lib/money";
import { formatDateTime, platformTimeZone } from "~/lib/time";
import type { PayoutRow } from "~/payouts/views.server";
import { TableScroll } from "~/components/TableScroll";

/** Whether a campaign's movements agree with Stripe's lines; without Stripe there is nothing to match. */
export function ReconciliationState(props: { problems: number; feesPending: number; stripe: boolean }) {
  const t = useTranslate();
  if (!props.stripe) return <span className="muted">{t("payouts.noStripeShort")}</span>;
  if (props.feesPending > 0)
    return <span className="state--mismatch">{t("payouts.feesPending", { count: props.feesPending })}</span>;
  if (props.problems > 0)
    return <span className="state--mismatch">{t("payouts.problems", { count: props.problems })}</span>;
  return <span className="state--matched">{t("payouts.reconciled")}</span>;
}

export function PayoutTable({
  rows,
  testId,
  stripe,
}: {
  rows: Array<PayoutRow & { problems: number }>;
  testId: string;
  stripe: boolean;
}) {
  const t = useTranslate();
  const locale = useIntlLocale();
  if (rows.length === 0) return <p className="muted">{t("payouts.none")}</p>;
  return (
    <TableScroll label={t("payouts.title")}>
      <table className="table" data-testid={testId}>
        <thead>
          <tr>
            <th scope="col">{t("payouts.campaign")}</th>
            <th scope="col">{t("payouts.amount")}</th>
            <th scope="col">{t("payouts.method")}</th>
            <th scope="col">{t("payouts.when")}</th>
            <th scope="col">{t("payouts.reconciliation")}</th>
          </tr>
        </thead>
        <tbody>
          {rows.map((p) => (
            <tr key={p.id}>
              <td>
                <Link to={`/admin/payouts/${p.campaignId}`}>{p.title}</Link> #{p.number}
              </td>
              <td>{formatMoney(p.amount, p.currency, locale, { withDecimals: true })}</td>
              <td>{t(`payouts.method.${p.method}`)}</td>
              <td>
                {formatDateTime(p.paidAt ?? p.failedAt ?? p.sentAt ?? p.approvedAt, platformTimeZone, locale)}
                {p.waitingForFundsUntil ? (
                  <span className="muted" data-testid="waiting-for-funds">
                    <br />
                    {t("payouts.waitingForFunds", {
                      date: formatDateTime(p.waitingForFundsUntil, platformTimeZone, locale),
                    })}
                  </span>
                ) : null}
              </td>
              <td>
                <ReconciliationState problems={p.problems} feesPending={0} stripe={stripe} />
              </td>
            </tr>
          ))}
        </tbody>
      </table>
    </TableScroll>
  );
}
