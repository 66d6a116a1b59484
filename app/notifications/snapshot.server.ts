// The campaign as an email states it: numbers at the moment of the cause, title in each language.
import type { CampaignSnapshot } from "../../emails";
import { locales, type Locale } from "~/i18n/catalogue.server";
import { localeOrDefault } from "~/i18n/negotiate.server";
import { percentOf } from "~/lib/money";
import { timeLeft } from "~/lib/time";
import type { Db } from "~/lib/db.server";

export interface CampaignForEmails {
  id: string;
  slug: string;
  ownerEmail: string;
  ownerName: string;
  ownerLocale: string;
  /** The campaign in each of our languages: its translated title, else the title as the owner wrote it. */
  snapshots: Record<Locale, CampaignSnapshot>;
}

export async function campaignForEmails(db: Db, campaignId: string, now: Date): Promise<CampaignForEmails> {
  const row = await db
    .selectFrom("campaigns")
    .innerJoin("users", "users.id", "campaigns.owner_id")
    .select([
      "campaigns.id",
      "campaigns.slug",
      "campaigns.title",
      "campaigns.pledged_amount",
      "campaigns.goal_amount",
      "campaigns.currency",
      "campaigns.backer_count",
      "campaigns.deadline_at",
      "campaigns.time_zone",
      "campaigns.status",
      "users.email as owner_email",
      "users.name as owner_name",
      "users.locale as owner_locale",
    ])
    .where("campaigns.id", "=", campaignId)
    .executeTakeFirstOrThrow();
  const translatedTitles = await db
    .selectFrom("content_translations")
    .select(["locale", "value"])
    .where("subject_type", "=", "campaign")
    .where("subject_id", "=", campaignId)
    .where("field", "=", "title")
    .execute();
  const titleIn = new Map(translatedTitles.map((t) => [t.locale, t.value]));
  const base = {
    // A path: delivery puts PUBLIC_URL in front.
    url: `/campaigns/${row.slug}`,
    raised: row.pledged_amount,
    goal: row.goal_amount,
    currency: row.currency,
    percent: percentOf(row.pledged_amount, row.goal_amount),
    backers: row.backer_count,
    deadline: row.deadline_at,
    timeZone: row.time_zone,
    timeLeft:
      row.deadline_at === null
        ? null
        : row.status === "live"
          ? timeLeft(now, new Date(row.deadline_at))
          : ({ unit: "ended", value: 0 } as const),
  };
  return {
    id: row.id,
    slug: row.slug,
    ownerEmail: row.owner_email,
    ownerName: row.owner_name,
    ownerLocale: row.owner_locale,
    snapshots: Object.fromEntries(
      locales.map((locale) => [locale, { ...base, title: titleIn.get(locale) ?? row.title }]),
    ) as Record<Locale, CampaignSnapshot>,
  };
}

export function snapshotFor(campaign: CampaignForEmails, locale: string): CampaignSnapshot {
  return campaign.snapshots[localeOrDefault(locale)];
}

/** Everyone counted as a backer of a campaign, once per email address, with their language. */
export async function campaignBackers(db: Db, campaignId: string) {
  const rows = await db
    .selectFrom("pledges")
    .select(["backer_email", "backer_name", "locale"])
    .where("campaign_id", "=", campaignId)
    .where("status", "in", ["committed", "collected", "payment_failed"])
    .orderBy("created_at")
    .execute();
  const byEmail = new Map<string, { email: string; name: string; locale: string }>();
  for (const row of rows) {
    if (!byEmail.has(row.backer_email)) {
      byEmail.set(row.backer_email, { email: row.backer_email, name: row.backer_name, locale: row.locale });
    }
  }
  return [...byEmail.values()];
}
