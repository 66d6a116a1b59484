// Who is behind a campaign, as their profile says (issue #15 item 10): the name the campaign is
// signed with, the person when an organisation signs, the place, a short bio and their website.
// Nothing when the owner has written no profile (the header already names them).
import type { CreatorView } from "~/campaigns/campaigns.server";
import { useTranslate } from "~/components/use-locale";

/** The address as a person reads it: no scheme, no trailing slash. */
function shownUrl(href: string): string {
  return href.replace(/^https?:\/\//, "").replace(/\/$/, "");
}

export function CreatorProfile({ creator }: { creator: CreatorView }) {
  const t = useTranslate();
  const { name, displayName, organisation, bio, place, website } = creator;
  if (!displayName && !organisation && !bio && !place && !website) return null;
  return (
    <section className="creator" aria-labelledby="creator-title" data-testid="creator">
      <h2 id="creator-title">{t("creator.title")}</h2>
      <p className="creator__name">{name}</p>
      {organisation && displayName && displayName !== organisation ? (
        <p className="creator__person">{displayName}</p>
      ) : null}
      {place || website ? (
        <dl className="creator__facts">
          {place ? (
            <div>
              <dt>{t("creator.place")}</dt>
              <dd>{place}</dd>
            </div>
          ) : null}
          {website ? (
            <div>
              <dt>{t("creator.website")}</dt>
              <dd>
                {/* Written by the owner: an http(s) address only (profile.server.ts), never endorsed. */}
                <a href={website} rel="noopener nofollow ugc">
                  {shownUrl(website)}
                </a>
              </dd>
            </div>
          ) : null}
        </dl>
      ) : null}
      {bio ? <p className="creator__bio">{bio}</p> : null}
    </section>
  );
}
