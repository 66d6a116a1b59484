// Sent when the backer cancels their pledge on its private page: nothing will be taken.
import { Action, Paragraph, money, translator } from "./layout";
import { defineEmail } from "./define";
import type { CampaignSnapshot } from "./types";

export interface PledgeCanceledProps {
  campaign: CampaignSnapshot;
  amount: number;
  pledgeUrl: string;
}

export const pledgeCanceled = defineEmail<PledgeCanceledProps>("transactional", (p, { locale }) => {
  const t = translator(locale);
  const amount = money(p.amount, p.campaign.currency, locale);
  const title = p.campaign.title;
  return {
    subject: t("email.pledgeCanceled.subject", { title }),
    preview: t("email.pledgeCanceled.preview"),
    body: (
      <>
        <Paragraph>{t("email.pledgeCanceled.body", { amount, title })}</Paragraph>
        <Paragraph>{t("email.pledgeCanceled.link")}</Paragraph>
        <Action href={p.pledgeUrl}>{t("email.action.pledge")}</Action>
        <Paragraph>{t("email.pledgeCanceled.again")}</Paragraph>
        <Action href={p.campaign.url}>{t("email.action.campaign")}</Action>
      </>
    ),
  };
});
