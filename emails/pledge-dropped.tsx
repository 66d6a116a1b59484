// The grace period ended without payment: the pledge is dropped, its reward released.
import { Action, Paragraph, money, translator } from "./layout";
import { defineEmail } from "./define";
import type { CampaignSnapshot } from "./types";

export interface PledgeDroppedProps {
  campaign: CampaignSnapshot;
  amount: number;
}

export const pledgeDropped = defineEmail<PledgeDroppedProps>("transactional", (p, { locale }) => {
  const t = translator(locale);
  const subject = t("email.dropped.subject", { title: p.campaign.title });
  return {
    subject,
    preview: subject,
    body: (
      <>
        <Paragraph>
          {t("email.dropped.body", { amount: money(p.amount, p.campaign.currency, locale) })}
        </Paragraph>
        <Action href={p.campaign.url}>{t("email.action.campaign")}</Action>
      </>
    ),
  };
});
