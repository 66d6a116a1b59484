// The embeddable widget: a campaign's title, live progress, backers and time left, for an <iframe>
// on the owner's own site (the only page another site may frame, http.server.ts). "Back this
// project" opens the campaign in a new tab: a pledge never happens inside someone else's frame.
import type { LoaderFunctionArgs, MetaFunction } from "@remix-run/node";
import { useLoaderData } from "@remix-run/react";
import { publicCampaignCard } from "~/campaigns/campaigns.server";
import { ProgressBar } from "~/components/ProgressBar";
import { TimeLeftText } from "~/components/TimeLeft";
import { useLiveProgress } from "~/components/use-live-progress";
import { pageMeta, useTranslate } from "~/components/use-locale";
import { notFound, requestLocale } from "~/lib/request.server";

/** The root layout shows this page without the site's header and footer. */
export const handle = { embedded: true };

export async function loader({ request, params, context }: LoaderFunctionArgs) {
  const campaign = await publicCampaignCard(context.db, {
    slug: params.slug ?? "",
    locale: requestLocale(request),
    now: new Date(),
  });
  if (!campaign) throw notFound();
  return { campaign };
}

export const meta: MetaFunction<typeof loader> = ({ data, matches }) =>
  pageMeta(matches, (t) => (data ? data.campaign.title : t("error.notFound.title")));

export default function CampaignEmbed() {
  const { campaign } = useLoaderData<typeof loader>();
  const t = useTranslate();
  const { progress, connected } = useLiveProgress(
    campaign.slug,
    campaign.progress,
    campaign.status === "live",
  );
  return (
    <article className="embed" aria-labelledby="embed-title">
      <h1 id="embed-title" className="embed__title">
        {campaign.title}
      </h1>
      <ProgressBar progress={progress} live={connected} />
      <p className="embed__meta">
        <span>{t("campaign.backers", { count: progress.backers })}</span>
        {campaign.status === "live" && progress.timeLeft ? (
          <span>
            <TimeLeftText value={progress.timeLeft} />
          </span>
        ) : (
          <span className={`badge badge--${campaign.status}`}>{t(`campaign.status.${campaign.status}`)}</span>
        )}
      </p>
      <p>
        <a
          className="button button--primary"
          href={`/campaigns/${campaign.slug}`}
          target="_blank"
          rel="noopener"
        >
          {t(campaign.status === "live" ? "embed.back" : "embed.view")}
          <span className="visually-hidden">{t("embed.newTab")}</span>
        </a>
      </p>
    </article>
  );
}
