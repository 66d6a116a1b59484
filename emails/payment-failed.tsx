// The card was declined or needs authentication: a link to fix it before the grace period ends.
import { Action, Paragraph, longDate, money, translator } from "./layout";
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
  const t = translator(locale);
  const amount = money(p.amount, p.campaign.currency, locale);
  const date = longDate(p.dropAt, p.campaign, locale);
  const title = p.campaign.title;
  const subject = t("email.paymentFailed.subject", { title });
  return {
    subject,
    preview: subject,
    body: (
      <>
        <Paragraph>{t("email.paymentFailed.body", { amount, title })}</Paragraph>
        <Paragraph>{t("email.paymentFailed.deadline", { date })}</Paragraph>
        <Action href={p.pledgeUrl}>{t("email.paymentFailed.action")}</Action>
      </>
    ),
  };
});
