// An update posted by the project's owner.
import { Action, Paragraph } from "./layout";
import { defineEmail } from "./define";
import type { CampaignSnapshot } from "./types";

export interface UpdatePostedProps {
  campaign: CampaignSnapshot;
  title: string;
  excerpt: string;
  url: string;
}

export const updatePosted = defineEmail<UpdatePostedProps>("updates", (p, { locale }) => {
  const fr = locale === "fr";
  const subject = `${p.campaign.title} — ${p.title}`;
  return {
    subject,
    preview: p.excerpt.slice(0, 120),
    body: (
      <>
        <Paragraph>
          {fr ? `Nouvelle actualité de « ${p.campaign.title} » :` : `News from “${p.campaign.title}”:`}
        </Paragraph>
        <Paragraph>
          <strong>{p.title}</strong>
        </Paragraph>
        <Paragraph>{p.excerpt}</Paragraph>
        <Action href={p.url}>{fr ? "Lire la suite" : "Read more"}</Action>
      </>
    ),
  };
});
