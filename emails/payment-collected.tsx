// The receipt: the money was taken.
import { Action, Paragraph, longDate, money } from "./layout";
import { defineEmail } from "./define";
import type { CampaignSnapshot } from "./types";

export interface PaymentCollectedProps {
  campaign: CampaignSnapshot;
  amount: number;
  collectedAt: string;
  reference: string;
  pledgeUrl: string;
}

export const paymentCollected = defineEmail<PaymentCollectedProps>("transactional", (p, { locale }) => {
  const fr = locale === "fr";
  const amount = money(p.amount, p.campaign.currency, locale);
  const date = longDate(p.collectedAt, p.campaign, locale);
  const subject = fr
    ? `Reçu : ${amount} pour « ${p.campaign.title} »`
    : `Receipt: ${amount} for “${p.campaign.title}”`;
  return {
    subject,
    preview: subject,
    body: (
      <>
        <Paragraph>
          {fr
            ? `Nous avons bien reçu votre paiement de ${amount} le ${date} pour « ${p.campaign.title} ».`
            : `We received your payment of ${amount} on ${date} for “${p.campaign.title}”.`}
        </Paragraph>
        <Paragraph>{fr ? `Référence : ${p.reference}` : `Reference: ${p.reference}`}</Paragraph>
        <Action href={p.pledgeUrl}>{fr ? "Voir ma contribution" : "See my pledge"}</Action>
      </>
    ),
  };
});
