// The receipt: the money was taken.
import { Action, Paragraph, longDate, money, translator } from "./layout";
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
  const t = translator(locale);
  const amount = money(p.amount, p.campaign.currency, locale);
  const date = longDate(p.collectedAt, p.campaign, locale);
  const title = p.campaign.title;
  const subject = t("email.collected.subject", { amount, title });
  return {
    subject,
    preview: subject,
    body: (
      <>
        <Paragraph>{t("email.collected.body", { amount, date, title })}</Paragraph>
        <Paragraph>{t("email.collected.reference", { reference: p.reference })}</Paragraph>
        <Action href={p.pledgeUrl}>{t("email.action.pledge")}</Action>
      </>
    ),
  };
});
