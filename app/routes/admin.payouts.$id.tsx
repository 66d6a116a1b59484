// One campaign's payout statement, for admins: the statement from the ledger, the payouts made, how
// each of its movements reconciles with Stripe, the audit log; and the actions: approve what is due,
// record a bank transfer as paid, mark a payout failed, override the platform fee.
import {
  data,
  redirect,
  type ActionFunctionArgs,
  type LoaderFunctionArgs,
  type MetaFunction,
} from "@remix-run/node";
import { Form, Link, useActionData, useLoaderData, useSearchParams } from "@remix-run/react";
import { z } from "zod";
import { assertCsrf } from "~/auth/csrf.server";
import { assertCan } from "~/auth/policy.server";
import { requireUser } from "~/auth/session.server";
import { CsrfField } from "~/components/CsrfField";
import { DecidablePayoutHistory } from "~/components/payouts/PayoutDecision";
import { FeeForm } from "~/components/payouts/FeeForm";
import { ReconciliationTable } from "~/components/ReconciliationTable";
import { Statement } from "~/components/Statement";
import {
  approvePayout,
  markBankPayoutPaid,
  markPayoutFailed,
  overridePlatformFee,
} from "~/payouts/payouts.server";
import { statementView } from "~/payouts/views.server";
import type { FieldErrors } from "~/lib/form-errors";
import { parseForm, refusalOf } from "~/lib/forms.server";
import type { MessageKey } from "~/i18n/keys";
import { useIntlLocale, useTranslate, pageMeta } from "~/components/use-locale";
import { formatDateTime, platformTimeZone } from "~/lib/time";
import { formatMoney } from "~/lib/money";
import { notFound } from "~/lib/request.server";
import { ConfirmField } from "~/components/ConfirmField";

export async function loader({ request, params, context }: LoaderFunctionArgs) {
  const user = await requireUser(request, context);
  assertCan(user, { action: "admin.access" }, context.config);
  const view = await statementView(
    { db: context.db, gateway: context.gateway, defaultFeeBps: context.config.PLATFORM_FEE_BPS },
    params.id ?? "",
    { withAudit: true },
  );
  if (!view) throw notFound();
  return { ...view, defaultFeeBps: context.config.PLATFORM_FEE_BPS };
}

const forms = z.discriminatedUnion("intent", [
  z.object({ intent: z.literal("approve"), expectedAmount: z.coerce.number().int() }),
  z.object({
    intent: z.literal("mark-paid"),
    payoutId: z.string().uuid(),
    reference: z.string().trim().min(3, "payouts.error.reference").max(140, "payouts.error.reference"),
  }),
  z.object({
    intent: z.literal("mark-failed"),
    payoutId: z.string().uuid(),
    reason: z.string().trim().min(3, "admin.error.reason").max(500, "admin.error.reason"),
  }),
  z.object({
    intent: z.literal("fee"),
    // A percentage with up to two decimals ("3.5", "3,5"), or empty for the platform's rate.
    rate: z
      .string()
      .trim()
      .refine((v) => v === "" || /^\d{1,2}([.,]\d{1,2})?$/.test(v), "payouts.error.rate"),
  }),
]);

/** "3,5" → 350 basis points, exactly (no float). */
function basisPoints(rate: string): number | null {
  if (rate === "") return null;
  const [whole = "0", fraction = ""] = rate.replace(",", ".").split(".");
  return Number(whole) * 100 + Number(fraction.padEnd(2, "0"));
}

export async function action({ request, params, context }: ActionFunctionArgs) {
  const user = await requireUser(request, context);
  assertCan(user, { action: "admin.access" }, context.config);
  const campaignId = params.id ?? "";
  const form = await parseForm(request, forms, {
    limits: { intent: 32, payoutId: 64, expectedAmount: 32, reference: 200, reason: 500, rate: 16 },
  });
  assertCsrf(form.fields, user, context.config.SESSION_SECRET);
  const { values } = form;
  if (!form.ok) return data({ errors: form.errors, values, error: null }, { status: 400 });
  const actor = { id: user.id, email: user.email };
  const now = context.clock();
  const request_ = form.data;
  try {
    if (request_.intent === "approve") {
      await approvePayout(
        { db: context.db, gateway: context.gateway, defaultFeeBps: context.config.PLATFORM_FEE_BPS },
        { campaignId, expectedAmount: request_.expectedAmount, actor },
        now,
      );
    } else if (request_.intent === "mark-paid") {
      await markBankPayoutPaid(
        context.db,
        { payoutId: request_.payoutId, campaignId, reference: request_.reference, actor },
        now,
      );
    } else if (request_.intent === "mark-failed") {
      await markPayoutFailed(
        context.db,
        { payoutId: request_.payoutId, campaignId, reason: request_.reason, actor },
        now,
      );
    } else {
      await overridePlatformFee(context.db, { campaignId, feeBps: basisPoints(request_.rate), actor }, now);
    }
  } catch (error) {
    // The statement page shows a refusal above its forms, whatever field it concerns; a campaign or
    // payout it cannot find (a 404) is the page's answer.
    const { status, message } = refusalOf(error);
    return data({ errors: {} as FieldErrors, values, error: message }, { status });
  }
  return redirect(`/admin/payouts/${campaignId}?done=${request_.intent}`);
}

export const meta: MetaFunction<typeof loader> = ({ data, matches }) =>
  pageMeta(matches, (t) => `${t("payouts.statementOf")} — ${data?.campaign.title ?? ""}`);

export default function PayoutStatement() {
  const view = useLoaderData<typeof loader>();
  const result = useActionData<typeof action>();
  const [search] = useSearchParams();
  const t = useTranslate();
  const locale = useIntlLocale();
  const { campaign, statement } = view;
  const money = (amount: number) => formatMoney(amount, campaign.currency, locale, { withDecimals: true });
  const when = (iso: string | null) => (iso ? formatDateTime(iso, platformTimeZone, locale) : "—");
  const done = search.get("done");
  return (
    <section aria-labelledby="statement-title">
      <p>
        <Link to="/admin/payouts">← {t("payouts.title")}</Link>
      </p>
      <h1 id="statement-title">
        {t("payouts.statementOf")} — {campaign.title}
      </h1>
      {done ? (
        <p className="notice notice--success" role="status">
          {t("payouts.done")}
        </p>
      ) : null}
      {result?.error ? (
        <p className="notice notice--error" role="alert" tabIndex={-1}>
          {t(result.error)}
        </p>
      ) : null}
      <Statement statement={statement} currency={campaign.currency} />
      <p>
        <a href="/admin/payouts.csv" download>
          {t("payouts.csvStatements")}
        </a>{" "}
        ·{" "}
        <a href={`/admin/payouts/${campaign.id}/lines.csv`} download>
          {t("payouts.csvLines")}
        </a>
      </p>

      <h2>{t("payouts.next")}</h2>
      <p data-testid="owner-account">
        {view.account
          ? view.account.payoutsEnabled
            ? t("payouts.account.enabled", { account: view.account.accountId })
            : t("payouts.account.pending", { account: view.account.accountId })
          : t("payouts.account.none")}
      </p>
      {view.feesPending > 0 ? (
        <p className="notice notice--error">{t("payouts.feesPending", { count: view.feesPending })}</p>
      ) : null}
      {view.approvable ? (
        <Form method="post" className="change-form">
          <CsrfField />
          <input type="hidden" name="intent" value="approve" />
          <input type="hidden" name="expectedAmount" value={statement.due} />
          <p>
            {t("payouts.approveHint", {
              amount: money(statement.due),
              method: t(`payouts.method.${view.method}`),
            })}
          </p>
          <ConfirmField label={t("confirm.payout")} />
          <button type="submit" className="button button--primary">
            {t("payouts.approve")}
          </button>
        </Form>
      ) : (
        <p className="muted">{t("payouts.notApprovable")}</p>
      )}

      <h2>{t("payouts.history")}</h2>
      <DecidablePayoutHistory payouts={view.payouts} currency={campaign.currency} result={result} />

      <FeeForm defaultFeeBps={view.defaultFeeBps} feeOverride={campaign.feeOverride} result={result} />

      <h2>{t("payouts.reconciliation")}</h2>
      <ReconciliationTable rows={view.reconciliation} />

      <h2>{t("audit.title")}</h2>
      {view.audit.length === 0 ? (
        <p className="muted">{t("audit.none")}</p>
      ) : (
        <ul data-testid="audit">
          {view.audit.map((entry) => (
            <li key={entry.id}>
              {when(entry.createdAt)} — {entry.actorEmail} — {t(`audit.action.${entry.action}` as MessageKey)}
            </li>
          ))}
        </ul>
      )}
    </section>
  );
}
