// /campaigns/<slug>/badge.svg: the campaign's progress as an image, for other sites, newsletters and
// READMEs (cached for a minute; other sites may show it, http.server.ts).
import type { LoaderFunctionArgs } from "@remix-run/node";
import { badgeSvg } from "~/campaigns/badge.server";
import { publicCampaignCard } from "~/campaigns/campaigns.server";
import { notFound, requestLocale } from "~/lib/request.server";

export async function loader({ request, params, context }: LoaderFunctionArgs) {
  const locale = requestLocale(request);
  const campaign = await publicCampaignCard(context.db, { slug: params.slug ?? "", locale, now: new Date() });
  if (!campaign) throw notFound();
  return new Response(badgeSvg(campaign, locale), {
    headers: {
      "Content-Type": "image/svg+xml; charset=utf-8",
      "Cache-Control": "public, max-age=60",
      Vary: "Accept-Language, Cookie",
    },
  });
}
