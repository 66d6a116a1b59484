// What the owners' and admins' campaign pages read: the editor's forms filled in, the campaigns a
// person owns, every campaign for the admins, a public campaign's id for its live stream.
import type { Campaign } from "#db/schema.ts";
import type { Db } from "~/lib/db.server";
import { toInputAmount } from "~/lib/money";
import { publicStatuses } from "./campaigns.server";
import { otherLanguage } from "./authoring.server";
import { campaignReadiness } from "./readiness.server";
import { budgetLinesOf } from "./budget-lines.server";

/** The editor page: the campaign's details as its form shows them, its tiers, stretch goals and FAQ. */
export async function editorView(db: Db, campaign: Campaign, locale: string) {
  const tiers = await db
    .selectFrom("reward_tiers")
    .selectAll()
    .where("campaign_id", "=", campaign.id)
    .orderBy("position")
    .execute();
  const goals = await db
    .selectFrom("stretch_goals")
    .selectAll()
    .where("campaign_id", "=", campaign.id)
    .orderBy("position")
    .execute();
  const language = otherLanguage(campaign.language);
  const translated = await db
    .selectFrom("content_translations")
    .select(["field", "value"])
    .where("subject_type", "=", "campaign")
    .where("subject_id", "=", campaign.id)
    .where("locale", "=", language)
    .execute();
  const translation = (field: string) => translated.find((t) => t.field === field)?.value ?? "";
  const faq = await db
    .selectFrom("campaign_faq")
    .select(["id", "question", "answer_md"])
    .where("campaign_id", "=", campaign.id)
    .orderBy("position")
    .execute();
  const budget = await budgetLinesOf(db, campaign.id);
  // The rewards', stretch goals', FAQ entries' and budget lines' texts in the other language, for their forms.
  const itemIds = [
    ...tiers.map((t) => t.id),
    ...goals.map((g) => g.id),
    ...faq.map((f) => f.id),
    ...budget.map((b) => b.id),
  ];
  const itemTexts = itemIds.length
    ? await db
        .selectFrom("content_translations")
        .select(["subject_id", "field", "value"])
        .where("subject_type", "in", ["reward_tier", "stretch_goal", "faq_entry", "budget_line"])
        .where("subject_id", "in", itemIds)
        .where("locale", "=", language)
        .execute()
    : [];
  const textOf = (id: string, field: string) =>
    itemTexts.find((row) => row.subject_id === id && row.field === field)?.value ?? "";
  const titled = (items: { id: string; title: string }[]) =>
    items.map((item) => ({
      id: item.id,
      original: item.title,
      values: { title: textOf(item.id, "title"), description: textOf(item.id, "description") },
    }));
  return {
    readiness: await campaignReadiness(db, campaign),
    /** The campaign's texts in its other language, as the translation form shows them. */
    translation: {
      language,
      values: {
        title: translation("title"),
        tagline: translation("tagline"),
        story: translation("story_md"),
      },
      tiers: titled(tiers),
      goals: titled(goals),
      faq: faq.map((entry) => ({
        id: entry.id,
        original: entry.question,
        values: { question: textOf(entry.id, "question"), answer: textOf(entry.id, "answer_md") },
      })),
      budget: budget.map((line) => ({
        id: line.id,
        original: line.label,
        values: { label: textOf(line.id, "label") },
      })),
    },
    campaign: {
      id: campaign.id,
      slug: campaign.slug,
      status: campaign.status,
      currency: campaign.currency,
      goalAmount: campaign.goal_amount,
      reviewMessage: campaign.review_message,
      coverImage: campaign.cover_image,
      risks: campaign.risks_md,
      addressesLocked: campaign.addresses_locked_at !== null,
      values: {
        title: campaign.title,
        slug: campaign.slug,
        tagline: campaign.tagline,
        story: campaign.story_md,
        goal: toInputAmount(campaign.goal_amount, campaign.currency, locale),
        currency: campaign.currency,
        fundingModel: campaign.funding_model,
        durationDays: String(campaign.duration_days),
        timeZone: campaign.time_zone,
        endDate: campaign.end_date ?? "",
      },
    },
    tiers: tiers.map((t) => ({
      id: t.id,
      title: t.title,
      description: t.description,
      minimum: toInputAmount(t.min_amount, campaign.currency, locale),
      minAmount: t.min_amount,
      limit: t.stock_limit === null ? "" : String(t.stock_limit),
      claimed: t.claimed_count,
      delivery: t.estimated_delivery ?? "",
      shipping: t.shipping_required === 1,
      pickup: t.pickup_place !== null,
      pickupPlace: t.pickup_place ?? "",
      shippingFr: t.shipping_fr === null ? "" : toInputAmount(t.shipping_fr, campaign.currency, locale),
      shippingEu: t.shipping_eu === null ? "" : toInputAmount(t.shipping_eu, campaign.currency, locale),
      shippingWorld:
        t.shipping_world === null ? "" : toInputAmount(t.shipping_world, campaign.currency, locale),
    })),
    goals: goals.map((g) => ({
      id: g.id,
      title: g.title,
      target: g.target_amount,
      description: g.description,
    })),
    faq: faq.map((f) => ({ id: f.id, question: f.question, answer: f.answer_md })),
    budget: budget.map((line) => ({
      id: line.id,
      label: line.label,
      amount: toInputAmount(line.amount, campaign.currency, locale),
      amountMinor: line.amount,
    })),
  };
}

export type EditorView = Awaited<ReturnType<typeof editorView>>;

/** A person's own campaigns, newest first. */
export function campaignsOwnedBy(db: Db, ownerId: string) {
  return db
    .selectFrom("campaigns")
    .select(["id", "title", "status"])
    .where("owner_id", "=", ownerId)
    .orderBy("created_at", "desc")
    .execute();
}

/** Every campaign for the admins, by status, the latest deadline first. */
export function campaignsForAdmins(db: Db) {
  return db
    .selectFrom("campaigns")
    .select(["id", "title", "status", "pledged_amount", "goal_amount", "currency", "deadline_at"])
    .orderBy("status")
    .orderBy("deadline_at", "desc")
    .execute();
}

/** The id of the public campaign at this address, if there is one. */
export async function publicCampaignId(db: Db, slug: string): Promise<string | null> {
  const campaign = await db
    .selectFrom("campaigns")
    .select("id")
    .where("slug", "=", slug)
    .where("status", "in", publicStatuses)
    .executeTakeFirst();
  return campaign?.id ?? null;
}
