// A campaign's follow-up, for its owner and for admins: collected, still to charge, failing and
// dropped pledges, refunds and disputes, and a refund form for each collected pledge.
import {
  data,
  redirect,
  type ActionFunctionArgs,
  type LoaderFunctionArgs,
  type MetaFunction,
} from "@remix-run/node";
import { Link, useActionData, useLoaderData, useSearchParams } from "@remix-run/react";
import { z } from "zod";
import { assertCsrf } from "~/auth/csrf.server";
import { actorFor, assertCan, isAdmin } from "~/auth/policy.server";
import { loadCampaignFor } from "~/campaigns/access.server";
import {
  decideReview,
  firstMessage,
  isReviewIntent,
  type ReviewRefusal,
} from "~/campaigns/review-decision.server";
import {
  backersToGoal,
  fundingCurve,
  parseDashboardSearch,
  pledgePage,
  tierChoices,
} from "~/campaigns/dashboard.server";
import { campaignStatement } from "~/payouts/statement.server";
import { PledgeTable, type RefundResult } from "~/components/admin/PledgeTable";
import { ReviewActions } from "~/components/admin/ReviewActions";
import { CampaignNumbers } from "~/components/admin/CampaignNumbers";
import { Statement } from "~/components/Statement";
import { chargeSummary } from "~/pledges/charging.server";
import { campaignDisputes } from "~/pledges/disputes.server";
import { refundPledge } from "~/pledges/refunds.server";
import { echoValues } from "~/lib/form-echo";
import { refusalOf } from "~/lib/forms.server";
import { intlLocale } from "~/i18n/catalogue.server";
import type { MessageKey } from "~/i18n/keys";
import { pageMeta, useIntlLocale, useTranslate } from "~/components/use-locale";
import { ambiguousAmountParams, formatMoney, parseMoney } from "~/lib/money";
import { amountMessage } from "~/campaigns/campaign-form";
import { requestLocale } from "~/lib/request.server";

export async function loader({ request, params, context }: LoaderFunctionArgs) {
  const { user, campaign } = await loadCampaignFor(request, context, params.id ?? "");
  assertCan(user, { action: "campaign.manage", campaign }, context.config);
  const search = parseDashboardSearch(new URL(request.url).searchParams);
  const [statement, summary, disputes, page, curve, tiers] = await Promise.all([
    campaignStatement(context.db, campaign.id, campaign.platform_fee_bps ?? context.config.PLATFORM_FEE_BPS),
    chargeSummary(context.db, campaign.id),
    campaignDisputes(context.db, campaign.id),
    pledgePage(context.db, campaign.id, {
      filter: { tierId: search.tier, status: search.status },
      after: search.after,
      before: search.before,
    }),
    fundingCurve(context.db, context.engine, campaign),
    tierChoices(context.db, campaign.id),
  ]);
  return {
    campaign: {
      id: campaign.id,
      title: campaign.title,
      slug: campaign.slug,
      currency: campaign.currency,
      status: campaign.status,
      timeZone: campaign.time_zone,
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
    filter: { tier: search.tier ?? "", status: search.status ?? "" },
    summary,
    disputes,
    pledges: page.pledges.map((p) => ({
      id: p.id,
      backer_name: p.backer_name,
      backer_email: p.backer_email,
      amount: p.amount,
      refunded_amount: p.refunded_amount,
      status: p.status,
    })),
    pages: { newer: page.newer, older: page.older },
  };
}

// The page had no title (axe-core: document-title); a tab or a screen reader names it now.
const refundForm = z.object({ pledgeId: z.string().uuid(), amount: z.string(), reason: z.string().trim() });

export async function action({ request, params, context }: ActionFunctionArgs) {
  const { user, campaign } = await loadCampaignFor(request, context, params.id ?? "");
  const form = Object.fromEntries(await request.formData());
  assertCsrf(form, user, context.config.SESSION_SECRET);
  const actor = actorFor(user, context.config);
  const refused = (error: MessageKey, status: number) => data({ pledgeId: null, error }, { status });
  if (isReviewIntent(form.intent)) {
    // Reviewing and cancelling are the admins' alone.
    assertCan(user, { action: "admin.access" }, context.config);
    const review = await decideReview(context.db, { campaign, actor, values: form }, context.clock());
    // `error` as the follow-up's other refusals carry it; `review` for the form's fields and summary.
    if (review)
      return data({ pledgeId: null, error: firstMessage(review), review }, { status: review.status });
    return redirect(`/admin/campaigns/${campaign.id}`);
  }
  assertCan(user, { action: "pledge.refund", campaign }, context.config);
  const parsed = refundForm.safeParse(form);
  if (!parsed.success) return refused("admin.error.amount", 400);
  const { pledgeId, reason } = parsed.data;
  const locale = intlLocale(requestLocale(request));
  // What was typed comes back with the error, on the form of its pledge (at most what a field holds).
  const values = echoValues({ amount: parsed.data.amount, reason }, { amount: 40, reason: 500 });
  const amount = parseMoney(parsed.data.amount, campaign.currency, locale);
  if (!amount.ok) {
    // The amount's own error (negative, too large…); an ambiguous one shown back with both
    // readings, in the reader's language.
    return data(
      {
        pledgeId,
        values,
        error: amountMessage(amount, "admin.error.amount"),
        params: ambiguousAmountParams(values.amount ?? "", campaign.currency, locale),
      },
      { status: 400 },
    );
  }
  let refunded: Awaited<ReturnType<typeof refundPledge>>;
  try {
    refunded = await refundPledge(
      { db: context.db, gateway: context.gateway },
      { pledgeId, amount: amount.amount, reason, actor, campaignId: campaign.id },
      context.clock(),
    );
  } catch (error) {
    // On the form of its pledge; another campaign's pledge (a 404) is the page's answer.
    const { status, field, message } = refusalOf(error);
    return data({ pledgeId, error: message, field, values }, { status });
  }
  return redirect(
    `/admin/campaigns/${campaign.id}?refunded=${refunded.status === "pending" ? "pending" : "1"}`,
  );
}

export const meta: MetaFunction<typeof loader> = ({ data, matches }) =>
  pageMeta(matches, (t) => `${t("admin.manage")} — ${data?.campaign.title ?? ""}`);

export default function CampaignFollowUp() {
  const { campaign, reviewer, statement, summary, disputes, pledges, pages, curve, tiers, numbers, filter } =
    useLoaderData<typeof loader>();
  const answer = useActionData<typeof action>();
  const result = answer as RefundResult | undefined;
  const [search] = useSearchParams();
  const t = useTranslate();
  const locale = useIntlLocale();
  const money = (amount: number) => formatMoney(amount, campaign.currency, locale, { withDecimals: true });
  return (
    <section aria-labelledby="follow-title">
      <h1 id="follow-title">
        {t("admin.manage")} — {campaign.title}
      </h1>
      {campaign.status === "in_review" || campaign.status === "draft" ? (
        <p>
          {reviewer ? (
            <>
              <Link to={`/admin/campaigns/${campaign.id}/review`}>{t("review.open")}</Link> ·{" "}
            </>
          ) : null}
          <Link to={`/campaigns/${campaign.slug}`}>{t("campaign.previewLink")}</Link>
        </p>
      ) : null}
      {reviewer ? (
        <ReviewActions
          status={campaign.status}
          timeZone={campaign.timeZone}
          result={(answer as { review?: ReviewRefusal } | undefined)?.review ?? null}
        />
      ) : null}
      {search.has("refunded") ? (
        <p className="notice notice--success" role="status">
          {t(search.get("refunded") === "pending" ? "admin.refunded.pending" : "admin.refunded.done")}
        </p>
      ) : null}
      <CampaignNumbers currency={campaign.currency} numbers={numbers} curve={curve} summary={summary} />
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
      <PledgeTable
        campaignId={campaign.id}
        currency={campaign.currency}
        pledges={pledges}
        pages={pages}
        tiers={tiers}
        filter={filter}
        result={result}
      />
    </section>
  );
}
