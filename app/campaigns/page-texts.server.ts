// The dates a campaign's page reads, formatted on the server (in the campaign's zone, the reader's
// language) so that the page reads the same before and after hydration: its deadline, and each
// reward's estimated delivery month.
import type { Locale } from "~/i18n/keys";
import { intlLocale } from "~/i18n/catalogue.server";
import { dateTimeFormat } from "~/i18n/intl";
import { formatZonedInstant } from "~/lib/zoned-time.server";
import type { CampaignPage } from "./campaigns.server";

export function campaignPageTexts(campaign: CampaignPage, locale: Locale) {
  const monthFormat = dateTimeFormat(intlLocale(locale), {
    month: "long",
    year: "numeric",
    timeZone: "UTC",
  });
  return {
    deadlineText: campaign.progress.deadline
      ? formatZonedInstant(new Date(campaign.progress.deadline), campaign.timeZone, locale)
      : null,
    deliveryTexts: Object.fromEntries(
      campaign.tiers.map((tier) => [
        tier.id,
        tier.estimatedDelivery
          ? monthFormat.format(new Date(`${tier.estimatedDelivery}-01T00:00:00Z`))
          : null,
      ]),
    ) as Record<string, string | null>,
  };
}
