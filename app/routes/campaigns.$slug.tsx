import type { LoaderFunctionArgs, MetaFunction } from "@remix-run/node";
import { useLoaderData } from "@remix-run/react";
import { isAdmin } from "~/auth/policy.server";
import { currentUser } from "~/auth/session.server";
import { backersWall } from "~/campaigns/backers-wall.server";
import { getCampaignPage } from "~/campaigns/campaigns.server";
import { campaignPageTexts } from "~/campaigns/page-texts.server";
import { BackersWall } from "~/components/BackersWall";
import { CampaignView } from "~/components/CampaignView";
import { useLiveProgress } from "~/components/use-live-progress";
import { matchesTranslator } from "~/components/use-locale";
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
  return {
    wall,
    locale,
    campaign,
    ...campaignPageTexts(campaign, locale),
    url: campaign.url,
    coverUrl: campaign.coverImage ? `${context.config.PUBLIC_URL}${campaign.coverImage}` : null,
  };
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
  const { campaign, deadlineText, deliveryTexts, wall } = useLoaderData<typeof loader>();
  const { progress, connected } = useLiveProgress(campaign.slug, campaign.progress, !campaign.preview);
  return (
    <CampaignView
      campaign={campaign}
      progress={progress}
      connected={connected}
      deadlineText={deadlineText}
      deliveryTexts={deliveryTexts}
      afterStory={<BackersWall wall={wall} timeZone={campaign.timeZone} />}
    />
  );
}
