// The campaign as an email states it: numbers at the moment of the cause, title in each language.
import type { FundingModel } from "#db/schema.ts";
import type { CampaignSnapshot } from "../../emails";
import { addressedNameSql } from "~/auth/profile.server";
import { locales, type Locale } from "~/i18n/catalogue.server";
import { localeOrDefault } from "~/i18n/negotiate.server";
import { percentOf } from "~/lib/money";
import { timeLeft } from "~/lib/time";
import type { Db } from "~/lib/db.server";
import { sql, type RawBuilder } from "kysely";

export interface CampaignForEmails {
  id: string;
  slug: string;
  ownerEmail: string;
  ownerName: string;
  ownerLocale: string;
  fundingModel: FundingModel;
  /** The campaign in each of our languages: its translated title, else the title as the owner wrote it. */
  snapshots: Record<Locale, CampaignSnapshot>;
}

/** The columns of `campaigns` an email states, without its owner and translated titles. */
export interface CampaignEmailRow {
  id: string;
  slug: string;
  title: string;
  pledged_amount: number;
  goal_amount: number;
  currency: string;
  backer_count: number;
  deadline_at: string | null;
  time_zone: string;
  status: string;
  funding_model: FundingModel;
  owner_email: string;
  owner_name: string;
  owner_locale: string;
  /** `title_<locale>`: the title translated into each of our languages, or null. */
  [translatedTitle: `title_${string}`]: string | null;
}

const emailColumnNames = [
  "id",
  "slug",
  "title",
  "pledged_amount",
  "goal_amount",
  "currency",
  "backer_count",
  "deadline_at",
  "time_zone",
  "status",
  "funding_model",
] as const;

/**
 * The columns of `CampaignEmailRow`, each named `prefix` + its name: `column(name)` is how the
 * statement reaches a column of the campaign, `campaignId` its id. Owner and titles are subqueries.
 */
function emailColumns(column: (name: string) => RawBuilder<unknown>, prefix: string) {
  const owner = (field: string, expression = `users.${field}`) =>
    sql`(select ${sql.raw(expression)} from users where users.id = ${column("owner_id")})`.as(
      `${prefix}owner_${field}`,
    );
  return [
    ...emailColumnNames.map((name) => column(name).as(`${prefix}${name}`)),
    owner("email"),
    // The owner as their emails greet them: by the name they chose (profile.server.ts).
    owner("name", addressedNameSql),
    owner("locale"),
    ...locales.map((locale) =>
      sql`(select value from content_translations where subject_type = 'campaign' and subject_id = ${column("id")} and field = 'title' and locale = ${locale})`.as(
        `${prefix}title_${locale}`,
      ),
    ),
  ];
}

/**
 * What an email states of a campaign as the columns of one statement on `campaigns`: a select, or
 * the `returning` of the update that moves its totals (then the numbers are the new ones, read under
 * the row's lock, at no extra round trip).
 */
export function campaignEmailColumns() {
  return emailColumns((name) => sql.raw(`campaigns.${name}`), "");
}

/**
 * The same, of a pledge's campaign, as columns `of_campaign_*` of a statement on `pledges` (the
 * `returning` of the update that commits it): read with `campaignEmailRowOf`.
 */
export function pledgeCampaignEmailColumns() {
  return emailColumns(
    (name) => sql.raw(`(select campaigns.${name} from campaigns where campaigns.id = pledges.campaign_id)`),
    "of_campaign_",
  );
}

/** The `CampaignEmailRow` inside a row that has `pledgeCampaignEmailColumns()`. */
export function campaignEmailRowOf(row: object): CampaignEmailRow {
  return Object.fromEntries(
    Object.entries(row)
      .filter(([key]) => key.startsWith("of_campaign_"))
      .map(([key, value]) => [key.slice("of_campaign_".length), value]),
  ) as CampaignEmailRow;
}

export async function campaignForEmails(db: Db, campaignId: string, now: Date): Promise<CampaignForEmails> {
  const row = await db
    .selectFrom("campaigns")
    .select(campaignEmailColumns())
    .where("campaigns.id", "=", campaignId)
    .executeTakeFirstOrThrow();
  return campaignForEmailsFrom(row as unknown as CampaignEmailRow, now);
}

/** The snapshots from a row of `campaignEmailColumns()`. */
export function campaignForEmailsFrom(row: CampaignEmailRow, now: Date): CampaignForEmails {
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
    fundingModel: row.funding_model,
    snapshots: Object.fromEntries(
      locales.map((locale) => [locale, { ...base, title: row[`title_${locale}`] ?? row.title }]),
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
