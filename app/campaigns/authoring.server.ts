// Owners write campaigns: drafts, their reward tiers and stretch goals, submission for review; admins
// approve (launch now or later) or send back. After launch goal, currency, funding model and deadline
// are frozen; tiers can be added and limits raised, never lowered below what is claimed.
import { randomUUID } from "node:crypto";
import type { Kysely } from "kysely";
import type { Campaign, Database } from "#db/schema.ts";
import { queueEmail, queueEmails, type QueuedEmail } from "~/notifications/outbox.server";
import { campaignBackers, campaignForEmails, snapshotFor } from "~/notifications/snapshot.server";
import { inTransaction, isUniqueViolation, type Db } from "~/lib/db.server";
import { AppError } from "~/lib/errors";
import { campaignPagesChanged } from "~/lib/page-changes";
import { campaignDeadline, DAY, toLocal } from "~/lib/time";
import { cancelPledge, expirePledge } from "~/pledges/pledges.server";
import type { CampaignInput, TierInput } from "./campaign-form";

const iso = (d: Date) => d.toISOString();
const frozen = (c: Pick<Campaign, "status">) => !["draft", "in_review"].includes(c.status);

async function requireCampaign(db: Db, id: string): Promise<Campaign> {
  const campaign = await db.selectFrom("campaigns").selectAll().where("id", "=", id).executeTakeFirst();
  if (!campaign) throw new AppError("campaign_not_found", "No such campaign", 404);
  return campaign;
}

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
    if (isUniqueViolation(error)) throw new AppError("slug_taken", "This address is taken", 409, "slug");
    throw error;
  }
  return id;
}

export async function updateCampaign(db: Db, id: string, input: CampaignInput, now: Date): Promise<void> {
  const campaign = await requireCampaign(db, id);
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
    if (field) throw new AppError("frozen_after_launch", "Frozen once launched", 409, field);
  }
  try {
    await db
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
      .where("id", "=", id)
      .execute();
  } catch (error) {
    if (isUniqueViolation(error)) throw new AppError("slug_taken", "This address is taken", 409, "slug");
    throw error;
  }
  campaignPagesChanged();
}

/** A new cover image (already saved under DATA_DIR by covers.server.ts) for a campaign. */
export async function setCover(db: Db, campaignId: string, path: string): Promise<void> {
  await db.updateTable("campaigns").set({ cover_image: path }).where("id", "=", campaignId).execute();
  campaignPagesChanged();
}

export async function addTier(db: Db, campaignId: string, tier: TierInput, now: Date): Promise<string> {
  const campaign = await requireCampaign(db, campaignId);
  if (["succeeded", "failed", "canceled"].includes(campaign.status))
    throw new AppError("closed", "Closed", 409);
  const last = await db
    .selectFrom("reward_tiers")
    .select((eb) => eb.fn.max("position").as("position"))
    .where("campaign_id", "=", campaignId)
    .executeTakeFirst();
  const id = randomUUID();
  await db
    .insertInto("reward_tiers")
    .values({
      id,
      campaign_id: campaignId,
      position: Number(last?.position ?? -1) + 1,
      title: tier.title,
      description: tier.description,
      min_amount: tier.minAmount,
      stock_limit: tier.limit,
      estimated_delivery: tier.delivery,
      shipping_required: tier.shipping ? 1 : 0,
      created_at: iso(now),
    })
    .execute();
  campaignPagesChanged();
  return id;
}

export async function updateTier(db: Db, tierId: string, tier: TierInput): Promise<void> {
  await inTransaction(db, async (trx) => {
    const current = await trx
      .selectFrom("reward_tiers")
      .selectAll()
      .where("id", "=", tierId)
      .executeTakeFirst();
    if (!current) throw new AppError("tier_not_found", "No such tier", 404);
    const campaign = await requireCampaign(trx, current.campaign_id);
    if (frozen(campaign) && tier.minAmount !== current.min_amount) {
      throw new AppError("frozen_after_launch", "A launched tier keeps its price", 409, "minimum");
    }
    if (tier.limit !== null && tier.limit < current.claimed_count) {
      throw new AppError("limit_below_claimed", `At least ${current.claimed_count}`, 409, "limit");
    }
    if (
      frozen(campaign) &&
      current.stock_limit !== null &&
      (tier.limit === null ? false : tier.limit < current.stock_limit)
    ) {
      throw new AppError("limit_lowered", "A launched tier's limit can only be raised", 409, "limit");
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
      })
      .where("id", "=", tierId)
      .execute();
  });
  campaignPagesChanged();
}

export async function removeTier(db: Db, tierId: string): Promise<void> {
  const pledged = await db
    .selectFrom("pledges")
    .select("id")
    .where("tier_id", "=", tierId)
    .limit(1)
    .executeTakeFirst();
  if (pledged) throw new AppError("tier_has_pledges", "A tier with pledges stays", 409);
  await db
    .deleteFrom("content_translations")
    .where("subject_type", "=", "reward_tier")
    .where("subject_id", "=", tierId)
    .execute();
  await db.deleteFrom("reward_tiers").where("id", "=", tierId).execute();
  campaignPagesChanged();
}

/**
 * Swaps a tier or stretch goal with its neighbour above or below among its campaign's: the order
 * people see is their `position`.
 */
async function moveAmongSiblings(
  db: Db,
  table: "reward_tiers" | "stretch_goals",
  id: string,
  direction: "up" | "down",
): Promise<void> {
  await inTransaction(db, async (trx) => {
    // Both tables share the columns used here; Kysely cannot type a query over either one.
    const rows = trx as unknown as Kysely<Pick<Database, "reward_tiers">>;
    const t = table as "reward_tiers";
    const item = await rows
      .selectFrom(t)
      .select(["id", "campaign_id", "position"])
      .where("id", "=", id)
      .executeTakeFirst();
    if (!item) {
      throw table === "reward_tiers"
        ? new AppError("tier_not_found", "No such tier", 404)
        : new AppError("goal_not_found", "No such stretch goal", 404);
    }
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
  });
  campaignPagesChanged();
}

/** Moves a tier one place up or down among its campaign's tiers. */
export function moveTier(db: Db, tierId: string, direction: "up" | "down"): Promise<void> {
  return moveAmongSiblings(db, "reward_tiers", tierId, direction);
}

export async function addStretchGoal(
  db: Db,
  campaignId: string,
  goal: { title: string; target: number; description?: string },
): Promise<string> {
  const id = randomUUID();
  const count = await db
    .selectFrom("stretch_goals")
    .select((eb) => eb.fn.countAll<number>().as("n"))
    .where("campaign_id", "=", campaignId)
    .executeTakeFirstOrThrow();
  await db
    .insertInto("stretch_goals")
    .values({
      id,
      campaign_id: campaignId,
      position: Number(count.n),
      target_amount: goal.target,
      title: goal.title,
      description: goal.description ?? "",
      reached_at: null,
    })
    .execute();
  campaignPagesChanged();
  return id;
}

export async function submitForReview(db: Db, campaignId: string, now: Date): Promise<void> {
  const result = await db
    .updateTable("campaigns")
    .set({ status: "in_review", review_message: null, updated_at: iso(now) })
    .where("id", "=", campaignId)
    .where("status", "=", "draft")
    .executeTakeFirst();
  if (result.numUpdatedRows !== 1n) throw new AppError("not_a_draft", "Only a draft can be submitted", 409);
  campaignPagesChanged();
}

/** An admin approves: the campaign goes live now (or at `launchAt`); its deadline is set from then. */
export async function approveCampaign(
  db: Db,
  campaignId: string,
  launchAt: Date | null,
  now: Date,
): Promise<void> {
  if (launchAt && launchAt > now) {
    const scheduled = await db
      .updateTable("campaigns")
      .set({ launch_at: iso(launchAt), updated_at: iso(now) })
      .where("id", "=", campaignId)
      .where("status", "=", "in_review")
      .executeTakeFirst();
    if (scheduled.numUpdatedRows !== 1n) throw new AppError("not_in_review", "Not in review", 409);
    campaignPagesChanged();
    return;
  }
  await launch(db, campaignId, now);
}

/** With an end date, the number of days from the launch day to it, counted in the campaign's zone. */
export function durationUntil(launch: Date, endDate: string, timeZone: string): number {
  const start = toLocal(launch, timeZone);
  const [year, month, day] = endDate.split("-").map(Number) as [number, number, number];
  return (
    Math.round((Date.UTC(year, month - 1, day) - Date.UTC(start.year, start.month - 1, start.day)) / DAY) + 1
  );
}

async function launch(db: Db, campaignId: string, now: Date): Promise<boolean> {
  const campaign = await requireCampaign(db, campaignId);
  const days = campaign.end_date
    ? durationUntil(now, campaign.end_date, campaign.time_zone)
    : campaign.duration_days;
  if (days < 1 || days > 60) {
    throw new AppError("bad_end_date", "The end date must be 1 to 60 days after the launch", 409, "endDate");
  }
  const deadline = campaignDeadline(now, days, campaign.time_zone);
  const result = await db
    .updateTable("campaigns")
    .set({
      status: "live",
      launched_at: iso(now),
      deadline_at: iso(deadline),
      duration_days: days,
      launch_at: null,
      updated_at: iso(now),
    })
    .where("id", "=", campaignId)
    .where("status", "=", "in_review")
    .executeTakeFirst();
  if (result.numUpdatedRows !== 1n) throw new AppError("not_in_review", "Not in review", 409);
  campaignPagesChanged();
  return true;
}

/** Campaigns approved for a later launch go live when their moment comes (a job). */
export async function launchScheduledCampaigns(db: Db, now: Date): Promise<number> {
  const due = await db
    .selectFrom("campaigns")
    .select("id")
    .where("status", "=", "in_review")
    .where("launch_at", "<=", iso(now))
    .execute();
  for (const { id } of due) await launch(db, id, now).catch(() => false);
  return due.length;
}

/** An admin sends the draft back with a message, which the owner receives by email. */
export async function sendBackToDraft(db: Db, campaignId: string, message: string, now: Date): Promise<void> {
  await inTransaction(db, async (trx) => {
    const result = await trx
      .updateTable("campaigns")
      .set({ status: "draft", review_message: message, launch_at: null, updated_at: iso(now) })
      .where("id", "=", campaignId)
      .where("status", "=", "in_review")
      .executeTakeFirst();
    if (result.numUpdatedRows !== 1n) throw new AppError("not_in_review", "Not in review", 409);
    const details = await campaignForEmails(trx, campaignId, now);
    await queueEmail(
      trx,
      {
        kind: "review_feedback",
        dedupeKey: `review:${campaignId}:${iso(now)}`,
        to: details.ownerEmail,
        name: details.ownerName,
        locale: details.ownerLocale,
        props: {
          campaign: snapshotFor(details, details.ownerLocale),
          message,
          editUrl: `/manage/campaigns/${campaignId}`,
        },
        campaignId,
      },
      now,
    );
  });
  campaignPagesChanged();
}

/** An update by the owner: on the campaign page, and emailed to backers (who may unsubscribe). */
export async function postUpdate(
  db: Db,
  campaignId: string,
  update: { title: string; body: string; visibility: "public" | "backers" },
  now: Date,
): Promise<string> {
  const posted = await inTransaction(db, async (trx) => {
    const id = randomUUID();
    await trx
      .insertInto("campaign_updates")
      .values({
        id,
        campaign_id: campaignId,
        title: update.title,
        body_md: update.body,
        visibility: update.visibility,
        created_at: iso(now),
      })
      .execute();
    const details = await campaignForEmails(trx, campaignId, now);
    const backers = await campaignBackers(trx, campaignId);
    const excerpt = update.body.replace(/[#*_>`[\]()]/g, "").slice(0, 280);
    const emails: QueuedEmail[] = backers.map((backer) => ({
      kind: "update_posted",
      dedupeKey: `update:${id}:${backer.email}`,
      to: backer.email,
      name: backer.name,
      locale: backer.locale,
      props: {
        campaign: snapshotFor(details, backer.locale),
        title: update.title,
        excerpt,
        url: `/campaigns/${details.slug}#updates`,
      },
      campaignId,
    }));
    await queueEmails(trx, emails, now);
    return id;
  });
  campaignPagesChanged();
  return posted;
}

/**
 * An admin cancels a campaign (a fraud, a project that cannot happen): it stops taking pledges,
 * open checkouts expire, saved cards are released and never charged. Pledges already collected
 * (flexible campaigns) stay collected: each needs a refund, which the follow-up page offers.
 */
export async function cancelCampaign(
  db: Db,
  campaignId: string,
  now: Date,
): Promise<{ released: number; toRefund: number }> {
  const canceled = await inTransaction(db, async (trx) => {
    const campaign = await requireCampaign(trx, campaignId);
    if (["canceled", "succeeded", "failed"].includes(campaign.status))
      throw new AppError("closed", "Already closed", 409);
    await trx
      .updateTable("campaigns")
      .set({
        status: "canceled",
        closed_at: iso(now),
        final_pledged_amount: campaign.pledged_amount,
        final_backer_count: campaign.backer_count,
        updated_at: iso(now),
      })
      .where("id", "=", campaignId)
      .execute();
    const pledges = await trx
      .selectFrom("pledges")
      .select(["id", "status"])
      .where("campaign_id", "=", campaignId)
      .execute();
    let released = 0;
    for (const pledge of pledges) {
      if (pledge.status === "pending") await expirePledge(trx, pledge.id, "campaign_closed", now);
      if (pledge.status === "committed" && (await cancelPledge(trx, pledge.id, "campaign_closed", now)))
        released++;
    }
    return { released, toRefund: pledges.filter((p) => p.status === "collected").length };
  });
  campaignPagesChanged();
  return canceled;
}

export async function removeStretchGoal(db: Db, goalId: string): Promise<void> {
  await db
    .deleteFrom("content_translations")
    .where("subject_type", "=", "stretch_goal")
    .where("subject_id", "=", goalId)
    .execute();
  await db.deleteFrom("campaign_milestones").where("milestone", "=", `stretch:${goalId}`).execute();
  await db.deleteFrom("stretch_goals").where("id", "=", goalId).execute();
  campaignPagesChanged();
}

export async function updateStretchGoal(
  db: Db,
  goalId: string,
  goal: { title: string; target: number },
): Promise<void> {
  await db
    .updateTable("stretch_goals")
    .set({ title: goal.title, target_amount: goal.target })
    .where("id", "=", goalId)
    .execute();
  campaignPagesChanged();
}

/** Moves a stretch goal one place up or down among its campaign's. */
export function moveStretchGoal(db: Db, goalId: string, direction: "up" | "down"): Promise<void> {
  return moveAmongSiblings(db, "stretch_goals", goalId, direction);
}
