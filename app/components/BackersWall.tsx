// The backers' wall under a campaign's story: its backers, newest first, with the public word they
// left (names only when they allowed it; the server drops an anonymous backer's). Paged by plain
// links (`?backers=` for older, `?backersBefore=` for newer), so it works without JavaScript; a page
// with a cursor is never the render cache's shared page (its URL has a query).
import type { BackersWall as Wall } from "~/campaigns/backers-wall.server";
import { Pager } from "~/components/Pager";
import { useIntlLocale, useTranslate } from "~/components/use-locale";
import { formatShortDate } from "~/lib/time";

export function BackersWall({ wall, timeZone }: { wall: Wall; timeZone: string }) {
  const t = useTranslate();
  const locale = useIntlLocale();
  const link = (param: string, cursor: string | null) =>
    cursor ? `?${param}=${encodeURIComponent(cursor)}#backers` : null;
  return (
    <section id="backers" className="backers-wall" aria-labelledby="backers-title">
      <h2 id="backers-title">{t("wall.title")}</h2>
      {wall.backers.length === 0 ? (
        <p className="muted">{t("wall.empty")}</p>
      ) : (
        <ol className="backers-wall__list">
          {wall.backers.map((backer) => (
            <li key={backer.id} className="backers-wall__backer">
              <p className="backers-wall__who">
                <span className="backers-wall__name">{backer.name ?? t("wall.anonymous")}</span>{" "}
                <time className="muted" dateTime={backer.createdAt}>
                  {formatShortDate(new Date(backer.createdAt), timeZone, locale)}
                </time>
              </p>
              {backer.comment ? (
                <blockquote className="backers-wall__word">{backer.comment}</blockquote>
              ) : null}
            </li>
          ))}
        </ol>
      )}
      <Pager
        label={t("wall.pages")}
        newer={link("backersBefore", wall.newer)}
        older={link("backers", wall.older)}
      />
    </section>
  );
}
