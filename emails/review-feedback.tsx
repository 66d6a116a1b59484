// A reviewer sent the draft back: what to change.
import { Action, Paragraph } from "./layout";
import { defineEmail } from "./define";
import type { CampaignSnapshot } from "./types";

export interface ReviewFeedbackProps {
  campaign: CampaignSnapshot;
  message: string;
  editUrl: string;
}

export const reviewFeedback = defineEmail<ReviewFeedbackProps>("transactional", (p, { locale }) => {
  const fr = locale === "fr";
  const subject = fr
    ? `« ${p.campaign.title} » : quelques retouches avant le lancement`
    : `“${p.campaign.title}”: a few changes before launch`;
  return {
    subject,
    preview: subject,
    body: (
      <>
        <Paragraph>
          {fr
            ? "Notre équipe a relu votre campagne et vous demande ceci :"
            : "Our team reviewed your campaign and asks for this:"}
        </Paragraph>
        <Paragraph>{p.message}</Paragraph>
        <Action href={p.editUrl}>{fr ? "Modifier la campagne" : "Edit the campaign"}</Action>
      </>
    ),
  };
});
