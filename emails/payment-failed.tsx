// The card was declined or needs authentication: a link to fix it before the grace period ends.
import { Action, Paragraph, longDate, money } from "./layout";
import { defineEmail } from "./define";
import type { CampaignSnapshot } from "./types";

export interface PaymentFailedProps {
  campaign: CampaignSnapshot;
  amount: number;
  /** The private pledge page, where the backer gives another card. */
  pledgeUrl: string;
  /** When the pledge is dropped if still unpaid. */
  dropAt: string;
}

export const paymentFailed = defineEmail<PaymentFailedProps>("transactional", (p, { locale }) => {
  const fr = locale === "fr";
  const amount = money(p.amount, p.campaign.currency, locale);
  const date = longDate(p.dropAt, p.campaign, locale);
  const subject = fr
    ? `Action requise : votre paiement pour « ${p.campaign.title} »`
    : `Action needed: your payment for “${p.campaign.title}”`;
  return {
    subject,
    preview: subject,
    body: (
      <>
        <Paragraph>
          {fr
            ? `Le paiement de ${amount} pour « ${p.campaign.title} » n'a pas abouti : votre banque l'a refusé ou demande une confirmation.`
            : `The ${amount} payment for “${p.campaign.title}” did not go through: your bank declined it or asks for confirmation.`}
        </Paragraph>
        <Paragraph>
          {fr
            ? `Confirmez-le ou utilisez une autre carte avant le ${date}, sinon votre contribution sera annulée.`
            : `Confirm it or use another card before ${date}, or your pledge will be dropped.`}
        </Paragraph>
        <Action href={p.pledgeUrl}>{fr ? "Régler mon paiement" : "Fix my payment"}</Action>
      </>
    ),
  };
});
