import {
  data,
  redirect,
  type ActionFunctionArgs,
  type LoaderFunctionArgs,
  type MetaFunction,
} from "@remix-run/node";
import { useActionData, useLoaderData } from "@remix-run/react";
import { assertCsrf } from "~/auth/csrf.server";
import { actorFor, isAdmin } from "~/auth/policy.server";
import { currentUser, requireUser } from "~/auth/session.server";
import { backersWall } from "~/campaigns/backers-wall.server";
import { getCampaignPage } from "~/campaigns/campaigns.server";
import { campaignComments, COMMENT_ECHO_LIMITS, handleCommentIntent } from "~/campaigns/comments.server";
import { campaignPageTexts } from "~/campaigns/page-texts.server";
import { BackersWall } from "~/components/BackersWall";
import { CampaignComments } from "~/components/CampaignComments";
import { CampaignView } from "~/components/CampaignView";
import { useLiveProgress } from "~/components/use-live-progress";
import { matchesTranslator } from "~/components/use-locale";
import { echoValues } from "~/lib/form-echo";
import { notFound, requestLocale } from "~/lib/request.server";

export async function loader({ request, params, context }: LoaderFunctionArgs) {
  const locale = requestLocale(request);
  const viewer = await currentUser(request, context);
  const campaign = await getCampaignPage(context.db, {
    viewerEmail: viewer?.email ?? null,
    slug: params.slug ?? "",
    locale,
    now: context.clock(),
    siteUrl: context.config.PUBLIC_URL,
    // Its owner and admins see it before it is public, as the public will (a preview).
    previewer: viewer ? { userId: viewer.id, admin: isAdmin(viewer, context.config) } : null,
  });
  if (!campaign) throw notFound();
  // The wall's page: cursors that do not parse are the first page (the one the render cache shares).
  const search = new URL(request.url).searchParams;
  const wall = await backersWall(context.db, campaign.id, {
    after: search.get("backers"),
    before: search.get("backersBefore"),
  });
  // Its comments, as this viewer may see them (none on a preview: nobody may comment yet).
  const comments = campaign.preview
    ? null
    : await campaignComments(context.db, campaign.id, viewer && actorFor(viewer, context.config), {
        after: search.get("comments"),
        before: search.get("commentsBefore"),
        locale,
      });
  return {
    wall,
    comments,
    locale,
    campaign,
    ...campaignPageTexts(campaign, locale),
    url: campaign.url,
    coverUrl: campaign.coverImage ? `${context.config.PUBLIC_URL}${campaign.coverImage}` : null,
  };
}

/** The page's comment forms (campaigns/comments.server.ts): back to the comment, or the page with the errors. */
export async function action({ request, params, context }: ActionFunctionArgs) {
  const user = await requireUser(request, context);
  const values = Object.fromEntries([...(await request.formData())].map(([k, v]) => [k, String(v)]));
  assertCsrf(values, user, context.config.SESSION_SECRET);
  const slug = params.slug ?? "";
  const outcome = await handleCommentIntent(
    context.db,
    { slug, actor: actorFor(user, context.config), values },
    context.clock(),
  );
  if (outcome.kind === "invalid") {
    const echoed = echoValues(values, COMMENT_ECHO_LIMITS);
    const target = echoed.intent === "post" ? null : (echoed.commentId ?? null);
    return data(
      { intent: echoed.intent ?? "", target, errors: outcome.errors, values: echoed },
      { status: outcome.status },
    );
  }
  // The slug named a public campaign (else the answer was its 404).
  return redirect(`/campaigns/${slug}#comment-${outcome.commentId}`);
}

export const meta: MetaFunction<typeof loader> = ({ data, matches }) => {
  const t = matchesTranslator(matches);
  if (!data) return [{ title: t("error.notFound.title") }];
  const { campaign } = data;
  return [
    { title: `${campaign.title} — ${t("site.name")}` },
    { name: "description", content: campaign.tagline },
    { property: "og:type", content: "website" },
    { property: "og:title", content: campaign.title },
    { property: "og:description", content: campaign.tagline },
    { property: "og:url", content: data.url },
    ...(data.coverUrl ? [{ property: "og:image", content: data.coverUrl }] : []),
    { name: "twitter:card", content: "summary_large_image" },
  ];
};

export default function CampaignRoute() {
  const { campaign, deadlineText, deliveryTexts, wall, comments } = useLoaderData<typeof loader>();
  const result = useActionData<typeof action>();
  const { progress, connected } = useLiveProgress(campaign.slug, campaign.progress, !campaign.preview);
  return (
    <CampaignView
      campaign={campaign}
      progress={progress}
      connected={connected}
      deadlineText={deadlineText}
      deliveryTexts={deliveryTexts}
      afterStory={
        <>
          <BackersWall wall={wall} timeZone={campaign.timeZone} />
          {comments ? <CampaignComments campaign={campaign} comments={comments} result={result} /> : null}
        </>
      }
    />
  );
}
