// Sent once per person when a campaign crosses 25, 50, 75 or 100 % of its goal, or a stretch goal.
import { Action, CampaignNumbers, Paragraph, money, translator } from "./layout";
import { defineEmail } from "./define";
import type { CampaignSnapshot } from "./types";

export type Milestone =
  { type: "percent"; percent: 25 | 50 | 75 | 100 } | { type: "stretch"; title: string; target: number };

export interface MilestoneReachedProps {
  campaign: CampaignSnapshot;
  milestone: Milestone;
  audience: "backer" | "owner";
}

export const milestoneReached = defineEmail<MilestoneReachedProps>("milestones", (p, { locale }) => {
  const t = translator(locale);
  const { milestone, campaign } = p;
  const title = campaign.title;
  const subject =
    milestone.type === "stretch"
      ? t("email.milestone.stretch", {
          title,
          stretchGoal: milestone.title,
          amount: money(milestone.target, campaign.currency, locale),
        })
      : milestone.percent === 100
        ? t("email.milestone.goal", { title })
        : t("email.milestone.percent", { title, percent: milestone.percent });
  return {
    subject,
    preview: subject,
    body: (
      <>
        <Paragraph>{subject}</Paragraph>
        <Paragraph>
          {t(p.audience === "owner" ? "email.milestone.owner" : "email.milestone.backer")}
        </Paragraph>
        <CampaignNumbers campaign={campaign} locale={locale} />
        <Action href={campaign.url}>{t("email.action.campaign")}</Action>
      </>
    ),
  };
});
