// The owner's statement of their campaign, read-only: what was collected, what went in fees, refunds
// and disputes, what was paid out and when, and what is still due (or carried, when they owe it).
import type { LoaderFunctionArgs } from "@remix-run/node";
import { Link, useLoaderData } from "@remix-run/react";
import { assertCan } from "~/auth/policy.server";
import { requireUser } from "~/auth/session.server";
import { Statement } from "~/components/Statement";
import { statementView } from "~/payouts/views.server";
import { useIntlLocale, useTranslate } from "~/lib/locale";
import { formatDateTime, platformTimeZone } from "~/lib/time";
import { formatMoney } from "~/lib/money";
import { notFound } from "~/lib/request.server";

export async function loader({ request, params, context }: LoaderFunctionArgs) {
  const user = await requireUser(request, context);
  const campaign = await context.db
    .selectFrom("campaigns")
    .select(["id", "owner_id"])
    .where("id", "=", params.id ?? "")
    .executeTakeFirst();
  if (!campaign) throw notFound();
  assertCan(user, { action: "campaign.manage", campaign }, context.config);
  const view = await statementView(
    { db: context.db, gateway: context.gateway, defaultFeeBps: context.config.PLATFORM_FEE_BPS },
    campaign.id,
    { withAudit: false },
  );
  if (!view) throw notFound();
  // The owner sees their statement and payouts, not the admins' reconciliation or audit log.
  return { campaign: view.campaign, statement: view.statement, payouts: view.payouts, account: view.account };
}

export default function OwnerStatement() {
  const { campaign, statement, payouts, account } = useLoaderData<typeof loader>();
  const t = useTranslate();
  const locale = useIntlLocale();
  const money = (amount: number) => formatMoney(amount, campaign.currency, locale, { withDecimals: true });
  return (
    <section aria-labelledby="owner-statement-title">
      <p>
        <Link to={`/manage/campaigns/${campaign.id}`}>← {campaign.title}</Link>
      </p>
      <h1 id="owner-statement-title">
        {t("payouts.statementOf")} — {campaign.title}
      </h1>
      <Statement statement={statement} currency={campaign.currency} />
      <h2>{t("payouts.history")}</h2>
      {payouts.length === 0 ? (
        <p className="muted">{t("payouts.none")}</p>
      ) : (
        <table className="table" data-testid="payouts">
          <thead>
            <tr>
              <th scope="col">#</th>
              <th scope="col">{t("payouts.amount")}</th>
              <th scope="col">{t("payouts.method")}</th>
              <th scope="col">{t("payouts.state")}</th>
              <th scope="col">{t("payouts.when")}</th>
            </tr>
          </thead>
          <tbody>
            {payouts.map((p) => (
              <tr key={p.id}>
                <td>{p.number}</td>
                <td>{money(p.amount)}</td>
                <td>{t(`payouts.method.${p.method}`)}</td>
                <td>{t(`payouts.status.${p.status}`)}</td>
                <td>
                  {formatDateTime(
                    p.paidAt ?? p.failedAt ?? p.sentAt ?? p.approvedAt,
                    platformTimeZone,
                    locale,
                  )}
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
      <p>
        {account?.payoutsEnabled ? t("payoutAccount.enabled") : t("payoutAccount.bank")}{" "}
        <Link to="/account/payouts">{t("payoutAccount.title")}</Link>
      </p>
    </section>
  );
}
