// The grace period ended without payment: the pledge is dropped, its reward released.
import { Action, Paragraph, money } from "./layout";
import { defineEmail } from "./define";
import type { CampaignSnapshot } from "./types";

export interface PledgeDroppedProps {
  campaign: CampaignSnapshot;
  amount: number;
}

export const pledgeDropped = defineEmail<PledgeDroppedProps>("transactional", (p, { locale }) => {
  const fr = locale === "fr";
  const amount = money(p.amount, p.campaign.currency, locale);
  const subject = fr
    ? `Votre contribution à « ${p.campaign.title} » est annulée`
    : `Your pledge to “${p.campaign.title}” was dropped`;
  return {
    subject,
    preview: subject,
    body: (
      <>
        <Paragraph>
          {fr
            ? `Le paiement de ${amount} n'a pas pu être réglé dans le délai de 7 jours : votre contribution est annulée et rien ne sera débité.`
            : `The ${amount} payment could not be settled within the 7-day grace period: your pledge is dropped and nothing will be charged.`}
        </Paragraph>
        <Action href={p.campaign.url}>{fr ? "Voir la campagne" : "See the campaign"}</Action>
      </>
    ),
  };
});
