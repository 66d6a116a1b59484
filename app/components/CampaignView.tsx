// A campaign's page as the public sees it: its header, cover, numbers, story, updates, stretch goals
// and rewards. The public page shows it with live numbers; the admins' review page shows it as it
// will be, with the review's checklist after the title (`afterHeader`).
import { Link } from "@remix-run/react";
import type { ReactNode } from "react";
import type { CampaignPage, Progress } from "~/campaigns/campaigns.server";
import { BudgetCoverage } from "~/components/BudgetCoverage";
import { CampaignFaq } from "~/components/CampaignFaq";
import { CampaignRisks } from "~/components/CampaignRisks";
import { CreatorProfile } from "~/components/CreatorProfile";
import { Money } from "~/components/Money";
import { ProgressBar } from "~/components/ProgressBar";
import { ShareLinks } from "~/components/ShareLinks";
import { TierCard } from "~/components/TierCard";
import { useIntlLocale, useTranslate } from "~/components/use-locale";
import { formatMoney } from "~/lib/money";

export function CampaignView({
  campaign,
  progress,
  connected,
  deadlineText,
  deliveryTexts,
  afterHeader = null,
  afterStory = null,
}: {
  campaign: CampaignPage;
  progress: Progress;
  /** The live stream is open: the bar says its numbers are live. */
  connected: boolean;
  deadlineText: string | null;
  deliveryTexts: Record<string, string | null>;
  afterHeader?: ReactNode;
  /** Under the story and its updates: the public page's backers' wall. */
  afterStory?: ReactNode;
}) {
  const t = useTranslate();
  const locale = useIntlLocale();
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
      {afterHeader}

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
          <BudgetCoverage
            lines={campaign.budgetLines}
            raised={progress.raised}
            currency={progress.currency}
          />
          {open ? (
            <Link
              to={`/campaigns/${campaign.slug}/pledge`}
              className="button button--primary button--large button--block campaign__cta"
            >
              {t("campaign.pledgeCta")}
            </Link>
          ) : null}
          <p className="campaign__model">{t(`campaign.model.${campaign.fundingModel}`)}</p>
          {campaign.preview ? null : <ShareLinks url={campaign.url} title={campaign.title} />}
        </aside>
      </div>

      <div className="campaign__body">
        <section className="campaign__story" aria-labelledby="story-title">
          <h2 id="story-title">{t("campaign.story")}</h2>
          {/* Rendered from Markdown and sanitized on the server (story.server.ts). */}
          <div className="prose" dangerouslySetInnerHTML={{ __html: campaign.storyHtml }} />
          <CampaignRisks html={campaign.risksHtml} />
          <CampaignFaq entries={campaign.faq} />
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
          {afterStory}
        </section>

        <div className="campaign__side">
          <CreatorProfile creator={campaign.creator} />
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
