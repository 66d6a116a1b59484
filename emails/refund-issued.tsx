// A refund, full or partial.
import { Paragraph, money, translator } from "./layout";
import { defineEmail } from "./define";
import type { CampaignSnapshot } from "./types";

export interface RefundIssuedProps {
  campaign: CampaignSnapshot;
  refunded: number;
  totalRefunded: number;
  pledgeAmount: number;
}

export const refundIssued = defineEmail<RefundIssuedProps>("transactional", (p, { locale }) => {
  const t = translator(locale);
  const m = (amount: number) => money(amount, p.campaign.currency, locale);
  const full = p.totalRefunded >= p.pledgeAmount;
  const subject = t("email.refund.subject", { amount: m(p.refunded), title: p.campaign.title });
  return {
    subject,
    preview: subject,
    body: (
      <>
        <Paragraph>
          {t(full ? "email.refund.full" : "email.refund.partial", {
            amount: m(p.refunded),
            pledged: m(p.pledgeAmount),
          })}
        </Paragraph>
        <Paragraph>{t("email.refund.delay")}</Paragraph>
      </>
    ),
  };
});
