// What the pledge form needs to know about a campaign: whether it takes pledges, its currency and
// funding model, and its tiers with what is left of them, in the reader's language.
import type { FundingModel } from "#db/schema.ts";
import { shippingCostsOf, type ShippingCosts } from "~/lib/shipping";
import { sql } from "kysely";
import type { Db } from "~/lib/db.server";
import type { Locale } from "~/i18n/keys";

export interface PledgeOptions {
  campaign: {
    id: string;
    slug: string;
    title: string;
    currency: string;
    fundingModel: FundingModel;
    deadline: string | null;
    timeZone: string;
    coverImage: string | null;
    open: boolean;
  };
  tiers: ({
    id: string;
    title: string;
    description: string;
    minAmount: number;
    stockLimit: number | null;
    remaining: number | null;
    soldOut: boolean;
    shippingRequired: boolean;
    pickupPlace: string | null;
  } & ShippingCosts)[];
}

export async function getPledgeOptions(
  db: Db,
  { slug, locale, now }: { slug: string; locale: Locale; now: Date },
): Promise<PledgeOptions | null> {
  // One statement: the campaign, a row per tier (none: one row of nulls), each text in the
  // reader's language as a subquery (null when not translated).
  // By the translations' primary key (subject type, id, locale, field): one index lookup each.
  const translated = (subjectType: "campaign" | "reward_tier", subject: string, field: string) =>
    sql<
      string | null
    >`(select value from content_translations where content_translations.subject_type = ${subjectType} and content_translations.subject_id = ${sql.ref(subject)} and content_translations.locale = ${locale} and content_translations.field = ${field})`;
  const rows = await db
    .selectFrom("campaigns")
    .leftJoin("reward_tiers", "reward_tiers.campaign_id", "campaigns.id")
    .select([
      "campaigns.id",
      "campaigns.slug",
      "campaigns.title",
      "campaigns.currency",
      "campaigns.funding_model",
      "campaigns.deadline_at",
      "campaigns.time_zone",
      "campaigns.cover_image",
      "campaigns.status",
      translated("campaign", "campaigns.id", "title").as("title_translated"),
      "reward_tiers.id as tier_id",
      "reward_tiers.title as tier_title",
      "reward_tiers.description as tier_description",
      "reward_tiers.min_amount",
      "reward_tiers.stock_limit",
      "reward_tiers.claimed_count",
      "reward_tiers.shipping_required",
      "reward_tiers.pickup_place",
      "reward_tiers.shipping_fr",
      "reward_tiers.shipping_eu",
      "reward_tiers.shipping_world",
      translated("reward_tier", "reward_tiers.id", "title").as("tier_title_translated"),
      translated("reward_tier", "reward_tiers.id", "description").as("tier_description_translated"),
    ])
    .where("campaigns.slug", "=", slug)
    .where("campaigns.status", "in", ["live", "succeeded", "failed", "canceled"])
    .orderBy("reward_tiers.position")
    .execute();
  const campaign = rows[0];
  if (!campaign) return null;
  const tiers = rows.flatMap((row) =>
    row.tier_id === null
      ? []
      : [
          {
            id: row.tier_id,
            title: row.tier_title_translated ?? row.tier_title!,
            description: row.tier_description_translated ?? row.tier_description!,
            min_amount: row.min_amount!,
            stock_limit: row.stock_limit,
            claimed_count: row.claimed_count!,
            shipping_required: row.shipping_required === 1,
            pickup_place: row.pickup_place,
            shipping: shippingCostsOf(row),
          },
        ],
  );
  return {
    campaign: {
      id: campaign.id,
      slug: campaign.slug,
      title: campaign.title_translated ?? campaign.title,
      currency: campaign.currency,
      fundingModel: campaign.funding_model,
      deadline: campaign.deadline_at,
      timeZone: campaign.time_zone,
      coverImage: campaign.cover_image,
      open:
        campaign.status === "live" &&
        campaign.deadline_at !== null &&
        campaign.deadline_at > now.toISOString(),
    },
    tiers: tiers.map((tier) => {
      const remaining = tier.stock_limit === null ? null : Math.max(0, tier.stock_limit - tier.claimed_count);
      return {
        id: tier.id,
        title: tier.title,
        description: tier.description,
        minAmount: tier.min_amount,
        stockLimit: tier.stock_limit,
        remaining,
        soldOut: remaining === 0,
        shippingRequired: tier.shipping_required,
        pickupPlace: tier.pickup_place,
        ...tier.shipping,
      };
    }),
  };
}
