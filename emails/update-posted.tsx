// An update posted by the project's owner.
import { Action, Paragraph, translator } from "./layout";
import { defineEmail } from "./define";
import type { CampaignSnapshot } from "./types";

export interface UpdatePostedProps {
  campaign: CampaignSnapshot;
  title: string;
  excerpt: string;
  url: string;
}

export const updatePosted = defineEmail<UpdatePostedProps>("updates", (p, { locale }) => {
  const t = translator(locale);
  const subject = t("email.update.subject", { title: p.campaign.title, update: p.title });
  return {
    subject,
    preview: p.excerpt.slice(0, 120),
    body: (
      <>
        <Paragraph>{t("email.update.intro", { title: p.campaign.title })}</Paragraph>
        <Paragraph>
          <strong>{p.title}</strong>
        </Paragraph>
        <Paragraph>{p.excerpt}</Paragraph>
        <Action href={p.url}>{t("email.update.action")}</Action>
      </>
    ),
  };
});
