// Someone asked the project team a question on the campaign's page: what they asked, and the way to
// answer it there (the answer is public, under the question).
import { Action, Paragraph, translator } from "./layout";
import { defineEmail } from "./define";
import type { CampaignSnapshot } from "./types";

export interface QuestionAskedProps {
  campaign: CampaignSnapshot;
  /** How the page names the person who asked (their profile's name, else null: "someone"). */
  authorName: string | null;
  question: string;
  /** The question on the page, where the reply form is. */
  commentUrl: string;
}

export const questionAsked = defineEmail<QuestionAskedProps>("transactional", (p, { locale }) => {
  const t = translator(locale);
  const subject = t("email.question.subject", { title: p.campaign.title });
  const name = p.authorName ?? t("comments.someone");
  return {
    subject,
    preview: t("email.question.intro", { name }),
    body: (
      <>
        <Paragraph>{t("email.question.intro", { name })}</Paragraph>
        <Paragraph>{t("email.quoted", { text: p.question })}</Paragraph>
        <Paragraph>{t("email.question.public")}</Paragraph>
        <Action href={p.commentUrl}>{t("email.question.action")}</Action>
      </>
    ),
  };
});
