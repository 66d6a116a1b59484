// The deadline passed short of the goal: nobody is charged.
import { Action, CampaignNumbers, Paragraph } from "./layout";
import { defineEmail } from "./define";
import type { CampaignSnapshot } from "./types";

export interface CampaignFailedProps {
  campaign: CampaignSnapshot;
  audience: "backer" | "owner";
}

export const campaignFailed = defineEmail<CampaignFailedProps>("transactional", (p, { locale }) => {
  const fr = locale === "fr";
  const subject = fr
    ? `« ${p.campaign.title} » n'a pas atteint son objectif`
    : `“${p.campaign.title}” did not reach its goal`;
  const line =
    p.audience === "owner"
      ? fr
        ? "La campagne est terminée sans atteindre l'objectif : aucun contributeur n'est débité. Vous pouvez en préparer une nouvelle."
        : "The campaign ended short of its goal: no backer is charged. You can prepare a new one."
      : fr
        ? "La campagne est terminée sans atteindre son objectif : votre carte ne sera pas débitée. Merci de l'avoir soutenue."
        : "The campaign ended short of its goal: your card will not be charged. Thank you for backing it.";
  return {
    subject,
    preview: subject,
    body: (
      <>
        <Paragraph>{line}</Paragraph>
        <CampaignNumbers campaign={p.campaign} locale={locale} />
        <Action href={p.campaign.url}>{fr ? "Voir la campagne" : "See the campaign"}</Action>
      </>
    ),
  };
});
