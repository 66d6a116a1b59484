// The project team answered a person's comment or question on the campaign's page.
import { Action, Paragraph, translator } from "./layout";
import { defineEmail } from "./define";
import type { CampaignSnapshot } from "./types";

export interface CommentRepliedProps {
  campaign: CampaignSnapshot;
  /** What the person wrote (its first words) and the team's reply. */
  comment: string;
  reply: string;
  commentUrl: string;
}

export const commentReplied = defineEmail<CommentRepliedProps>("transactional", (p, { locale }) => {
  const t = translator(locale);
  const subject = t("email.reply.subject", { title: p.campaign.title });
  return {
    subject,
    preview: subject,
    body: (
      <>
        <Paragraph>{t("email.reply.intro")}</Paragraph>
        <Paragraph>{t("email.quoted", { text: p.comment })}</Paragraph>
        <Paragraph>{t("email.reply.answer")}</Paragraph>
        <Paragraph>{p.reply}</Paragraph>
        <Action href={p.commentUrl}>{t("email.reply.action")}</Action>
      </>
    ),
  };
});
