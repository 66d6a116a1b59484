// The deadline passed short of the goal: nobody is charged.
import { Action, CampaignNumbers, Paragraph, translator } from "./layout";
import { defineEmail } from "./define";
import type { CampaignSnapshot } from "./types";

export interface CampaignFailedProps {
  campaign: CampaignSnapshot;
  audience: "backer" | "owner";
}

export const campaignFailed = defineEmail<CampaignFailedProps>("transactional", (p, { locale }) => {
  const t = translator(locale);
  const subject = t("email.failed.subject", { title: p.campaign.title });
  return {
    subject,
    preview: subject,
    body: (
      <>
        <Paragraph>{t(p.audience === "owner" ? "email.failed.owner" : "email.failed.backer")}</Paragraph>
        <CampaignNumbers campaign={p.campaign} locale={locale} />
        <Action href={p.campaign.url}>{t("email.action.campaign")}</Action>
      </>
    ),
  };
});
