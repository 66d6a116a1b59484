// Admins' payouts: campaigns with money due to review, payouts approved, sent, paid or failed, the
// campaigns whose lines do not reconcile flagged, and the import of Stripe's balance lines.
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
import { FormErrorSummary, useFocusFirstError } from "~/components/ErrorSummary";
import { FormField } from "~/components/FormField";
import { ImportForm } from "~/components/payouts/ImportForm";
import { PayoutTable, ReconciliationState } from "~/components/payouts/PayoutTable";
import { ReconciliationTable } from "~/components/ReconciliationTable";
import { importBalanceLines, reconcile } from "~/payouts/reconciliation.server";
import { payoutQueue } from "~/payouts/views.server";
import type { FieldErrors } from "~/lib/form-errors";
import { parseForm, refusalOf } from "~/lib/forms.server";
import type { MessageKey } from "~/i18n/keys";
import { useIntlLocale, useTranslate, pageMeta } from "~/components/use-locale";
import { formatDateTime, platformTimeZone } from "~/lib/time";
import { formatMoney } from "~/lib/money";
import { TableScroll } from "~/components/TableScroll";

async function requireAdmin(request: Request, context: LoaderFunctionArgs["context"]) {
  const user = await requireUser(request, context);
  assertCan(user, { action: "admin.access" }, context.config);
  return user;
}

const stripePayoutId = z
  .string()
  .trim()
  .refine((v) => v === "" || /^po_[A-Za-z0-9]+$/.test(v), "payouts.error.stripePayout");

export async function loader({ request, context }: LoaderFunctionArgs) {
  await requireAdmin(request, context);
  // One Stripe payout's lines, reconciled: what the platform's bank received, movement by movement.
  const asked = new URL(request.url).searchParams.get("stripePayout") ?? "";
  const stripePayout = stripePayoutId.safeParse(asked);
  return {
    queue: await payoutQueue(context.db, context.config.PLATFORM_FEE_BPS),
    stripe: context.gateway.connect !== undefined,
    stripePayout: {
      id: asked,
      error: stripePayout.success ? null : ("payouts.error.stripePayout" as MessageKey),
      rows:
        stripePayout.success && stripePayout.data
          ? await reconcile(context.db, { stripePayout: stripePayout.data })
          : null,
    },
  };
}

const day = z
  .string()
  .trim()
  .refine(
    (v) => v === "" || (/^\d{4}-\d{2}-\d{2}$/.test(v) && !Number.isNaN(Date.parse(`${v}T00:00:00Z`))),
    "payouts.error.date",
  );

export const importForm = z
  .object({
    payout: stripePayoutId,
    from: day,
    to: day,
  })
  .superRefine((v, ctx) => {
    if (v.from && v.to && v.to < v.from)
      ctx.addIssue({ code: "custom", path: ["to"], message: "payouts.error.range" });
  });

export async function action({ request, context }: ActionFunctionArgs) {
  const user = await requireAdmin(request, context);
  const form = await parseForm(request, importForm, { limits: { payout: 100, from: 10, to: 10 } });
  assertCsrf(form.fields, user, context.config.SESSION_SECRET);
  const { values } = form;
  if (!form.ok) return data({ errors: form.errors, values, error: null }, { status: 400 });
  const { payout, from, to } = form.data;
  try {
    const result = await importBalanceLines(
      { db: context.db, gateway: context.gateway },
      {
        payout: payout || undefined,
        createdFrom: from ? new Date(`${from}T00:00:00Z`) : undefined,
        createdTo: to ? new Date(`${to}T23:59:59Z`) : undefined,
      },
      context.clock(),
    );
    return redirect(`/admin/payouts?imported=${result.added}&seen=${result.seen}`);
  } catch (error) {
    const { status, message } = refusalOf(error);
    return data({ errors: {} as FieldErrors, values, error: message }, { status });
  }
}

export const meta: MetaFunction<typeof loader> = ({ matches }) =>
  pageMeta(matches, (t) => t("payouts.title"));

export default function AdminPayouts() {
  const { queue, stripe, stripePayout } = useLoaderData<typeof loader>();
  const result = useActionData<typeof action>();
  // A refused look-up (each load answers anew): with JavaScript its field takes the focus.
  const lookup = useFocusFirstError(
    stripePayout.error ? stripePayout : null,
    stripePayout.error ? ["stripePayout"] : [],
  );
  const [search] = useSearchParams();
  const t = useTranslate();
  const locale = useIntlLocale();
  const money = (amount: number, currency: string) =>
    formatMoney(amount, currency, locale, { withDecimals: true });
  return (
    <section aria-labelledby="payouts-title">
      <h1 id="payouts-title">{t("payouts.title")}</h1>
      <p>
        <a href="/admin/payouts.csv" download>
          {t("payouts.csvStatements")}
        </a>{" "}
        · <Link to="/admin/audit">{t("audit.title")}</Link>
      </p>

      <h2>{t("payouts.toReview")}</h2>
      {queue.toReview.length === 0 ? (
        <p className="muted">{t("payouts.none")}</p>
      ) : (
        <TableScroll label={t("payouts.toReview")}>
          <table className="table" data-testid="to-review">
            <thead>
              <tr>
                <th scope="col">{t("payouts.campaign")}</th>
                <th scope="col">{t("statement.due")}</th>
                <th scope="col">{t("payouts.reconciliation")}</th>
              </tr>
            </thead>
            <tbody>
              {queue.toReview.map((c) => (
                <tr key={c.campaignId}>
                  <td>
                    <Link to={`/admin/payouts/${c.campaignId}`}>{c.title}</Link>
                  </td>
                  <td>{money(c.statement.due, c.currency)}</td>
                  <td>
                    <ReconciliationState problems={c.problems} feesPending={c.feesPending} stripe={stripe} />
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
        </TableScroll>
      )}
      {queue.carried.length > 0 ? (
        <>
          <h2>{t("payouts.carried")}</h2>
          <ul data-testid="carried-list">
            {queue.carried.map((c) => (
              <li key={c.campaignId}>
                <Link to={`/admin/payouts/${c.campaignId}`}>{c.title}</Link> —{" "}
                {t("statement.carried", { amount: money(-c.statement.due, c.currency) })}
              </li>
            ))}
          </ul>
        </>
      ) : null}

      <h2>{t("payouts.status.approved")}</h2>
      <PayoutTable rows={queue.approved} testId="approved" stripe={stripe} />
      <h2>{t("payouts.status.sent")}</h2>
      <PayoutTable rows={queue.sent} testId="sent" stripe={stripe} />
      <h2>{t("payouts.status.paid")}</h2>
      <PayoutTable rows={queue.paid} testId="paid" stripe={stripe} />
      <h2>{t("payouts.status.failed")}</h2>
      <PayoutTable rows={queue.failed} testId="failed" stripe={stripe} />

      {stripe ? (
        <>
          <h2 id="stripe-payout-title">{t("payouts.byStripePayout")}</h2>
          <Form method="get" className="inline-form" aria-labelledby="stripe-payout-title" ref={lookup}>
            <FormErrorSummary
              errors={stripePayout.error ? [{ field: "stripePayout", message: t(stripePayout.error) }] : []}
            />
            <FormField
              id="stripePayout"
              label={t("payouts.stripePayout")}
              error={stripePayout.error ? t(stripePayout.error) : null}
            >
              {(aria) => (
                <input {...aria} name="stripePayout" defaultValue={stripePayout.id} placeholder="po_…" />
              )}
            </FormField>
            <button type="submit" className="button">
              {t("payouts.show")}
            </button>
          </Form>
          {stripePayout.rows ? <ReconciliationTable rows={stripePayout.rows} /> : null}
        </>
      ) : null}

      <h2 id="import-title">{t("payouts.import")}</h2>
      {search.has("imported") ? (
        <p className="notice notice--success" role="status">
          {t("payouts.imported", { added: Number(search.get("imported")), seen: Number(search.get("seen")) })}
        </p>
      ) : null}
      <p className="muted">
        {queue.importStatus.lastImportAt
          ? t("payouts.importStatus", {
              lines: queue.importStatus.lines,
              at: formatDateTime(queue.importStatus.lastImportAt, platformTimeZone, locale),
            })
          : t("payouts.neverImported")}
        {queue.unattributed > 0 ? ` ${t("payouts.unattributed", { count: queue.unattributed })}` : ""}
      </p>
      {stripe ? <ImportForm result={result} /> : <p className="notice">{t("payouts.error.noStripe")}</p>}
    </section>
  );
}
