// The emails about one backer's pledge, queued in the transaction of the change that causes them:
// the confirmation when it is committed, the receipt when money is taken, each refund.
import type { Pledge } from "#db/schema.ts";
import { sql } from "kysely";
import type { Db } from "~/lib/db.server";
import { queueEmail } from "./outbox.server";
import { campaignForEmails, snapshotFor, type CampaignForEmails } from "./snapshot.server";

/** A pledge row and its reward's title in the backer's language, as an email names it. */
export type PledgeWithTier = Pledge & { tier_title: string | null; tier_title_translated: string | null };

/**
 * The columns of a statement on `pledges` (a select, or the `returning` of the update that moves
 * it) that give `PledgeWithTier` in one round trip: the row and its reward's titles as subqueries.
 */
export function pledgeWithTierColumns() {
  return [
    sql<string | null>`(select title from reward_tiers where reward_tiers.id = pledges.tier_id)`.as(
      "tier_title",
    ),
    sql<
      string | null
    >`(select value from content_translations where subject_type = 'reward_tier' and subject_id = pledges.tier_id and locale = pledges.locale and field = 'title')`.as(
      "tier_title_translated",
    ),
  ];
}

async function pledgeWithTier(db: Db, pledgeId: string) {
  const pledge = await db
    .selectFrom("pledges")
    .selectAll()
    .select(pledgeWithTierColumns())
    .where("id", "=", pledgeId)
    .executeTakeFirstOrThrow();
  return withTierTitle(pledge);
}

function withTierTitle(row: PledgeWithTier) {
  const { tier_title, tier_title_translated, ...pledge } = row;
  const tierTitle = pledge.tier_id ? (tier_title_translated ?? tier_title) : null;
  return { pledge: pledge as Pledge, tierTitle };
}

// Links to the backer's private page need the session secret: delivery fills `pledgeUrl` in from
// the row's pledge id, so it is left empty here.
const filledAtDelivery = "";

/**
 * `known`: what the commit's own statements already returned (the pledge row with its reward's
 * titles, the campaign after its totals moved), so that queueing is the outbox insert alone.
 */
export async function queuePledgeConfirmation(
  db: Db,
  pledgeId: string,
  now: Date,
  known: { pledge?: PledgeWithTier; campaign?: CampaignForEmails } = {},
): Promise<void> {
  const { pledge, tierTitle } = known.pledge
    ? withTierTitle(known.pledge)
    : await pledgeWithTier(db, pledgeId);
  const campaign = known.campaign ?? (await campaignForEmails(db, pledge.campaign_id, now));
  await queueEmail(
    db,
    {
      kind: "pledge_confirmation",
      dedupeKey: `pledge-confirmation:${pledge.id}`,
      to: pledge.backer_email,
      name: pledge.backer_name,
      locale: pledge.locale,
      props: {
        campaign: snapshotFor(campaign, pledge.locale),
        amount: pledge.amount,
        tierTitle,
        shipping: pledge.shipping_amount,
        fundingModel: campaign.fundingModel,
        pledgeUrl: filledAtDelivery,
      },
      campaignId: pledge.campaign_id,
      pledgeId: pledge.id,
    },
    now,
  );
}

export async function queuePaymentReceipt(db: Db, pledgeId: string, now: Date): Promise<void> {
  const { pledge } = await pledgeWithTier(db, pledgeId);
  const campaign = await campaignForEmails(db, pledge.campaign_id, now);
  await queueEmail(
    db,
    {
      kind: "payment_collected",
      dedupeKey: `payment-collected:${pledge.id}`,
      to: pledge.backer_email,
      name: pledge.backer_name,
      locale: pledge.locale,
      props: {
        campaign: snapshotFor(campaign, pledge.locale),
        amount: pledge.amount,
        collectedAt: pledge.collected_at ?? now.toISOString(),
        reference: pledge.payment_intent_id ?? pledge.id,
        pledgeUrl: filledAtDelivery,
      },
      campaignId: pledge.campaign_id,
      pledgeId: pledge.id,
    },
    now,
  );
}

export async function queueRefundNotice(
  db: Db,
  pledgeId: string,
  refunded: number,
  now: Date,
): Promise<void> {
  const { pledge } = await pledgeWithTier(db, pledgeId);
  const campaign = await campaignForEmails(db, pledge.campaign_id, now);
  await queueEmail(
    db,
    {
      kind: "refund_issued",
      // One email per refund: the cumulative amount refunded identifies it.
      dedupeKey: `refund:${pledge.id}:${pledge.refunded_amount}`,
      to: pledge.backer_email,
      name: pledge.backer_name,
      locale: pledge.locale,
      props: {
        campaign: snapshotFor(campaign, pledge.locale),
        refunded,
        totalRefunded: pledge.refunded_amount,
        pledgeAmount: pledge.amount,
      },
      campaignId: pledge.campaign_id,
      pledgeId: pledge.id,
    },
    now,
  );
}

/** One per charge attempt that failed: the dedupe key carries the attempt number. */
export async function queuePaymentFailedNotice(db: Db, pledge: Pledge, now: Date): Promise<void> {
  const campaign = await campaignForEmails(db, pledge.campaign_id, now);
  const failedAt = new Date(pledge.payment_failed_at ?? now.toISOString());
  await queueEmail(
    db,
    {
      kind: "payment_failed",
      dedupeKey: `payment-failed:${pledge.id}:${pledge.charge_attempts}`,
      to: pledge.backer_email,
      name: pledge.backer_name,
      locale: pledge.locale,
      props: {
        campaign: snapshotFor(campaign, pledge.locale),
        amount: pledge.amount - pledge.refunded_amount,
        pledgeUrl: filledAtDelivery,
        dropAt: new Date(failedAt.getTime() + 7 * 86_400_000).toISOString(),
      },
      campaignId: pledge.campaign_id,
      pledgeId: pledge.id,
    },
    now,
  );
}

/**
 * A checkout that completed too late to count (its pledge had expired, then the campaign closed or
 * the reward sold out): the backer is told why and what became of the money, once per pledge.
 */
export async function queueLateCheckoutNotice(
  db: Db,
  pledge: Pledge,
  why: { reason: "campaign_closed" | "sold_out"; payment: "released" | "refunded" | "card_not_kept" },
  now: Date,
): Promise<void> {
  const campaign = await campaignForEmails(db, pledge.campaign_id, now);
  await queueEmail(
    db,
    {
      kind: "late_checkout_refused",
      dedupeKey: `late-checkout:${pledge.id}`,
      to: pledge.backer_email,
      name: pledge.backer_name,
      locale: pledge.locale,
      props: { campaign: snapshotFor(campaign, pledge.locale), amount: pledge.amount, ...why },
      campaignId: pledge.campaign_id,
      pledgeId: pledge.id,
    },
    now,
  );
}

/**
 * The backer changed their pledge's amount or reward: what it is now, with the private link. One
 * email per change: the key names the change (when, from what, to what), so a retried transaction
 * queues it once and a later change gets its own.
 */
export async function queuePledgeChangeNotice(
  db: Db,
  pledgeId: string,
  previous: { amount: number; tierId: string | null },
  now: Date,
  known: { campaign?: CampaignForEmails } = {},
): Promise<void> {
  const { pledge, tierTitle } = await pledgeWithTier(db, pledgeId);
  const campaign = known.campaign ?? (await campaignForEmails(db, pledge.campaign_id, now));
  await queueEmail(
    db,
    {
      kind: "pledge_changed",
      dedupeKey: `pledge-changed:${pledge.id}:${now.toISOString()}:${previous.amount}-${previous.tierId ?? ""}:${pledge.amount}-${pledge.tier_id ?? ""}`,
      to: pledge.backer_email,
      name: pledge.backer_name,
      locale: pledge.locale,
      props: {
        campaign: snapshotFor(campaign, pledge.locale),
        amount: pledge.amount,
        previousAmount: previous.amount,
        tierTitle,
        pledgeUrl: filledAtDelivery,
      },
      campaignId: pledge.campaign_id,
      pledgeId: pledge.id,
    },
    now,
  );
}

/** The backer canceled their pledge: a pledge is canceled once, so is this email. */
export async function queuePledgeCancelNotice(
  db: Db,
  pledgeId: string,
  now: Date,
  known: { campaign?: CampaignForEmails } = {},
): Promise<void> {
  const { pledge } = await pledgeWithTier(db, pledgeId);
  const campaign = known.campaign ?? (await campaignForEmails(db, pledge.campaign_id, now));
  await queueEmail(
    db,
    {
      kind: "pledge_canceled",
      dedupeKey: `pledge-canceled:${pledge.id}`,
      to: pledge.backer_email,
      name: pledge.backer_name,
      locale: pledge.locale,
      props: {
        campaign: snapshotFor(campaign, pledge.locale),
        amount: pledge.amount,
        pledgeUrl: filledAtDelivery,
      },
      campaignId: pledge.campaign_id,
      pledgeId: pledge.id,
    },
    now,
  );
}
