// Sent when the backer changes their pledge's amount or reward on its private page: what it is now.
import { Action, CampaignNumbers, Paragraph, money, translator } from "./layout";
import { defineEmail } from "./define";
import type { CampaignSnapshot } from "./types";

export interface PledgeChangedProps {
  campaign: CampaignSnapshot;
  amount: number;
  previousAmount: number;
  tierTitle: string | null;
  pledgeUrl: string;
}

export const pledgeChanged = defineEmail<PledgeChangedProps>("transactional", (p, { locale }) => {
  const t = translator(locale);
  const amount = money(p.amount, p.campaign.currency, locale);
  const previous = money(p.previousAmount, p.campaign.currency, locale);
  const title = p.campaign.title;
  return {
    subject: t("email.pledgeChanged.subject", { amount, title }),
    preview: t("email.pledgeChanged.preview"),
    body: (
      <>
        <Paragraph>
          {p.tierTitle
            ? t("email.pledgeChanged.bodyWithReward", { amount, previous, reward: p.tierTitle, title })
            : t("email.pledgeChanged.body", { amount, previous, title })}
        </Paragraph>
        {/* Only a saved card's pledge (all-or-nothing) can change: nothing is charged before the close. */}
        <Paragraph>{t("email.confirmation.all_or_nothing")}</Paragraph>
        <CampaignNumbers campaign={p.campaign} locale={locale} />
        <Paragraph>{t("email.confirmation.link")}</Paragraph>
        <Action href={p.pledgeUrl}>{t("email.action.pledge")}</Action>
      </>
    ),
  };
});
