// What the pledge form needs to know about a campaign: whether it takes pledges, its currency and
// funding model, and its tiers with what is left of them, in the reader's language.
import type { FundingModel } from "#db/schema.ts";
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
  tiers: {
    id: string;
    title: string;
    description: string;
    minAmount: number;
    stockLimit: number | null;
    remaining: number | null;
    soldOut: boolean;
  }[];
}

export async function getPledgeOptions(
  db: Db,
  { slug, locale, now }: { slug: string; locale: Locale; now: Date },
): Promise<PledgeOptions | null> {
  const campaign = await db
    .selectFrom("campaigns")
    .select([
      "id",
      "slug",
      "title",
      "currency",
      "funding_model",
      "deadline_at",
      "time_zone",
      "cover_image",
      "status",
    ])
    .where("slug", "=", slug)
    .where("status", "in", ["live", "succeeded", "failed", "canceled"])
    .executeTakeFirst();
  if (!campaign) return null;
  const tiers = await db
    .selectFrom("reward_tiers")
    .select(["id", "title", "description", "min_amount", "stock_limit", "claimed_count"])
    .where("campaign_id", "=", campaign.id)
    .orderBy("position")
    .execute();
  const translations = await db
    .selectFrom("content_translations")
    .select(["subject_id", "field", "value"])
    .where("locale", "=", locale)
    .where("subject_id", "in", [campaign.id, ...tiers.map((t) => t.id)])
    .where("field", "in", ["title", "description"])
    .execute();
  const text = (id: string, field: string, fallback: string) =>
    translations.find((t) => t.subject_id === id && t.field === field)?.value ?? fallback;
  return {
    campaign: {
      id: campaign.id,
      slug: campaign.slug,
      title: text(campaign.id, "title", campaign.title),
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
        title: text(tier.id, "title", tier.title),
        description: text(tier.id, "description", tier.description),
        minAmount: tier.min_amount,
        stockLimit: tier.stock_limit,
        remaining,
        soldOut: remaining === 0,
      };
    }),
  };
}
