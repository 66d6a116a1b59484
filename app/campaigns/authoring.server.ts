// Owners write campaigns: drafts, their details, cover, reward tiers and stretch goals, their risks
// and FAQ, and updates once live. Each command is told which campaign (and tier or goal) and who asks, and checks, in its
// own transaction, that the campaign is theirs and that the thing named belongs to it. After launch
// goal, currency, funding model and deadline are frozen; tiers can be added and limits raised,
// never lowered below what is claimed. The risks text and the FAQ stay editable after launch.
import { randomUUID } from "node:crypto";
import type { Kysely } from "kysely";
import type { Campaign, Database, TranslatedSubject } from "#db/schema.ts";
import { queueEmails, type QueuedEmail } from "~/notifications/outbox.server";
import { campaignBackers, campaignForEmails, snapshotFor } from "~/notifications/snapshot.server";
import { inTransaction, isUniqueViolation, type Db } from "~/lib/db.server";
import { CampaignError } from "~/lib/errors";
import { campaignPagesChanged } from "~/lib/page-changes";
import { campaignForCommand, type CampaignTarget } from "./access.server";
import type {
  CampaignInput,
  CampaignTranslation,
  FaqInput,
  FaqTranslation,
  ItemTranslation,
  TierInput,
} from "./campaign-form";
import { renderStory } from "./story.server";

export type { CampaignTarget } from "./access.server";
export interface TierTarget extends CampaignTarget {
  tierId: string;
}
export interface GoalTarget extends CampaignTarget {
  goalId: string;
}
export interface FaqTarget extends CampaignTarget {
  faqId: string;
}

const iso = (d: Date) => d.toISOString();
const frozen = (c: Pick<Campaign, "status">) => !["draft", "in_review"].includes(c.status);
const slugTaken = () => new CampaignError("slug_taken", "This address is taken");

/** The tier named, if it is one of the target campaign's (checked by then). */
async function tierOf(db: Db, target: TierTarget) {
  const tier = await db
    .selectFrom("reward_tiers")
    .selectAll()
    .where("id", "=", target.tierId)
    .where("campaign_id", "=", target.campaignId)
    .executeTakeFirst();
  if (!tier) throw new CampaignError("tier_not_found", "No such tier");
  return tier;
}

async function goalOf(db: Db, target: GoalTarget) {
  const goal = await db
    .selectFrom("stretch_goals")
    .selectAll()
    .where("id", "=", target.goalId)
    .where("campaign_id", "=", target.campaignId)
    .executeTakeFirst();
  if (!goal) throw new CampaignError("goal_not_found", "No such stretch goal");
  return goal;
}

async function faqEntryOf(db: Db, target: FaqTarget) {
  const entry = await db
    .selectFrom("campaign_faq")
    .selectAll()
    .where("id", "=", target.faqId)
    .where("campaign_id", "=", target.campaignId)
    .executeTakeFirst();
  if (!entry) throw new CampaignError("faq_not_found", "No such FAQ entry");
  return entry;
}

/** A new draft, owned by whoever writes it: nothing to check but the address being free. */
export async function createDraft(db: Db, ownerId: string, input: CampaignInput, now: Date): Promise<string> {
  const id = randomUUID();
  try {
    await db
      .insertInto("campaigns")
      .values({
        id,
        slug: input.slug,
        owner_id: ownerId,
        status: "draft",
        language: "fr",
        title: input.title,
        tagline: input.tagline,
        story_md: input.story,
        cover_image: null,
        goal_amount: input.goalAmount,
        currency: input.currency,
        funding_model: input.fundingModel,
        time_zone: input.timeZone,
        duration_days: input.durationDays,
        end_date: input.endDate || null,
        launched_at: null,
        deadline_at: null,
        closed_at: null,
        final_pledged_amount: null,
        final_backer_count: null,
        created_at: iso(now),
        updated_at: iso(now),
      })
      .execute();
  } catch (error) {
    if (isUniqueViolation(error)) throw slugTaken();
    throw error;
  }
  return id;
}

export async function updateCampaign(
  db: Db,
  target: CampaignTarget,
  input: CampaignInput,
  now: Date,
): Promise<void> {
  await inTransaction(db, async (trx) => {
    const campaign = await campaignForCommand(trx, target);
    if (frozen(campaign)) {
      const changed: [keyof CampaignInput, unknown, unknown][] = [
        ["goal", input.goalAmount, campaign.goal_amount],
        ["currency", input.currency, campaign.currency],
        ["fundingModel", input.fundingModel, campaign.funding_model],
        ["durationDays", input.durationDays, campaign.duration_days],
        ["timeZone", input.timeZone, campaign.time_zone],
        ["endDate", input.endDate || null, campaign.end_date],
      ];
      const field = changed.find(([, next, before]) => next !== before)?.[0];
      if (field) throw new CampaignError("frozen_after_launch", "Frozen once launched", { field });
    }
    try {
      await trx
        .updateTable("campaigns")
        .set({
          slug: input.slug,
          title: input.title,
          tagline: input.tagline,
          story_md: input.story,
          ...(frozen(campaign)
            ? {}
            : {
                goal_amount: input.goalAmount,
                currency: input.currency,
                funding_model: input.fundingModel,
                duration_days: input.durationDays,
                time_zone: input.timeZone,
                end_date: input.endDate || null,
              }),
          updated_at: iso(now),
        })
        .where("id", "=", campaign.id)
        .execute();
    } catch (error) {
      if (isUniqueViolation(error)) throw slugTaken();
      throw error;
    }
  });
  campaignPagesChanged();
}

/** A new cover image (already saved under DATA_DIR by covers.server.ts) for a campaign. */
export async function setCover(db: Db, target: CampaignTarget, path: string): Promise<void> {
  await inTransaction(db, async (trx) => {
    const campaign = await campaignForCommand(trx, target);
    await trx.updateTable("campaigns").set({ cover_image: path }).where("id", "=", campaign.id).execute();
  });
  campaignPagesChanged();
}

const shippingColumnNames = ["shipping_fr", "shipping_eu", "shipping_world"] as const;
const shippingFieldOf = {
  shipping_fr: "shippingFr",
  shipping_eu: "shippingEu",
  shipping_world: "shippingWorld",
} as const;

/** A tier's shipping costs as columns: none unless the reward is sent by post. */
function shippingColumns(tier: TierInput) {
  const cost = (value: number | null | undefined) => (tier.shipping ? (value ?? null) : null);
  return {
    shipping_fr: cost(tier.shippingFr),
    shipping_eu: cost(tier.shippingEu),
    shipping_world: cost(tier.shippingWorld),
  };
}

export async function addTier(db: Db, target: CampaignTarget, tier: TierInput, now: Date): Promise<string> {
  const id = await inTransaction(db, async (trx) => {
    const campaign = await campaignForCommand(trx, target);
    if (["succeeded", "failed", "canceled"].includes(campaign.status))
      throw new CampaignError("closed", "Closed");
    const last = await trx
      .selectFrom("reward_tiers")
      .select((eb) => eb.fn.max("position").as("position"))
      .where("campaign_id", "=", campaign.id)
      .executeTakeFirst();
    const id = randomUUID();
    await trx
      .insertInto("reward_tiers")
      .values({
        id,
        campaign_id: campaign.id,
        position: Number(last?.position ?? -1) + 1,
        title: tier.title,
        description: tier.description,
        min_amount: tier.minAmount,
        stock_limit: tier.limit,
        estimated_delivery: tier.delivery,
        shipping_required: tier.shipping ? 1 : 0,
        pickup_place: tier.pickupPlace ?? null,
        ...shippingColumns(tier),
        created_at: iso(now),
      })
      .execute();
    return id;
  });
  campaignPagesChanged();
  return id;
}

export async function updateTier(db: Db, target: TierTarget, tier: TierInput): Promise<void> {
  await inTransaction(db, async (trx) => {
    const campaign = await campaignForCommand(trx, target);
    const current = await tierOf(trx, target);
    if (frozen(campaign) && tier.minAmount !== current.min_amount) {
      throw new CampaignError("frozen_after_launch", "A launched tier keeps its price", { field: "minimum" });
    }
    if (tier.limit !== null && tier.limit < current.claimed_count) {
      throw new CampaignError("limit_below_claimed", `At least ${current.claimed_count}`);
    }
    if (
      frozen(campaign) &&
      current.stock_limit !== null &&
      (tier.limit === null ? false : tier.limit < current.stock_limit)
    ) {
      throw new CampaignError("limit_lowered", "A launched tier's limit can only be raised");
    }
    // Like the price, a zone's shipping cost stays once launched; a zone not yet served may open.
    if (frozen(campaign)) {
      const next = shippingColumns(tier);
      const changed = shippingColumnNames.find((c) => current[c] !== null && next[c] !== current[c]);
      if (changed)
        throw new CampaignError("frozen_after_launch", "A launched tier keeps its shipping costs", {
          field: shippingFieldOf[changed],
        });
    }
    await trx
      .updateTable("reward_tiers")
      .set({
        title: tier.title,
        description: tier.description,
        min_amount: tier.minAmount,
        stock_limit: tier.limit,
        estimated_delivery: tier.delivery,
        shipping_required: tier.shipping ? 1 : 0,
        pickup_place: tier.pickupPlace ?? null,
        ...shippingColumns(tier),
      })
      .where("id", "=", current.id)
      .execute();
  });
  campaignPagesChanged();
}

export async function removeTier(db: Db, target: TierTarget): Promise<void> {
  await inTransaction(db, async (trx) => {
    await campaignForCommand(trx, target);
    const tier = await tierOf(trx, target);
    const pledged = await trx
      .selectFrom("pledges")
      .select("id")
      .where("tier_id", "=", tier.id)
      .limit(1)
      .executeTakeFirst();
    if (pledged) throw new CampaignError("tier_has_pledges", "A tier with pledges stays");
    await trx
      .deleteFrom("content_translations")
      .where("subject_type", "=", "reward_tier")
      .where("subject_id", "=", tier.id)
      .execute();
    await trx.deleteFrom("reward_tiers").where("id", "=", tier.id).execute();
  });
  campaignPagesChanged();
}

/**
 * Swaps a tier, stretch goal or FAQ entry (already checked to be the campaign's) with its neighbour
 * above or below among its campaign's: the order people see is their `position`.
 */
async function swapWithNeighbour(
  trx: Db,
  table: "reward_tiers" | "stretch_goals" | "campaign_faq",
  item: { id: string; campaign_id: string; position: number },
  direction: "up" | "down",
): Promise<void> {
  // The tables share the columns used here; Kysely cannot type a query over any of them.
  const rows = trx as unknown as Kysely<Pick<Database, "reward_tiers">>;
  const t = table as "reward_tiers";
  const neighbour = await rows
    .selectFrom(t)
    .select(["id", "position"])
    .where("campaign_id", "=", item.campaign_id)
    .where("position", direction === "up" ? "<" : ">", item.position)
    .orderBy("position", direction === "up" ? "desc" : "asc")
    .limit(1)
    .executeTakeFirst();
  if (!neighbour) return;
  await rows.updateTable(t).set({ position: neighbour.position }).where("id", "=", item.id).execute();
  await rows.updateTable(t).set({ position: item.position }).where("id", "=", neighbour.id).execute();
}

/** Moves a tier one place up or down among its campaign's tiers. */
export async function moveTier(db: Db, target: TierTarget, direction: "up" | "down"): Promise<void> {
  await inTransaction(db, async (trx) => {
    await campaignForCommand(trx, target);
    await swapWithNeighbour(trx, "reward_tiers", await tierOf(trx, target), direction);
  });
  campaignPagesChanged();
}

export async function addStretchGoal(
  db: Db,
  target: CampaignTarget,
  goal: { title: string; target: number; description?: string },
): Promise<string> {
  const id = await inTransaction(db, async (trx) => {
    const campaign = await campaignForCommand(trx, target);
    const id = randomUUID();
    const count = await trx
      .selectFrom("stretch_goals")
      .select((eb) => eb.fn.countAll<number>().as("n"))
      .where("campaign_id", "=", campaign.id)
      .executeTakeFirstOrThrow();
    await trx
      .insertInto("stretch_goals")
      .values({
        id,
        campaign_id: campaign.id,
        position: Number(count.n),
        target_amount: goal.target,
        title: goal.title,
        description: goal.description ?? "",
        reached_at: null,
      })
      .execute();
    return id;
  });
  campaignPagesChanged();
  return id;
}

export async function updateStretchGoal(
  db: Db,
  target: GoalTarget,
  /** A description left out is kept as it is. */
  goal: { title: string; target: number; description?: string },
): Promise<void> {
  await inTransaction(db, async (trx) => {
    await campaignForCommand(trx, target);
    const current = await goalOf(trx, target);
    await trx
      .updateTable("stretch_goals")
      .set({
        title: goal.title,
        target_amount: goal.target,
        ...(goal.description === undefined ? {} : { description: goal.description }),
      })
      .where("id", "=", current.id)
      .execute();
  });
  campaignPagesChanged();
}

/** Moves a stretch goal one place up or down among its campaign's. */
export async function moveStretchGoal(db: Db, target: GoalTarget, direction: "up" | "down"): Promise<void> {
  await inTransaction(db, async (trx) => {
    await campaignForCommand(trx, target);
    await swapWithNeighbour(trx, "stretch_goals", await goalOf(trx, target), direction);
  });
  campaignPagesChanged();
}

export async function removeStretchGoal(db: Db, target: GoalTarget): Promise<void> {
  await inTransaction(db, async (trx) => {
    await campaignForCommand(trx, target);
    const goal = await goalOf(trx, target);
    await trx
      .deleteFrom("content_translations")
      .where("subject_type", "=", "stretch_goal")
      .where("subject_id", "=", goal.id)
      .execute();
    await trx.deleteFrom("campaign_milestones").where("milestone", "=", `stretch:${goal.id}`).execute();
    await trx.deleteFrom("stretch_goals").where("id", "=", goal.id).execute();
  });
  campaignPagesChanged();
}

/** The risks and challenges the owner sees ahead (Markdown; "" takes the section off the page). */
export async function updateRisks(db: Db, target: CampaignTarget, risks: string, now: Date): Promise<void> {
  await inTransaction(db, async (trx) => {
    const campaign = await campaignForCommand(trx, target);
    await trx
      .updateTable("campaigns")
      .set({ risks_md: risks, updated_at: iso(now) })
      .where("id", "=", campaign.id)
      .execute();
  });
  campaignPagesChanged();
}

/** A question and its answer, last in the campaign's FAQ. */
export async function addFaqEntry(
  db: Db,
  target: CampaignTarget,
  entry: FaqInput,
  now: Date,
): Promise<string> {
  const id = await inTransaction(db, async (trx) => {
    const campaign = await campaignForCommand(trx, target);
    const last = await trx
      .selectFrom("campaign_faq")
      .select((eb) => eb.fn.max("position").as("position"))
      .where("campaign_id", "=", campaign.id)
      .executeTakeFirst();
    const id = randomUUID();
    await trx
      .insertInto("campaign_faq")
      .values({
        id,
        campaign_id: campaign.id,
        position: Number(last?.position ?? -1) + 1,
        question: entry.question,
        answer_md: entry.answer,
        created_at: iso(now),
      })
      .execute();
    return id;
  });
  campaignPagesChanged();
  return id;
}

export async function updateFaqEntry(db: Db, target: FaqTarget, entry: FaqInput): Promise<void> {
  await inTransaction(db, async (trx) => {
    await campaignForCommand(trx, target);
    const current = await faqEntryOf(trx, target);
    await trx
      .updateTable("campaign_faq")
      .set({ question: entry.question, answer_md: entry.answer })
      .where("id", "=", current.id)
      .execute();
  });
  campaignPagesChanged();
}

/** Moves an FAQ entry one place up or down among its campaign's. */
export async function moveFaqEntry(db: Db, target: FaqTarget, direction: "up" | "down"): Promise<void> {
  await inTransaction(db, async (trx) => {
    await campaignForCommand(trx, target);
    await swapWithNeighbour(trx, "campaign_faq", await faqEntryOf(trx, target), direction);
  });
  campaignPagesChanged();
}

export async function removeFaqEntry(db: Db, target: FaqTarget): Promise<void> {
  await inTransaction(db, async (trx) => {
    await campaignForCommand(trx, target);
    const entry = await faqEntryOf(trx, target);
    await trx
      .deleteFrom("content_translations")
      .where("subject_type", "=", "faq_entry")
      .where("subject_id", "=", entry.id)
      .execute();
    await trx.deleteFrom("campaign_faq").where("id", "=", entry.id).execute();
  });
  campaignPagesChanged();
}

/**
 * An update by the owner, once the campaign is public: on the campaign page, and emailed to backers
 * (who may unsubscribe).
 */
export async function postUpdate(
  db: Db,
  target: CampaignTarget,
  update: { title: string; body: string; visibility: "public" | "backers" },
  now: Date,
  { siteUrl }: { siteUrl: string },
): Promise<string> {
  const posted = await inTransaction(db, async (trx) => {
    const campaign = await campaignForCommand(trx, target);
    if (campaign.status === "draft" || campaign.status === "in_review")
      throw new CampaignError("not_public", "Updates are posted once the campaign is public");
    const id = randomUUID();
    await trx
      .insertInto("campaign_updates")
      .values({
        id,
        campaign_id: campaign.id,
        title: update.title,
        body_md: update.body,
        visibility: update.visibility,
        created_at: iso(now),
      })
      .execute();
    const details = await campaignForEmails(trx, campaign.id, now);
    const backers = await campaignBackers(trx, campaign.id);
    // The email shows the update as the campaign page does: the same renderer, the same sanitizing.
    const bodyHtml = renderStory(update.body, { siteUrl });
    const emails: QueuedEmail[] = backers.map((backer) => ({
      kind: "update_posted",
      dedupeKey: `update:${id}:${backer.email}`,
      to: backer.email,
      name: backer.name,
      locale: backer.locale,
      props: {
        campaign: snapshotFor(details, backer.locale),
        title: update.title,
        bodyHtml,
        url: `/campaigns/${details.slug}#updates`,
      },
      campaignId: campaign.id,
    }));
    await queueEmails(trx, emails, now);
    return id;
  });
  campaignPagesChanged();
  return posted;
}

/** The language a campaign is translated into besides its own (the catalogue has French and English). */
export const otherLanguage = (language: string): "fr" | "en" => (language === "en" ? "fr" : "en");

/**
 * The owner's texts in the campaign's other language: each field filled in replaces that field's
 * translation, each one left empty removes it (the page then shows the owner's own text).
 */
export async function setCampaignTranslation(
  db: Db,
  target: CampaignTarget,
  texts: CampaignTranslation,
): Promise<void> {
  await inTransaction(db, async (trx) => {
    const campaign = await campaignForCommand(trx, target);
    // The page reads the story's translation as `story_md`, the column it stands for.
    await replaceTranslation(trx, "campaign", campaign.id, otherLanguage(campaign.language), {
      title: texts.title,
      tagline: texts.tagline,
      story_md: texts.story,
    });
  });
  campaignPagesChanged();
}

/** A reward's, a stretch goal's or an FAQ entry's texts in the campaign's other language. */
export type ItemTranslationTarget =
  | { kind: "reward_tier"; target: TierTarget; texts: ItemTranslation }
  | { kind: "stretch_goal"; target: GoalTarget; texts: ItemTranslation }
  | { kind: "faq_entry"; target: FaqTarget; texts: FaqTranslation };

export async function setItemTranslation(db: Db, item: ItemTranslationTarget): Promise<void> {
  await inTransaction(db, async (trx) => {
    const campaign = await campaignForCommand(trx, item.target);
    const locale = otherLanguage(campaign.language);
    // The item must be this campaign's; the page reads each translated field under its column's name.
    if (item.kind === "reward_tier") {
      const { id } = await tierOf(trx, item.target);
      await replaceTranslation(trx, item.kind, id, locale, item.texts);
    } else if (item.kind === "stretch_goal") {
      const { id } = await goalOf(trx, item.target);
      await replaceTranslation(trx, item.kind, id, locale, item.texts);
    } else {
      const { id } = await faqEntryOf(trx, item.target);
      const { question, answer } = item.texts;
      await replaceTranslation(trx, item.kind, id, locale, { question, answer_md: answer });
    }
  });
  campaignPagesChanged();
}

/** One subject's translated fields in one language, replaced: a field left empty has none. */
export async function replaceTranslation(
  trx: Db,
  subjectType: TranslatedSubject,
  subjectId: string,
  locale: string,
  fields: Record<string, string>,
): Promise<void> {
  await trx
    .deleteFrom("content_translations")
    .where("subject_type", "=", subjectType)
    .where("subject_id", "=", subjectId)
    .where("locale", "=", locale)
    .where("field", "in", Object.keys(fields))
    .execute();
  const rows = Object.entries(fields)
    .filter(([, value]) => value !== "")
    .map(([field, value]) => ({ subject_type: subjectType, subject_id: subjectId, locale, field, value }));
  if (rows.length) await trx.insertInto("content_translations").values(rows).execute();
}

/** The owner locks the addresses (parcels being prepared) or opens them again. */
export async function setAddressesLocked(
  db: Db,
  target: CampaignTarget,
  locked: boolean,
  now: Date,
): Promise<void> {
  await inTransaction(db, async (trx) => {
    const campaign = await campaignForCommand(trx, target);
    await trx
      .updateTable("campaigns")
      .set({ addresses_locked_at: locked ? now.toISOString() : null, updated_at: now.toISOString() })
      .where("id", "=", campaign.id)
      .execute();
  });
}
