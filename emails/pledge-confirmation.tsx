// Sent when a pledge is committed: what was pledged, when the card will be charged, the private link.
import { Action, CampaignNumbers, Paragraph, money } from "./layout";
import { defineEmail } from "./define";
import type { CampaignSnapshot } from "./types";

export interface PledgeConfirmationProps {
  campaign: CampaignSnapshot;
  amount: number;
  tierTitle: string | null;
  fundingModel: "all_or_nothing" | "flexible";
  pledgeUrl: string;
}

export const pledgeConfirmation = defineEmail<PledgeConfirmationProps>("transactional", (p, { locale }) => {
  const amount = money(p.amount, p.campaign.currency, locale);
  const fr = locale === "fr";
  return {
    subject: fr
      ? `Merci ! Votre contribution de ${amount} à « ${p.campaign.title} »`
      : `Thank you! Your ${amount} pledge to “${p.campaign.title}”`,
    preview: fr ? "Votre contribution est enregistrée." : "Your pledge is in.",
    body: (
      <>
        <Paragraph>
          {fr
            ? `Votre contribution de ${amount}${p.tierTitle ? ` (contrepartie : ${p.tierTitle})` : ""} à « ${p.campaign.title} » est enregistrée.`
            : `Your ${amount} pledge${p.tierTitle ? ` (reward: ${p.tierTitle})` : ""} to “${p.campaign.title}” is in.`}
        </Paragraph>
        <Paragraph>
          {p.fundingModel === "all_or_nothing"
            ? fr
              ? "Votre carte ne sera débitée que si l'objectif est atteint à l'échéance. Sinon, rien ne sera prélevé."
              : "Your card will only be charged if the goal is met by the deadline. Otherwise nothing is taken."
            : fr
              ? "Financement flexible : votre paiement est pris en compte dès maintenant."
              : "Flexible funding: your payment is taken now."}
        </Paragraph>
        <CampaignNumbers campaign={p.campaign} locale={locale} />
        <Paragraph>
          {fr
            ? "Votre lien privé permet de modifier ou d'annuler votre contribution jusqu'à l'échéance :"
            : "Your private link lets you change or cancel your pledge until the deadline:"}
        </Paragraph>
        <Action href={p.pledgeUrl}>{fr ? "Voir ma contribution" : "See my pledge"}</Action>
      </>
    ),
  };
});
