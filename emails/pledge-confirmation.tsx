// Sent when a pledge is committed: what was pledged, when the card will be charged, the private link.
import { Action, CampaignNumbers, Paragraph, money, translator } from "./layout";
import { defineEmail } from "./define";
import type { CampaignSnapshot } from "./types";

export interface PledgeConfirmationProps {
  campaign: CampaignSnapshot;
  amount: number;
  tierTitle: string | null;
  /** The part of `amount` that pays for sending the reward; absent in emails queued before it was. */
  shipping?: number;
  fundingModel: "all_or_nothing" | "flexible";
  pledgeUrl: string;
}

export const pledgeConfirmation = defineEmail<PledgeConfirmationProps>("transactional", (p, { locale }) => {
  const t = translator(locale);
  const amount = money(p.amount, p.campaign.currency, locale);
  const title = p.campaign.title;
  return {
    subject: t("email.confirmation.subject", { amount, title }),
    preview: t("email.confirmation.preview"),
    body: (
      <>
        <Paragraph>
          {p.tierTitle
            ? t("email.confirmation.bodyWithReward", { amount, reward: p.tierTitle, title })
            : t("email.confirmation.body", { amount, title })}
        </Paragraph>
        {p.shipping ? (
          <Paragraph>
            {t("email.confirmation.shipping", { shipping: money(p.shipping, p.campaign.currency, locale) })}
          </Paragraph>
        ) : null}
        <Paragraph>{t(`email.confirmation.${p.fundingModel}`)}</Paragraph>
        <CampaignNumbers campaign={p.campaign} locale={locale} />
        <Paragraph>{t("email.confirmation.link")}</Paragraph>
        <Action href={p.pledgeUrl}>{t("email.action.pledge")}</Action>
      </>
    ),
  };
});
