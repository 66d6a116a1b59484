// A campaign's follow-up, for its owner and for admins: collected, still to charge, failing and
// dropped pledges, refunds and disputes, and a refund form for each collected pledge.
import { data, redirect, type ActionFunctionArgs, type LoaderFunctionArgs } from "@remix-run/node";
import { Form, Link, useActionData, useLoaderData, useSearchParams } from "@remix-run/react";
import { z } from "zod";
import type { PledgeStatus } from "#db/schema.ts";
import { assertCsrf } from "~/auth/csrf.server";
import { assertCan, isAdmin } from "~/auth/policy.server";
import { CsrfField } from "~/components/CsrfField";
import { loadCampaignFor } from "~/campaigns/access.server";
import { approveCampaign, cancelCampaign, sendBackToDraft } from "~/campaigns/authoring.server";
import { backersToGoal, fundingCurve, listPledges } from "~/campaigns/dashboard.server";
import { campaignStatement } from "~/payouts/ledger.server";
import { FundingChart } from "~/components/FundingChart";
import { Statement } from "~/components/Statement";
import { chargeSummary } from "~/pledges/charging.server";
import { refundPledge } from "~/pledges/refunds.server";
import { AppError } from "~/lib/errors";
import { echoValues } from "~/lib/form-echo";
import { intlLocale } from "~/i18n/catalogue.server";
import type { MessageKey } from "~/i18n/keys";
import { useIntlLocale, useTranslate } from "~/components/use-locale";
import { ambiguousAmountParams, formatMoney, parseMoney } from "~/lib/money";
import { notFound, requestLocale } from "~/lib/request.server";

export async function loader({ request, params, context }: LoaderFunctionArgs) {
  const { user, campaign } = await loadCampaignFor(request, context, params.id ?? "");
  assertCan(user, { action: "campaign.manage", campaign }, context.config);
  const [statement, summary, disputes, pledges, curve, tiers] = await Promise.all([
    campaignStatement(context.db, campaign.id, campaign.platform_fee_bps ?? context.config.PLATFORM_FEE_BPS),
    chargeSummary(context.db, campaign.id),
    context.db
      .selectFrom("disputes")
      .innerJoin("pledges", "pledges.id", "disputes.pledge_id")
      .select([
        "disputes.id",
        "disputes.amount",
        "disputes.currency",
        "disputes.status",
        "disputes.reason",
        "pledges.backer_name",
      ])
      .where("pledges.campaign_id", "=", campaign.id)
      .execute(),
    listPledges(context.db, campaign.id, {
      tierId: new URL(request.url).searchParams.get("tier") || null,
      status: (new URL(request.url).searchParams.get("status") as PledgeStatus | null) || null,
    }),
    fundingCurve(context.db, campaign),
    context.db
      .selectFrom("reward_tiers")
      .select(["id", "title"])
      .where("campaign_id", "=", campaign.id)
      .orderBy("position")
      .execute(),
  ]);
  return {
    campaign: {
      id: campaign.id,
      title: campaign.title,
      currency: campaign.currency,
      status: campaign.status,
    },
    reviewer: isAdmin(user, context.config),
    statement,
    curve,
    tiers,
    numbers: {
      raised: campaign.pledged_amount,
      goal: campaign.goal_amount,
      backers: campaign.backer_count,
      launchedAt: campaign.launched_at,
      deadline: campaign.deadline_at,
      toGoal: backersToGoal(campaign.pledged_amount, campaign.goal_amount, campaign.backer_count),
    },
    filter: {
      tier: new URL(request.url).searchParams.get("tier") ?? "",
      status: new URL(request.url).searchParams.get("status") ?? "",
    },
    summary,
    disputes,
    pledges,
  };
}

const refundForm = z.object({ pledgeId: z.string().uuid(), amount: z.string(), reason: z.string().trim() });

const reviewForm = z.object({
  intent: z.enum(["approve", "send-back"]),
  launchAt: z
    .string()
    .optional()
    .transform((v) => (v ? new Date(v) : null))
    .refine((d) => d === null || !Number.isNaN(d.getTime()), "editor.error.state"),
  message: z.string().trim().optional(),
});

export async function action({ request, params, context }: ActionFunctionArgs) {
  const { user, campaign } = await loadCampaignFor(request, context, params.id ?? "");
  const form = Object.fromEntries(await request.formData());
  assertCsrf(form, user, context.config.SESSION_SECRET);
  if (form.intent === "cancel-campaign") {
    assertCan(user, { action: "admin.access" }, context.config);
    try {
      await cancelCampaign(context.db, campaign.id, context.clock());
    } catch (error) {
      if (error instanceof AppError)
        return data({ pledgeId: null, error: "editor.error.state" as MessageKey }, { status: 409 });
      throw error;
    }
    return redirect(`/admin/campaigns/${campaign.id}`);
  }
  if (form.intent === "approve" || form.intent === "send-back") {
    // Reviewing is the admins' alone.
    assertCan(user, { action: "admin.access" }, context.config);
    const review = reviewForm.safeParse(form);
    if (!review.success)
      return data({ pledgeId: null, error: "editor.error.state" as MessageKey }, { status: 400 });
    try {
      if (review.data.intent === "approve") {
        await approveCampaign(context.db, campaign.id, review.data.launchAt, context.clock());
      } else {
        if (!review.data.message || review.data.message.length < 3) {
          return data({ pledgeId: null, error: "admin.error.reason" as MessageKey }, { status: 400 });
        }
        await sendBackToDraft(context.db, campaign.id, review.data.message, context.clock());
      }
    } catch (error) {
      if (error instanceof AppError) {
        const key: MessageKey = error.code === "bad_end_date" ? "editor.error.endDate" : "editor.error.state";
        return data({ pledgeId: null, error: key }, { status: error.status });
      }
      throw error;
    }
    return redirect(`/admin/campaigns/${campaign.id}`);
  }
  assertCan(user, { action: "pledge.refund", campaign }, context.config);
  const parsed = refundForm.safeParse(form);
  if (!parsed.success)
    return data({ pledgeId: null, error: "admin.error.amount" as MessageKey }, { status: 400 });
  const { pledgeId, reason } = parsed.data;
  const pledge = await context.db
    .selectFrom("pledges")
    .select("campaign_id")
    .where("id", "=", pledgeId)
    .executeTakeFirst();
  if (pledge?.campaign_id !== campaign.id) throw notFound();
  // What was typed comes back with the error, on the form of its pledge (at most what a field holds).
  const values = echoValues({ amount: parsed.data.amount, reason }, { amount: 40, reason: 500 });
  const amount = parseMoney(parsed.data.amount, campaign.currency, intlLocale(requestLocale(request)));
  if (!amount.ok) {
    // An ambiguous amount is shown back with both readings, in the reader's language.
    const ambiguous = amount.error === "ambiguous";
    return data(
      {
        pledgeId,
        values,
        error: (ambiguous ? "money.error.ambiguous" : "admin.error.amount") as MessageKey,
        params: ambiguousAmountParams(
          values.amount ?? "",
          campaign.currency,
          intlLocale(requestLocale(request)),
        ),
      },
      { status: 400 },
    );
  }
  let refunded: Awaited<ReturnType<typeof refundPledge>>;
  try {
    refunded = await refundPledge(
      { db: context.db, gateway: context.gateway },
      { pledgeId, amount: amount.amount, reason, actor: { id: user.id, email: user.email } },
      context.clock(),
    );
  } catch (error) {
    if (error instanceof AppError) {
      const key: MessageKey =
        error.code === "reason_required"
          ? "admin.error.reason"
          : error.code === "not_refundable"
            ? "admin.error.notRefundable"
            : error.code === "refund_refused"
              ? "admin.error.refundRefused"
              : "admin.error.amount";
      return data({ pledgeId, error: key, values }, { status: error.status });
    }
    throw error;
  }
  return redirect(
    `/admin/campaigns/${campaign.id}?refunded=${refunded.status === "pending" ? "pending" : "1"}`,
  );
}

export default function CampaignFollowUp() {
  const { campaign, reviewer, statement, summary, disputes, pledges, curve, tiers, numbers, filter } =
    useLoaderData<typeof loader>();
  const result = useActionData<typeof action>();
  const typedFor = (pledgeId: string) =>
    result?.pledgeId === pledgeId && "values" in result ? result.values : undefined;
  const [search] = useSearchParams();
  const t = useTranslate();
  const locale = useIntlLocale();
  const money = (amount: number) => formatMoney(amount, campaign.currency, locale, { withDecimals: true });
  const line = (label: MessageKey, value: { count: number; amount: number }) => (
    <div>
      <dt>{t(label)}</dt>
      <dd>
        {money(value.amount)} ({value.count})
      </dd>
    </div>
  );
  return (
    <section aria-labelledby="follow-title">
      <h1 id="follow-title">
        {t("admin.manage")} — {campaign.title}
      </h1>
      {reviewer && campaign.status === "in_review" ? (
        <div className="change-form">
          <Form method="post" className="inline-form">
            <CsrfField />
            <input type="hidden" name="intent" value="approve" />
            <label>
              {t("review.launchAt")} <input type="datetime-local" name="launchAt" />
            </label>
            <button type="submit" className="button button--primary">
              {t("review.approve")}
            </button>
          </Form>
          <Form method="post" className="inline-form">
            <CsrfField />
            <input type="hidden" name="intent" value="send-back" />
            <label>
              {t("review.message")} <input name="message" size={40} />
            </label>
            <button type="submit" className="button">
              {t("review.sendBack")}
            </button>
          </Form>
          {result?.error && result.pledgeId === null ? (
            <p className="field__error" role="alert">
              {t(result.error)}
            </p>
          ) : null}
        </div>
      ) : null}
      {reviewer && ["draft", "in_review", "live"].includes(campaign.status) ? (
        <Form method="post" className="notice notice--error">
          <CsrfField />
          <p>{t("admin.cancelHint")}</p>
          <button type="submit" name="intent" value="cancel-campaign" className="button button--danger">
            {t("admin.cancel")}
          </button>
        </Form>
      ) : null}
      {search.has("refunded") ? (
        <p className="notice notice--success" role="status">
          {t(search.get("refunded") === "pending" ? "admin.refunded.pending" : "admin.refunded.done")}
        </p>
      ) : null}
      <h2>{t("dashboard.numbers")}</h2>
      <dl className="summary">
        <div>
          <dt>{t("stats.raised")}</dt>
          <dd data-testid="dashboard-raised">{money(numbers.raised)}</dd>
        </div>
        <div>
          <dt>{t("stats.backers", { count: numbers.backers })}</dt>
          <dd>{numbers.backers}</dd>
        </div>
        <div>
          <dt>{t("dashboard.goal")}</dt>
          <dd>{money(numbers.goal)}</dd>
        </div>
      </dl>
      {numbers.toGoal > 0 ? (
        <p data-testid="to-goal">{t("dashboard.hint", { count: numbers.toGoal })}</p>
      ) : null}
      {numbers.launchedAt && numbers.deadline ? (
        <FundingChart
          points={curve}
          launchedAt={numbers.launchedAt}
          deadline={numbers.deadline}
          goal={numbers.goal}
          currency={campaign.currency}
          label={t("dashboard.curve")}
        />
      ) : null}
      <h2>{t("admin.summary")}</h2>
      <dl className="summary" data-testid="charge-summary">
        {line("admin.collected", summary.collected)}
        {line("admin.pending", summary.pending)}
        {line("admin.processing", summary.processing)}
        {line("admin.failed", summary.failed)}
        {line("admin.dropped", summary.dropped)}
        <div>
          <dt>{t("admin.refunded")}</dt>
          <dd>{money(summary.refunded)}</dd>
        </div>
      </dl>
      <h2>{t("statement.title")}</h2>
      <Statement statement={statement} currency={campaign.currency} />
      <p>
        <Link to={reviewer ? `/admin/payouts/${campaign.id}` : `/manage/campaigns/${campaign.id}/statement`}>
          {t("payouts.statementPage")}
        </Link>
      </p>
      <h2>{t("admin.disputes")}</h2>
      {disputes.length === 0 ? (
        <p>{t("admin.noDisputes")}</p>
      ) : (
        <ul>
          {disputes.map((d) => (
            <li key={d.id}>
              {d.backer_name}: {money(d.amount)} — {d.status} {d.reason ? `(${d.reason})` : ""}
            </li>
          ))}
        </ul>
      )}
      <h2>{t("admin.pledges")}</h2>
      <p>
        <a href={`/admin/campaigns/${campaign.id}/backers.csv`} download>
          {t("dashboard.csv")}
        </a>
      </p>
      <Form method="get" className="inline-form">
        <label>
          {t("pledge.chooseTier")}{" "}
          <select name="tier" defaultValue={filter.tier}>
            <option value="">—</option>
            {tiers.map((tier) => (
              <option key={tier.id} value={tier.id}>
                {tier.title}
              </option>
            ))}
          </select>
        </label>
        <label>
          {t("pledgePage.status")}{" "}
          <select name="status" defaultValue={filter.status}>
            <option value="">—</option>
            {(["committed", "collected", "payment_failed", "dropped", "refunded", "canceled"] as const).map(
              (status) => (
                <option key={status} value={status}>
                  {t(`pledgePage.status.${status}`)}
                </option>
              ),
            )}
          </select>
        </label>
        <button type="submit" className="button">
          {t("dashboard.filter")}
        </button>
      </Form>
      <table className="table">
        <tbody>
          {pledges.map((p) => (
            <tr key={p.id}>
              <td>{p.backer_name}</td>
              <td>{p.backer_email}</td>
              <td>{money(p.amount - p.refunded_amount)}</td>
              <td>{t(`pledgePage.status.${p.status}`)}</td>
              <td>
                {p.status === "collected" ? (
                  <Form method="post" className="inline-form">
                    <CsrfField />
                    <input type="hidden" name="pledgeId" value={p.id} />
                    <label>
                      {t("admin.refundAmount")}{" "}
                      <input
                        name="amount"
                        size={8}
                        inputMode="decimal"
                        defaultValue={typedFor(p.id)?.amount}
                      />
                    </label>
                    <label>
                      {t("admin.refundReason")}{" "}
                      <input name="reason" size={16} defaultValue={typedFor(p.id)?.reason} />
                    </label>
                    <button type="submit" className="button">
                      {t("admin.refund")}
                    </button>
                    {result?.pledgeId === p.id && result.error ? (
                      <span className="field__error" role="alert">
                        {t(result.error, "params" in result ? result.params : {})}
                      </span>
                    ) : null}
                  </Form>
                ) : null}
              </td>
            </tr>
          ))}
        </tbody>
      </table>
    </section>
  );
}
