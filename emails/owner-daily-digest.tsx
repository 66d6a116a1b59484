// The owner's daily digest: what came in since yesterday.
import { Action, CampaignNumbers, Paragraph, money } from "./layout";
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
  const fr = locale === "fr";
  const amount = money(p.newAmount, p.campaign.currency, locale);
  const subject = fr
    ? `${p.newPledges} nouvelle${p.newPledges > 1 ? "s" : ""} contribution${p.newPledges > 1 ? "s" : ""} (${amount}) pour « ${p.campaign.title} »`
    : `${p.newPledges} new pledge${p.newPledges === 1 ? "" : "s"} (${amount}) for “${p.campaign.title}”`;
  return {
    subject,
    preview: subject,
    body: (
      <>
        <Paragraph>
          {fr
            ? `Depuis hier : ${p.newPledges} nouvelle${p.newPledges > 1 ? "s" : ""} contribution${p.newPledges > 1 ? "s" : ""} pour ${amount}.`
            : `Since yesterday: ${p.newPledges} new pledge${p.newPledges === 1 ? "" : "s"} for ${amount}.`}
        </Paragraph>
        <CampaignNumbers campaign={p.campaign} locale={locale} />
        <Action href={p.dashboardUrl}>{fr ? "Voir la campagne" : "See the campaign"}</Action>
      </>
    ),
  };
});
