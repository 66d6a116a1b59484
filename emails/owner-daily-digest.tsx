// The owner's daily digest: what came in since yesterday.
import { Action, CampaignNumbers, Paragraph, money, translator } from "./layout";
import { defineEmail } from "./define";
import type { CampaignSnapshot } from "./types";

export interface OwnerDailyDigestProps {
  campaign: CampaignSnapshot;
  day: string;
  newPledges: number;
  newAmount: number;
  dashboardUrl: string;
}

export const ownerDailyDigest = defineEmail<OwnerDailyDigestProps>("digest", (p, { locale }) => {
  const t = translator(locale);
  const amount = money(p.newAmount, p.campaign.currency, locale);
  const subject = t("email.digest.subject", { count: p.newPledges, amount, title: p.campaign.title });
  return {
    subject,
    preview: subject,
    body: (
      <>
        <Paragraph>{t("email.digest.body", { count: p.newPledges, amount })}</Paragraph>
        <CampaignNumbers campaign={p.campaign} locale={locale} />
        <Action href={p.dashboardUrl}>{t("email.action.campaign")}</Action>
      </>
    ),
  };
});
