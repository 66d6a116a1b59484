// A reviewer approved the campaign: it is live now, or will be at the moment they chose.
import { Action, Paragraph, translator } from "./layout";
import { defineEmail } from "./define";
import type { CampaignSnapshot } from "./types";

export interface CampaignApprovedProps {
  campaign: CampaignSnapshot;
  /** The launch, when it is later than the approval: already written in the owner's language and zone. */
  launchText: string | null;
  campaignUrl: string;
}

export const campaignApproved = defineEmail<CampaignApprovedProps>("transactional", (p, { locale }) => {
  const t = translator(locale);
  const subject = t("email.approved.subject", { title: p.campaign.title });
  return {
    subject,
    preview: subject,
    body: (
      <>
        <Paragraph>
          {p.launchText ? t("email.approved.scheduled", { date: p.launchText }) : t("email.approved.live")}
        </Paragraph>
        <Paragraph>{t("email.approved.share")}</Paragraph>
        <Action href={p.campaignUrl}>{t("email.approved.action")}</Action>
      </>
    ),
  };
});
