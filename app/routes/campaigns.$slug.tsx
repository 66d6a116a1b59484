import type { LoaderFunctionArgs, MetaFunction } from "@remix-run/node";
import { Link, useLoaderData } from "@remix-run/react";
import { isAdmin } from "~/auth/policy.server";
import { currentUser } from "~/auth/session.server";
import { getCampaignPage } from "~/campaigns/campaigns.server";
import { useLiveProgress } from "~/components/use-live-progress";
import { Money } from "~/components/Money";
import { ProgressBar } from "~/components/ProgressBar";
import { TierCard } from "~/components/TierCard";
import { intlLocale } from "~/i18n/catalogue.server";
import { formatZonedInstant } from "~/lib/zoned-time.server";
import { matchesTranslator, useIntlLocale, useTranslate } from "~/components/use-locale";
import { formatMoney } from "~/lib/money";
import { notFound, requestLocale } from "~/lib/request.server";
import { dateTimeFormat } from "~/i18n/intl";

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
  // Dates are formatted here, on the server, so that the page reads the same before and after hydration.
  const tz = campaign.timeZone;
  const monthFormat = dateTimeFormat(intlLocale(locale), {
    month: "long",
    year: "numeric",
    timeZone: "UTC",
  });
  return {
    locale,
    campaign,
    deadlineText: campaign.progress.deadline
      ? formatZonedInstant(new Date(campaign.progress.deadline), tz, locale)
      : null,
    deliveryTexts: Object.fromEntries(
      campaign.tiers.map((tier) => [
        tier.id,
        tier.estimatedDelivery
          ? monthFormat.format(new Date(`${tier.estimatedDelivery}-01T00:00:00Z`))
          : null,
      ]),
    ),
    url: `${context.config.PUBLIC_URL}/campaigns/${campaign.slug}`,
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
  const { campaign, deadlineText, deliveryTexts } = useLoaderData<typeof loader>();
  const t = useTranslate();
  const locale = useIntlLocale();
  const { progress, connected } = useLiveProgress(campaign.slug, campaign.progress, !campaign.preview);
  const open = campaign.status === "live" && progress.timeLeft?.unit !== "ended";
  return (
    <article className="campaign" aria-labelledby="campaign-title">
      {campaign.preview ? (
        <p className="notice" role="status">
          {t("campaign.preview", { status: t(`campaign.status.${campaign.status}`) })}
        </p>
      ) : null}
      <header className="campaign__header">
        <p className="campaign__owner">{t("campaign.by", { name: campaign.ownerName })}</p>
        <h1 id="campaign-title">{campaign.title}</h1>
        <p className="campaign__tagline">{campaign.tagline}</p>
      </header>

      <div className="campaign__top">
        {campaign.coverImage ? (
          // The cover is the page's largest paint: fetched at once and first (React 18 knows no
          // fetchPriority prop yet, hence the lowercase attribute).
          <img
            className="campaign__cover"
            src={campaign.coverImage}
            alt=""
            width={1200}
            height={675}
            loading="eager"
            decoding="async"
            {...{ fetchpriority: "high" }}
          />
        ) : null}
        <aside className="campaign__stats" aria-label={t("campaign.progressLabel")}>
          {campaign.status !== "live" ? (
            <p className={`badge badge--${campaign.status}`}>{t(`campaign.status.${campaign.status}`)}</p>
          ) : null}
          <ProgressBar progress={progress} live={connected} />
          <dl className="stats">
            <div className="stats__item">
              <dt>{t("stats.raised")}</dt>
              <dd data-testid="stat-raised">
                <Money amount={progress.raised} currency={progress.currency} />
              </dd>
            </div>
            <div className="stats__item">
              <dt>{t("stats.backers", { count: progress.backers })}</dt>
              <dd data-testid="backers">{progress.backers}</dd>
            </div>
            {progress.timeLeft && progress.timeLeft.unit !== "ended" ? (
              <div className="stats__item">
                <dt>{t(`stats.${progress.timeLeft.unit}`, { count: progress.timeLeft.value })}</dt>
                <dd data-testid="time-left">{progress.timeLeft.value}</dd>
              </div>
            ) : null}
          </dl>
          {deadlineText ? (
            <p className="campaign__deadline">
              {progress.timeLeft?.unit === "ended" ? t("stats.ended") : t("campaign.deadline")}{" "}
              <time dateTime={progress.deadline ?? undefined}>{deadlineText}</time>
            </p>
          ) : null}
          {open ? (
            <Link
              to={`/campaigns/${campaign.slug}/pledge`}
              className="button button--primary button--large button--block"
            >
              {t("campaign.pledgeCta")}
            </Link>
          ) : null}
          <p className="campaign__model">{t(`campaign.model.${campaign.fundingModel}`)}</p>
        </aside>
      </div>

      <div className="campaign__body">
        <section className="campaign__story" aria-labelledby="story-title">
          <h2 id="story-title">{t("campaign.story")}</h2>
          {/* Rendered from Markdown and sanitized on the server (story.server.ts). */}
          <div className="prose" dangerouslySetInnerHTML={{ __html: campaign.storyHtml }} />
          {campaign.updates.length ? (
            <section id="updates" aria-labelledby="updates-title">
              <h2 id="updates-title">{t("campaign.updates")}</h2>
              {campaign.updates.map((update) => (
                <article key={update.id} className="update">
                  <h3>{update.title}</h3>
                  <p className="muted">
                    <time dateTime={update.createdAt}>{update.createdAt.slice(0, 10)}</time>
                  </p>
                  {/* Markdown rendered and sanitized on the server, like the story. */}
                  <div className="prose" dangerouslySetInnerHTML={{ __html: update.html }} />
                </article>
              ))}
            </section>
          ) : null}
        </section>

        <div className="campaign__side">
          {campaign.stretchGoals.length ? (
            <section aria-labelledby="stretch-title" className="stretch">
              <h2 id="stretch-title">{t("stretch.title")}</h2>
              <ol className="stretch__list">
                {campaign.stretchGoals.map((goal) => (
                  <li
                    key={goal.id}
                    className={`stretch__goal${goal.reached ? " stretch__goal--reached" : ""}`}
                  >
                    <p className="stretch__target">
                      {t("stretch.target", { amount: formatMoney(goal.target, progress.currency, locale) })}
                    </p>
                    <h3>{goal.title}</h3>
                    <p>{goal.description}</p>
                    <p className={`badge ${goal.reached ? "badge--succeeded" : "badge--pending"}`}>
                      {goal.reached ? t("stretch.reached") : t("stretch.notReached")}
                    </p>
                  </li>
                ))}
              </ol>
            </section>
          ) : null}

          <section aria-labelledby="tiers-title" className="tiers">
            <h2 id="tiers-title">{t("tiers.title")}</h2>
            <ul className="tiers__list" role="list">
              {campaign.tiers.map((tier) => (
                <TierCard
                  key={tier.id}
                  tier={tier}
                  currency={progress.currency}
                  deliveryText={deliveryTexts[tier.id] ?? null}
                  pledgeUrl={
                    open && !tier.soldOut ? `/campaigns/${campaign.slug}/pledge?tier=${tier.id}` : null
                  }
                />
              ))}
            </ul>
          </section>
        </div>
      </div>
    </article>
  );
}
