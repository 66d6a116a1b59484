// An admin's review of a campaign: the whole campaign as the public will see it (its cover, story,
// rewards, stretch goals, owner), the readiness checklist, who submitted it, and the decisions
// (approve, with a launch moment, or send back with a message), taken on this page.
import {
  data,
  redirect,
  type ActionFunctionArgs,
  type LoaderFunctionArgs,
  type MetaFunction,
} from "@remix-run/node";
import { Link, useActionData, useLoaderData } from "@remix-run/react";
import { assertCsrf } from "~/auth/csrf.server";
import { actorFor, assertCan } from "~/auth/policy.server";
import { loadCampaignFor } from "~/campaigns/access.server";
import { getCampaignPage } from "~/campaigns/campaigns.server";
import { campaignPageTexts } from "~/campaigns/page-texts.server";
import { reviewFacts } from "~/campaigns/readiness.server";
import { decideReview, isReviewIntent } from "~/campaigns/review-decision.server";
import { CampaignView } from "~/components/CampaignView";
import { ReviewActions } from "~/components/admin/ReviewActions";
import { ReadinessList } from "~/components/ReadinessList";
import { pageMeta, useTranslate } from "~/components/use-locale";
import { notFound, requestLocale } from "~/lib/request.server";

export async function loader({ request, params, context }: LoaderFunctionArgs) {
  const { user, campaign } = await loadCampaignFor(request, context, params.id ?? "");
  assertCan(user, { action: "admin.access" }, context.config);
  const locale = requestLocale(request);
  const page = await getCampaignPage(context.db, {
    slug: campaign.slug,
    locale,
    now: context.clock(),
    siteUrl: context.config.PUBLIC_URL,
    previewer: { userId: user.id, admin: true },
  });
  if (!page) throw notFound();
  return {
    campaign: page,
    id: campaign.id,
    ...campaignPageTexts(page, locale),
    ...(await reviewFacts(context.db, campaign)),
  };
}

/** The decisions, taken here: done, to the campaign's admin page; refused, this page again with its form's errors. */
export async function action({ request, params, context }: ActionFunctionArgs) {
  const { user, campaign } = await loadCampaignFor(request, context, params.id ?? "");
  assertCan(user, { action: "admin.access" }, context.config);
  const form = Object.fromEntries(await request.formData());
  assertCsrf(form, user, context.config.SESSION_SECRET);
  if (!isReviewIntent(form.intent)) return data({ review: null }, { status: 400 });
  const actor = actorFor(user, context.config);
  const review = await decideReview(context.db, { campaign, actor, values: form }, context.clock());
  if (review) return data({ review }, { status: review.status });
  return redirect(`/admin/campaigns/${campaign.id}`);
}

export const meta: MetaFunction<typeof loader> = ({ data, matches }) =>
  pageMeta(matches, (t) => `${t("review.title")} — ${data?.campaign.title ?? ""}`);

export default function ReviewCampaign() {
  const { campaign, id, deadlineText, deliveryTexts, owner, readiness } = useLoaderData<typeof loader>();
  const answer = useActionData<typeof action>();
  const t = useTranslate();
  const panel = (
    <section className="review-panel" aria-labelledby="review-title">
      <h2 id="review-title">{t("review.title")}</h2>
      <p>
        {t("review.submittedBy", { name: owner.name || owner.email })} (
        <a href={`mailto:${owner.email}`}>{owner.email}</a>) ·{" "}
        <Link to={`/admin/campaigns/${id}`}>{t("admin.manage")}</Link>
      </p>
      <ReadinessList readiness={readiness} titleId="readiness-title" />
      {campaign.status === "in_review" ? null : (
        <p className="notice">
          {t("review.notInReview", { status: t(`campaign.status.${campaign.status}`) })}
        </p>
      )}
      <ReviewActions status={campaign.status} timeZone={campaign.timeZone} result={answer?.review ?? null} />
    </section>
  );
  return (
    <CampaignView
      campaign={campaign}
      progress={campaign.progress}
      connected={false}
      deadlineText={deadlineText}
      deliveryTexts={deliveryTexts}
      afterHeader={panel}
    />
  );
}
