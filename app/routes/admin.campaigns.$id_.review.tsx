// An admin's review of a campaign: the whole campaign as the public will see it (its cover, story,
// rewards, stretch goals, owner), the readiness checklist, who submitted it, and the decisions
// (approve, with a launch moment, or send back with a message), posted to the campaign's admin page.
import type { LoaderFunctionArgs, MetaFunction } from "@remix-run/node";
import { Link, useLoaderData } from "@remix-run/react";
import { assertCan } from "~/auth/policy.server";
import { loadCampaignFor } from "~/campaigns/access.server";
import { getCampaignPage } from "~/campaigns/campaigns.server";
import { campaignPageTexts } from "~/campaigns/page-texts.server";
import { reviewFacts } from "~/campaigns/readiness.server";
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

export const meta: MetaFunction<typeof loader> = ({ data, matches }) =>
  pageMeta(matches, (t) => `${t("review.title")} — ${data?.campaign.title ?? ""}`);

export default function ReviewCampaign() {
  const { campaign, id, deadlineText, deliveryTexts, owner, readiness } = useLoaderData<typeof loader>();
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
      <ReviewActions
        status={campaign.status}
        timeZone={campaign.timeZone}
        error={null}
        action={`/admin/campaigns/${id}`}
      />
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
