import { Link } from "@remix-run/react";
import type { CampaignCard as Card } from "~/campaigns/campaigns.server";
import { useTranslate } from "~/components/use-locale";
import { ProgressBar } from "./ProgressBar";
import { TimeLeftText } from "./TimeLeft";

/** `first`: the card a phone shows first, whose cover is the page's largest paint: fetched at once. */
export function CampaignCard({ campaign, first = false }: { campaign: Card; first?: boolean }) {
  const t = useTranslate();
  const { progress } = campaign;
  return (
    <article className="card" aria-labelledby={`card-${campaign.id}`}>
      {campaign.coverImage ? (
        <img
          className="card__cover"
          src={campaign.coverImage}
          alt=""
          width={640}
          height={360}
          loading={first ? "eager" : "lazy"}
          // Lowercase: React 18 does not know the prop (and warns on fetchPriority).
          {...(first ? { fetchpriority: "high" } : {})}
        />
      ) : null}
      <div className="card__body">
        <h3 className="card__title" id={`card-${campaign.id}`}>
          <Link to={`/campaigns/${campaign.slug}`} className="card__link">
            {campaign.title}
          </Link>
        </h3>
        <p className="card__tagline">{campaign.tagline}</p>
        <ProgressBar progress={progress} size="small" />
        <p className="card__meta">
          <span>{t("campaign.backers", { count: progress.backers })}</span>
          {campaign.status === "live" && progress.timeLeft ? (
            <span>
              <TimeLeftText value={progress.timeLeft} />
            </span>
          ) : (
            <span className={`badge badge--${campaign.status}`}>
              {t(`campaign.status.${campaign.status}`)}
            </span>
          )}
        </p>
      </div>
    </article>
  );
}
