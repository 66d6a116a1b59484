// The owner's statement of their campaign, read-only: what was collected, what went in fees, refunds
// and disputes, what was paid out and when, and what is still due (or carried, when they owe it).
import type { MetaFunction } from "@remix-run/node";
import { requireManagedCampaign } from "~/campaigns/access.server";
import type { LoaderFunctionArgs } from "@remix-run/node";
import { Link, useLoaderData } from "@remix-run/react";
import { PayoutHistory } from "~/components/PayoutHistory";
import { Statement } from "~/components/Statement";
import { statementView } from "~/payouts/views.server";
import { useTranslate, pageMeta } from "~/components/use-locale";
import { notFound } from "~/lib/request.server";

export async function loader({ request, params, context }: LoaderFunctionArgs) {
  const { campaign } = await requireManagedCampaign(request, context, params.id ?? "");
  const view = await statementView(
    { db: context.db, gateway: context.gateway, defaultFeeBps: context.config.PLATFORM_FEE_BPS },
    campaign.id,
    { withAudit: false },
  );
  if (!view) throw notFound();
  // The owner sees their statement and payouts, not the admins' reconciliation or audit log.
  return { campaign: view.campaign, statement: view.statement, payouts: view.payouts, account: view.account };
}

export const meta: MetaFunction<typeof loader> = ({ data, matches }) =>
  pageMeta(matches, (t) => `${t("payouts.statementOf")} — ${data?.campaign.title ?? ""}`);

export default function OwnerStatement() {
  const { campaign, statement, payouts, account } = useLoaderData<typeof loader>();
  const t = useTranslate();
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
      <PayoutHistory payouts={payouts} currency={campaign.currency} />
      <p>
        {account?.payoutsEnabled ? t("payoutAccount.enabled") : t("payoutAccount.bank")}{" "}
        <Link to="/account/payouts">{t("payoutAccount.title")}</Link>
      </p>
    </section>
  );
}
