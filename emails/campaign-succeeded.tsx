// The campaign met its goal at the deadline: backers learn their card will be charged, the owner
// what comes next.
import { Action, CampaignNumbers, Paragraph, money } from "./layout";
import { defineEmail } from "./define";
import type { CampaignSnapshot } from "./types";

export interface CampaignSucceededProps {
  campaign: CampaignSnapshot;
  audience: "backer" | "owner";
  /** The backer's own pledge. */
  amount?: number;
}

export const campaignSucceeded = defineEmail<CampaignSucceededProps>("transactional", (p, { locale }) => {
  const fr = locale === "fr";
  const subject = fr ? `« ${p.campaign.title} » est financée !` : `“${p.campaign.title}” is funded!`;
  const line =
    p.audience === "owner"
      ? fr
        ? "Félicitations ! Les cartes des contributeurs vont être débitées ; vous recevrez ensuite le relevé de votre versement."
        : "Congratulations! Backers' cards are being charged; you will then receive your payout statement."
      : fr
        ? `Merci ! Votre carte va être débitée de ${money(p.amount ?? 0, p.campaign.currency, locale)}. Vous recevrez un reçu.`
        : `Thank you! Your card will now be charged ${money(p.amount ?? 0, p.campaign.currency, locale)}. You will get a receipt.`;
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
