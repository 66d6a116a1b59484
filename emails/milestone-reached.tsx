// Sent once per person when a campaign crosses 25, 50, 75 or 100 % of its goal, or a stretch goal.
import { Action, CampaignNumbers, Paragraph, money } from "./layout";
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
  const fr = locale === "fr";
  const { milestone, campaign } = p;
  const what =
    milestone.type === "percent"
      ? milestone.percent === 100
        ? fr
          ? "a atteint son objectif"
          : "has reached its goal"
        : fr
          ? `a atteint ${milestone.percent} % de son objectif`
          : `has reached ${milestone.percent}% of its goal`
      : fr
        ? `a atteint le palier « ${milestone.title} » (${money(milestone.target, campaign.currency, locale)})`
        : `has reached the stretch goal “${milestone.title}” (${money(milestone.target, campaign.currency, locale)})`;
  const subject = fr ? `« ${campaign.title} » ${what} !` : `“${campaign.title}” ${what}!`;
  const thanks =
    p.audience === "owner"
      ? fr
        ? "Bravo ! C'est le bon moment pour remercier vos contributeurs et relancer votre communauté."
        : "Well done! A good moment to thank your backers and rally your community."
      : fr
        ? "Merci, c'est aussi grâce à vous. Partagez la campagne autour de vous pour aller plus loin."
        : "Thank you, you made this happen too. Share the campaign to take it further.";
  return {
    subject,
    preview: subject,
    body: (
      <>
        <Paragraph>{subject}</Paragraph>
        <Paragraph>{thanks}</Paragraph>
        <CampaignNumbers campaign={campaign} locale={locale} />
        <Action href={campaign.url}>{fr ? "Voir la campagne" : "See the campaign"}</Action>
      </>
    ),
  };
});
