// A reviewer sent the draft back: what to change.
import { Action, Paragraph, translator } from "./layout";
import { defineEmail } from "./define";
import type { CampaignSnapshot } from "./types";

export interface ReviewFeedbackProps {
  campaign: CampaignSnapshot;
  message: string;
  editUrl: string;
}

export const reviewFeedback = defineEmail<ReviewFeedbackProps>("transactional", (p, { locale }) => {
  const t = translator(locale);
  const subject = t("email.review.subject", { title: p.campaign.title });
  return {
    subject,
    preview: subject,
    body: (
      <>
        <Paragraph>{t("email.review.intro")}</Paragraph>
        <Paragraph>{p.message}</Paragraph>
        <Action href={p.editUrl}>{t("email.review.action")}</Action>
      </>
    ),
  };
});
