// The campaign met its goal at the deadline: backers learn their card will be charged, the owner
// what comes next.
import { Action, CampaignNumbers, Paragraph, money, translator } from "./layout";
import { defineEmail } from "./define";
import type { CampaignSnapshot } from "./types";

export interface CampaignSucceededProps {
  campaign: CampaignSnapshot;
  audience: "backer" | "owner";
  /** The backer's own pledge. */
  amount?: number;
}

export const campaignSucceeded = defineEmail<CampaignSucceededProps>("transactional", (p, { locale }) => {
  const t = translator(locale);
  const subject = t("email.succeeded.subject", { title: p.campaign.title });
  const line =
    p.audience === "owner"
      ? t("email.succeeded.owner")
      : t("email.succeeded.backer", { amount: money(p.amount ?? 0, p.campaign.currency, locale) });
  return {
    subject,
    preview: subject,
    body: (
      <>
        <Paragraph>{line}</Paragraph>
        <CampaignNumbers campaign={p.campaign} locale={locale} />
        <Action href={p.campaign.url}>{t("email.action.campaign")}</Action>
      </>
    ),
  };
});
