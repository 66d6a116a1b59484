// 48 hours before the deadline, to backers and to the owner.
import { Action, CampaignNumbers, Paragraph } from "./layout";
import { defineEmail } from "./define";
import type { CampaignSnapshot } from "./types";

export interface DeadlineReminderProps {
  campaign: CampaignSnapshot;
  audience: "backer" | "owner";
}

export const deadlineReminder = defineEmail<DeadlineReminderProps>("reminders", (p, { locale }) => {
  const fr = locale === "fr";
  const subject = fr
    ? `Plus que 48 heures pour « ${p.campaign.title} »`
    : `48 hours left for “${p.campaign.title}”`;
  const reached = p.campaign.percent >= 100;
  const body =
    p.audience === "owner"
      ? fr
        ? reached
          ? "Votre objectif est atteint : les dernières heures sont idéales pour viser un palier."
          : "Dernière ligne droite : un message à votre communauté peut tout changer."
        : reached
          ? "Your goal is met: the last hours are a great time to go for a stretch goal."
          : "The final stretch: one message to your community can make all the difference."
      : fr
        ? reached
          ? "L'objectif est atteint grâce à vous ! Il reste 48 heures pour aller plus loin."
          : "Il reste 48 heures pour atteindre l'objectif. Un partage de votre part peut aider."
        : reached
          ? "The goal is met thanks to you! 48 hours left to go further."
          : "48 hours left to reach the goal. A share from you can help.";
  return {
    subject,
    preview: subject,
    body: (
      <>
        <Paragraph>{body}</Paragraph>
        <CampaignNumbers campaign={p.campaign} locale={locale} />
        <Action href={p.campaign.url}>{fr ? "Voir la campagne" : "See the campaign"}</Action>
      </>
    ),
  };
});
