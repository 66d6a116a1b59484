// A refund, full or partial.
import { Paragraph, money } from "./layout";
import { defineEmail } from "./define";
import type { CampaignSnapshot } from "./types";

export interface RefundIssuedProps {
  campaign: CampaignSnapshot;
  refunded: number;
  totalRefunded: number;
  pledgeAmount: number;
}

export const refundIssued = defineEmail<RefundIssuedProps>("transactional", (p, { locale }) => {
  const fr = locale === "fr";
  const m = (amount: number) => money(amount, p.campaign.currency, locale);
  const full = p.totalRefunded >= p.pledgeAmount;
  const subject = fr
    ? `Remboursement de ${m(p.refunded)} pour « ${p.campaign.title} »`
    : `Refund of ${m(p.refunded)} for “${p.campaign.title}”`;
  return {
    subject,
    preview: subject,
    body: (
      <>
        <Paragraph>
          {fr
            ? `Nous vous remboursons ${m(p.refunded)} sur votre contribution de ${m(p.pledgeAmount)}${full ? " : elle est entièrement remboursée." : "."}`
            : `We are refunding ${m(p.refunded)} of your ${m(p.pledgeAmount)} pledge${full ? ": it is refunded in full." : "."}`}
        </Paragraph>
        <Paragraph>
          {fr
            ? "Le montant apparaîtra sur votre relevé sous 5 à 10 jours ouvrés."
            : "It will show on your statement within 5 to 10 business days."}
        </Paragraph>
      </>
    ),
  };
});
