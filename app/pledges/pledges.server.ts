// The pledge state machine: pending → committed → collected, or expired / canceled / refunded.
// Each transition is one function and one transaction that also moves the campaign's running
// totals and the tier's stock, and is safe to call twice (webhooks are delivered more than once).
import { randomUUID } from "node:crypto";
import { sql } from "kysely";
import type { CancelReason, FundingModel, GatewayName, LateRelease, Pledge } from "#db/schema.ts";
import { PledgeError, RefundError } from "~/lib/errors";
import { inTransaction, isUniqueViolation, type Db } from "~/lib/db.server";
import { campaignProgressChanged } from "~/lib/progress-changes.server";
import { MINUTE } from "~/lib/time";
import { recordPledgeOrigin } from "~/auth/rate-limit.server";
import {
  mayReachMilestone,
  milestoneColumns,
  recordMilestones,
  type MilestoneRow,
} from "~/notifications/milestones.server";
import {
  campaignEmailColumns,
  campaignEmailRowOf,
  campaignForEmailsFrom,
  pledgeCampaignEmailColumns,
  type CampaignEmailRow,
  type CampaignForEmails,
} from "~/notifications/snapshot.server";
import { recordCollection, recordRefundInLedger, simulatedStripeFee } from "~/ledger/ledger.server";
import {
  queueLateCheckoutNotice,
  queuePaymentFailedNotice,
  queuePaymentReceipt,
  pledgeWithTierColumns,
  queuePledgeCancelNotice,
  queuePledgeChangeNotice,
  queuePledgeConfirmation,
  queueRefundNotice,
} from "~/notifications/pledge-emails.server";
import { isChargeableAmount, maximumPledge, minimumPledge } from "~/lib/currencies";
import type { PledgeDelivery } from "~/pledges/pledge-form";
import { shippingCostsOf, shippingFor, type ShippingCosts } from "~/lib/shipping";

/** How long a started checkout holds a unit of a limited tier before it is released. */
export const CHECKOUT_HOLD = 35 * MINUTE;
/** Stripe's shortest Checkout Session life (30 min) plus a margin: it expires before our hold does. */
export const GATEWAY_SESSION_LIFE = 31 * MINUTE;

export interface PledgeRequest {
  campaignId: string;
  tierId: string | null;
  amount: number;
  backerName: string;
  backerEmail: string;
  comment: string | null;
  anonymous: boolean;
  locale: string;
  /** The form's one-time key (a double click sends it twice). */
  submissionKey: string;
  gateway: GatewayName;
  /** Where the form came from, noted with the pledge (the hold limits count by it). */
  clientIp?: string;
  /** A reward sent by post: the address, or that the backer picks it up. Ignored for other rewards. */
  delivery?: PledgeDelivery | null;
}

/** A pledge's delivery as its columns: all null when nothing is sent. */
export function deliveryColumns(delivery: PledgeDelivery | null) {
  const post = delivery?.method === "post" ? delivery : null;
  return {
    delivery_method: delivery?.method ?? null,
    ship_name: post?.name ?? null,
    ship_line1: post?.line1 ?? null,
    ship_line2: post?.line2 ?? null,
    ship_postal_code: post?.postalCode ?? null,
    ship_city: post?.city ?? null,
    ship_country: post?.country ?? null,
  };
}

/** What the pledge's checks read of its reward: whether and where it is sent, and for how much. */
export interface TierDelivery extends ShippingCosts {
  shippingRequired: boolean;
  pickupPlace: string | null;
}

/**
 * What sending the reward costs (docs/decisions/036): its zone's cost when sent by post, 0 when
 * picked up or nothing is sent; a zone the reward is not sent to is refused at the country.
 */
export function shippingAmountFor(tier: TierDelivery, delivery: PledgeDelivery | null): number {
  if (!tier.shippingRequired || delivery?.method !== "post") return 0;
  const cost = shippingFor(tier, delivery.country);
  if (cost === null)
    throw new PledgeError("zone_not_shipped", `This reward is not sent to ${delivery.country}`);
  return cost;
}

/** The delivery a reward takes: none unless sent by post; by post needs an address, pick-up a place. */
function checkDelivery(
  tier: TierDelivery,
  delivery: PledgeDelivery | null | undefined,
): { delivery: PledgeDelivery | null; shipping: number } {
  if (!tier.shippingRequired) return { delivery: null, shipping: 0 };
  if (!delivery) throw new PledgeError("address_required", "This reward is sent by post: where to?");
  if (delivery.method === "pickup" && !tier.pickupPlace)
    throw new PledgeError("pickup_unavailable", "This reward cannot be picked up");
  return { delivery, shipping: shippingAmountFor(tier, delivery) };
}

const iso = (date: Date) => date.toISOString();

/** A pledge's address as a delivery by post (its country given apart). */
function postalDeliveryOf(pledge: Pledge) {
  return {
    method: "post" as const,
    name: pledge.ship_name ?? "",
    line1: pledge.ship_line1 ?? "",
    line2: pledge.ship_line2,
    postalCode: pledge.ship_postal_code ?? "",
    city: pledge.ship_city ?? "",
  };
}

/**
 * The one place a campaign's totals move. One statement on the campaign's row — on PostgreSQL the
 * hot row a popular campaign's pledges queue on, so callers take it last in their transaction —
 * which returns the campaign as its emails state it (the new totals, read under the lock) and what
 * the milestone check needs: a rising total looks for milestones only when one may be crossed.
 */
export async function adjustTotals(
  db: Db,
  campaignId: string,
  amount: number,
  backers: number,
  now: Date,
): Promise<CampaignForEmails | null> {
  if (amount === 0 && backers === 0) return null;
  const row = await db
    .updateTable("campaigns")
    .set((eb) => ({
      pledged_amount: eb("pledged_amount", "+", amount),
      backer_count: eb("backer_count", "+", backers),
      updated_at: iso(now),
    }))
    .where("id", "=", campaignId)
    .returning([...campaignEmailColumns(), ...milestoneColumns()])
    .executeTakeFirst();
  if (!row) return null;
  campaignProgressChanged(db, campaignId); // the live pages hear of it once it is committed
  const campaign = campaignForEmailsFrom(row as unknown as CampaignEmailRow, now);
  const totals = row as unknown as MilestoneRow;
  // A rising total may cross a milestone: its emails are queued in this same transaction.
  if (amount > 0 && mayReachMilestone(totals))
    await recordMilestones(db, campaignId, now, { campaign, totals });
  return campaign;
}

/** Takes one unit of a tier, atomically: false when none is left. */
async function claimTierUnit(db: Db, tierId: string): Promise<boolean> {
  const result = await db
    .updateTable("reward_tiers")
    .set((eb) => ({ claimed_count: eb("claimed_count", "+", 1) }))
    .where("id", "=", tierId)
    .where((eb) => eb.or([eb("stock_limit", "is", null), eb("claimed_count", "<", eb.ref("stock_limit"))]))
    .executeTakeFirst();
  return result.numUpdatedRows === 1n;
}

/** Gives back the unit a pledge holds, once: the pledge's holds_stock flag is the guard. */
async function releaseTierUnit(db: Db, pledge: Pick<Pledge, "id" | "tier_id">): Promise<void> {
  if (!pledge.tier_id) return;
  const released = await db
    .updateTable("pledges")
    .set({ holds_stock: 0 })
    .where("id", "=", pledge.id)
    .where("holds_stock", "=", 1)
    .executeTakeFirst();
  if (released.numUpdatedRows !== 1n) return;
  await db
    .updateTable("reward_tiers")
    .set((eb) => ({ claimed_count: eb("claimed_count", "-", 1) }))
    .where("id", "=", pledge.tier_id)
    .execute();
}

/** The money taken, in the ledger; the simulated gateway's fee is known at once (1.5 % + 0.25 €). */
async function recordInLedger(db: Db, pledge: Pledge, now: Date): Promise<void> {
  const amount = pledge.amount - pledge.refunded_amount;
  await recordCollection(
    db,
    {
      pledgeId: pledge.id,
      campaignId: pledge.campaign_id,
      amount,
      currency: pledge.currency,
      stripeFee: pledge.gateway === "simulated" ? simulatedStripeFee(amount) : null,
    },
    now,
  );
}

/** A counted pledge leaves the totals (for what was left of it) and gives its reward back. */
async function stopCounting(db: Db, pledge: Pledge, now: Date): Promise<CampaignForEmails | null> {
  const campaign = await adjustTotals(
    db,
    pledge.campaign_id,
    -(pledge.amount - pledge.refunded_amount),
    -1,
    now,
  );
  await releaseTierUnit(db, pledge);
  return campaign;
}

/** Moves a pledge from one of `from` to `to`, atomically; false when it was not in `from`. */
async function transition(
  db: Db,
  pledgeId: string,
  from: Pledge["status"][],
  to: Pledge["status"],
  extra: Partial<Omit<Pledge, "id" | "created_at" | "refunded_amount" | "refund_reserved" | "holds_stock">>,
  now: Date,
): Promise<boolean> {
  const result = await db
    .updateTable("pledges")
    .set({ ...extra, status: to, updated_at: iso(now) })
    .where("id", "=", pledgeId)
    .where("status", "in", from)
    .executeTakeFirst();
  return result.numUpdatedRows === 1n;
}

/**
 * The amount fits: one Stripe can charge in the campaign's currency (docs/decisions/022), at most the
 * currency's maximum, at least its minimum and the reward's (a reward of this campaign).
 */
function checkAmountForTier(
  campaign: { id: string; currency: string },
  tierId: string | null,
  /** The tier's minimum when it is a reward of this campaign, else undefined. */
  tierMinimum: number | undefined,
  amount: number,
): void {
  if (!isChargeableAmount(amount, campaign.currency))
    throw new PledgeError("amount_not_chargeable", `Not an amount Stripe charges in ${campaign.currency}`);
  if (amount > maximumPledge(campaign.currency))
    throw new PledgeError("amount_too_large", "Amount too large");
  const currencyMinimum = minimumPledge(campaign.currency);
  if (amount < currencyMinimum) throw new PledgeError("amount_below_minimum", `At least ${currencyMinimum}`);
  let minimum = currencyMinimum;
  if (tierId) {
    if (tierMinimum === undefined)
      throw new PledgeError("tier_not_found", "No such reward for this campaign");
    minimum = Math.max(minimum, tierMinimum);
  }
  if (amount < minimum) throw new PledgeError("amount_below_minimum", `At least ${minimum}`);
}

export async function getPledge(db: Db, pledgeId: string): Promise<Pledge | undefined> {
  return db.selectFrom("pledges").selectAll().where("id", "=", pledgeId).executeTakeFirst();
}

async function requirePledge(db: Db, pledgeId: string): Promise<Pledge> {
  const pledge = await getPledge(db, pledgeId);
  if (!pledge) throw new PledgeError("pledge_not_found", `No pledge ${pledgeId}`);
  return pledge;
}

/** The campaign, whether it takes pledges, and (in the same statement) the minimum of a tier of its own. */
async function campaignAcceptsPledges(db: Db, campaignId: string, now: Date, tierId: string | null = null) {
  const row = await db
    .selectFrom("campaigns")
    .leftJoin("reward_tiers", (join) =>
      join
        .onRef("reward_tiers.campaign_id", "=", "campaigns.id")
        // No tier: a condition no row meets, so the join adds nothing.
        .on("reward_tiers.id", "=", tierId ?? ""),
    )
    .select([
      "campaigns.id",
      "campaigns.status",
      "campaigns.deadline_at",
      "campaigns.currency",
      "campaigns.funding_model",
      "reward_tiers.min_amount",
      "reward_tiers.shipping_required",
      "reward_tiers.pickup_place",
      "reward_tiers.shipping_fr",
      "reward_tiers.shipping_eu",
      "reward_tiers.shipping_world",
    ])
    .where("campaigns.id", "=", campaignId)
    .executeTakeFirst();
  if (!row) throw new PledgeError("campaign_not_found", "No such campaign");
  const {
    min_amount,
    shipping_required,
    pickup_place,
    shipping_fr,
    shipping_eu,
    shipping_world,
    ...campaign
  } = row;
  const open = campaign.status === "live" && campaign.deadline_at !== null && campaign.deadline_at > iso(now);
  return {
    campaign,
    open,
    tierMinimum: min_amount ?? undefined,
    tierDelivery: {
      shippingRequired: shipping_required === 1,
      pickupPlace: pickup_place ?? null,
      ...shippingCostsOf({ shipping_fr, shipping_eu, shipping_world }),
    } satisfies TierDelivery,
  };
}

/**
 * The pledge a form with this submission key already made (a double click, a reload after an
 * interruption), if any. A key already used for another campaign is refused: it is not this form.
 */
export async function findRepeatedPledge(
  db: Db,
  campaignId: string,
  submissionKey: string,
): Promise<Pledge | undefined> {
  const existing = await db
    .selectFrom("pledges")
    .selectAll()
    .where("submission_key", "=", submissionKey)
    .executeTakeFirst();
  if (existing && existing.campaign_id !== campaignId)
    throw new PledgeError("submission_reused", "This form's key belongs to another pledge");
  return existing;
}

/**
 * Starts a pledge: checks the campaign is open and the amount fits the tier, reserves a unit of a
 * limited tier, and writes the pending pledge — all in one transaction. The same submission key
 * returns the pledge it already made.
 */
export async function startPledge(db: Db, request: PledgeRequest, now: Date): Promise<Pledge> {
  // In a transaction of its own, a repeat is found by the insert's unique key (its transaction
  // rolls back, and the catch below returns the first pledge): no read ahead of every new pledge.
  // Inside the caller's transaction a failed insert would end that transaction, so look first.
  if (db.isTransaction) {
    const existing = await findRepeatedPledge(db, request.campaignId, request.submissionKey);
    if (existing) return existing;
  }
  try {
    return await inTransaction(db, async (trx) => {
      const { campaign, open, tierMinimum, tierDelivery } = await campaignAcceptsPledges(
        trx,
        request.campaignId,
        now,
        request.tierId,
      );
      if (!open) throw new PledgeError("campaign_closed", "This campaign no longer takes pledges");
      checkAmountForTier(campaign, request.tierId, tierMinimum, request.amount);
      const { delivery, shipping } = checkDelivery(tierDelivery, request.delivery);
      // What is charged: the contribution and the reward's shipping (docs/decisions/036).
      const charged = request.amount + shipping;
      if (charged > maximumPledge(campaign.currency))
        throw new PledgeError("amount_too_large", "Amount and shipping too large");
      const pledge: Pledge = {
        id: randomUUID(),
        campaign_id: campaign.id,
        tier_id: request.tierId,
        user_id: null,
        backer_name: request.backerName,
        backer_email: request.backerEmail,
        amount: charged,
        shipping_amount: shipping,
        currency: campaign.currency,
        status: "pending",
        anonymous: request.anonymous ? 1 : 0,
        comment: request.comment,
        locale: request.locale,
        created_at: iso(now),
        committed_at: null,
        updated_at: iso(now),
        gateway: request.gateway,
        checkout_session_id: null,
        checkout_url: null,
        checkout_expires_at: iso(new Date(now.getTime() + CHECKOUT_HOLD)),
        stripe_customer_id: null,
        setup_intent_id: null,
        payment_method_id: null,
        payment_intent_id: null,
        submission_key: request.submissionKey,
        last_payment_error: null,
        cancel_reason: null,
        canceled_at: null,
        collected_at: null,
        refunded_amount: 0,
        refund_reserved: 0,
        holds_stock: request.tierId ? 1 : 0,
        charge_attempts: 0,
        charge_claimed_by: null,
        charge_claimed_at: null,
        payment_failed_at: null,
        retry_requested: 0,
        charge_id: null,
        funds_available_at: null,
        late_release: null,
        late_released_at: null,
        payment_processing_at: null,
        ...deliveryColumns(delivery),
      };
      await trx.insertInto("pledges").values(pledge).execute();
      if (request.clientIp) await recordPledgeOrigin(trx, pledge.id, request.clientIp, now);
      // The reward's row last: a popular limited tier is a hot row, its lock held only to the commit.
      // No unit left: the throw rolls the pledge back.
      if (request.tierId && !(await claimTierUnit(trx, request.tierId))) {
        throw new PledgeError("sold_out", "This reward has just sold out");
      }
      // Every column is written above: the row is what was inserted, no need to read it back.
      return pledge;
    });
  } catch (error) {
    // Two identical submissions at the same instant: the second finds the first's pledge, whether
    // its insert hit the key or the first took the reward's last unit (a double click on it).
    if (isUniqueViolation(error) || error instanceof PledgeError) {
      const first = await findRepeatedPledge(db, request.campaignId, request.submissionKey);
      if (first) return first;
    }
    throw error;
  }
}

/** Records where the backer pays: the gateway's checkout session. */
export async function attachCheckout(
  db: Db,
  pledgeId: string,
  checkout: { sessionId: string; url: string; customerId?: string | null },
  now: Date,
): Promise<void> {
  await db
    .updateTable("pledges")
    .set({
      checkout_session_id: checkout.sessionId,
      checkout_url: checkout.url,
      stripe_customer_id: checkout.customerId ?? null,
      updated_at: iso(now),
    })
    .where("id", "=", pledgeId)
    .execute();
}

export interface PaymentRefs {
  customerId?: string | null;
  setupIntentId?: string | null;
  paymentMethodId?: string | null;
  paymentIntentId?: string | null;
}

function refsToColumns(refs: PaymentRefs) {
  return {
    ...(refs.customerId ? { stripe_customer_id: refs.customerId } : {}),
    ...(refs.setupIntentId ? { setup_intent_id: refs.setupIntentId } : {}),
    ...(refs.paymentMethodId ? { payment_method_id: refs.paymentMethodId } : {}),
    ...(refs.paymentIntentId ? { payment_intent_id: refs.paymentIntentId } : {}),
  };
}

export type CommitOutcome = "committed" | "already" | "too_late" | "not_pending" | "late_refused";

export interface CommitOptions {
  /** The checkout took the money at once (Stripe's `payment_status: "paid"`): a refusal refunds it. */
  paid?: boolean;
}

/** Expired before its checkout's completion was known: by the hold's sweep, or pending at the close. */
const LATE_REASONS: CancelReason[] = ["abandoned", "after_deadline"];

/**
 * The backer's card is saved (all-or-nothing) or the payment authorised (flexible): the pledge
 * counts toward the total. A checkout that finishes after the deadline is not counted and its
 * stock is released; nothing will ever charge it.
 *
 * A completion whose news comes after the pledge expired (Stripe retries a webhook for up to three
 * days) is reconciled: counted if the campaign still takes pledges and the reward has a unit left,
 * claimed under the same guard as a new pledge; otherwise the payment is released or refunded and
 * the backer told why (see docs/decisions/023-late-checkout-events.md).
 */
export async function commitPledge(
  db: Db,
  pledgeId: string,
  refs: PaymentRefs,
  now: Date,
  options: CommitOptions = {},
): Promise<CommitOutcome> {
  return inTransaction(db, async (trx) => {
    const columns = refsToColumns(refs);
    // Nearly every completion: a pending pledge of a campaign that still takes pledges, committed in
    // one guarded statement that also returns what its confirmation states (its reward, the
    // campaign); the confirmation is queued; the campaign's totals row, hot on a popular campaign,
    // is taken last, so that its lock is held for one statement and the commit.
    const committed = await trx
      .updateTable("pledges")
      .set({ ...columns, committed_at: iso(now), status: "committed", updated_at: iso(now) })
      .where("id", "=", pledgeId)
      .where("status", "=", "pending")
      .where(({ exists, selectFrom }) =>
        exists(
          selectFrom("campaigns")
            .select("campaigns.id")
            .whereRef("campaigns.id", "=", "pledges.campaign_id")
            .where("campaigns.status", "=", "live")
            .where("campaigns.deadline_at", ">", iso(now)),
        ),
      )
      .returningAll()
      .returning(pledgeWithTierColumns())
      .returning(pledgeCampaignEmailColumns())
      .executeTakeFirst();
    if (committed) {
      const seen = campaignEmailRowOf(committed);
      // The totals as this pledge found them, with itself: what the backer reads in the email.
      const campaign = campaignForEmailsFrom(
        {
          ...seen,
          pledged_amount: seen.pledged_amount + committed.amount,
          backer_count: seen.backer_count + 1,
        },
        now,
      );
      await queuePledgeConfirmation(trx, pledgeId, now, { pledge: committed, campaign });
      await adjustTotals(trx, committed.campaign_id, committed.amount, 1, now);
      return "committed";
    }
    // Anything else (already counted, expired, the campaign closed, a race) is decided on the row.
    const pledge = await requirePledge(trx, pledgeId);
    if (pledge.status === "expired" && pledge.cancel_reason && LATE_REASONS.includes(pledge.cancel_reason)) {
      return reconcileLateCompletion(trx, pledge, refs, options, now);
    }
    if (pledge.status !== "pending") {
      // A later event may bring references an earlier one lacked (the saved card, say).
      if (
        Object.keys(columns).length &&
        ["committed", "collected", "payment_failed"].includes(pledge.status)
      ) {
        await trx.updateTable("pledges").set(columns).where("id", "=", pledgeId).execute();
        return "already";
      }
      return ["committed", "collected", "payment_failed"].includes(pledge.status) ? "already" : "not_pending";
    }
    const { campaign, open } = await campaignAcceptsPledges(trx, pledge.campaign_id, now);
    if (!open) {
      if (
        await refuseLateCompletion(
          trx,
          pledge,
          ["pending"],
          { columns, reason: "campaign_closed", fundingModel: campaign.funding_model, paid: options.paid },
          now,
        )
      ) {
        return "too_late";
      }
      return commitPledge(trx, pledgeId, refs, now, options);
    }
    if (
      !(await transition(
        trx,
        pledgeId,
        ["pending"],
        "committed",
        { ...columns, committed_at: iso(now) },
        now,
      ))
    ) {
      // Another event committed it a moment ago; keep what this one knows.
      if (Object.keys(columns).length) {
        await trx.updateTable("pledges").set(columns).where("id", "=", pledgeId).execute();
      }
      return "already";
    }
    const totals = await adjustTotals(trx, pledge.campaign_id, pledge.amount, 1, now);
    await queuePledgeConfirmation(trx, pledgeId, now, { campaign: totals ?? undefined });
    return "committed";
  });
}

/**
 * The completion of a checkout whose pledge had already expired. The pledge's row is locked first
 * (a guarded no-op update), so of two late events at once the second waits and finds it decided.
 */
async function reconcileLateCompletion(
  trx: Db,
  pledge: Pledge,
  refs: PaymentRefs,
  options: CommitOptions,
  now: Date,
): Promise<CommitOutcome> {
  const columns = refsToColumns(refs);
  const locked = await trx
    .updateTable("pledges")
    .set((eb) => ({ updated_at: eb.ref("updated_at") }))
    .where("id", "=", pledge.id)
    .where("status", "=", "expired")
    .where("cancel_reason", "in", LATE_REASONS)
    .executeTakeFirst();
  // Decided by another event meanwhile: counted (keep what this one knows), or refused.
  if (locked.numUpdatedRows !== 1n) return commitPledge(trx, pledge.id, refs, now, options);

  const { campaign, open } = await campaignAcceptsPledges(trx, pledge.campaign_id, now);
  // The same guarded claim as a new pledge's: a unit taken meanwhile by someone else is not oversold.
  const unit = open && (!pledge.tier_id || (await claimTierUnit(trx, pledge.tier_id)));
  if (!unit) {
    await refuseLateCompletion(
      trx,
      pledge,
      ["expired"],
      {
        columns,
        reason: open ? "sold_out" : "campaign_closed",
        fundingModel: campaign.funding_model,
        paid: options.paid,
      },
      now,
    );
    return "late_refused";
  }
  await trx
    .updateTable("pledges")
    .set({
      ...columns,
      status: "committed",
      committed_at: iso(now),
      cancel_reason: null,
      canceled_at: null,
      holds_stock: pledge.tier_id ? 1 : 0,
      updated_at: iso(now),
    })
    .where("id", "=", pledge.id)
    .where("status", "=", "expired")
    .execute();
  await adjustTotals(trx, pledge.campaign_id, pledge.amount, 1, now);
  await queuePledgeConfirmation(trx, pledge.id, now);
  return "committed";
}

/**
 * A completion that cannot count: the pledge is expired for that reason, its unit (if it still held
 * one) goes back, what the gateway must undo is written down before anyone asks it (a flexible
 * authorisation cancelled, or a payment already taken refunded; a saved card is simply not used),
 * and the backer is told why. False when the pledge was no longer in `from`.
 */
async function refuseLateCompletion(
  trx: Db,
  pledge: Pledge,
  from: Pledge["status"][],
  late: {
    columns: ReturnType<typeof refsToColumns>;
    reason: "campaign_closed" | "sold_out";
    fundingModel: FundingModel;
    paid?: boolean;
  },
  now: Date,
): Promise<boolean> {
  const paymentIntentId = late.columns.payment_intent_id ?? pledge.payment_intent_id;
  const release: LateRelease | null =
    late.fundingModel === "flexible" && paymentIntentId
      ? late.paid
        ? "refund"
        : "cancel_authorisation"
      : null;
  const moved = await trx
    .updateTable("pledges")
    .set({
      ...late.columns,
      status: "expired",
      cancel_reason: late.reason === "sold_out" ? "late_sold_out" : "late_campaign_closed",
      canceled_at: iso(now),
      late_release: release,
      late_released_at: null,
      updated_at: iso(now),
    })
    .where("id", "=", pledge.id)
    .where("status", "in", from)
    .executeTakeFirst();
  if (moved.numUpdatedRows !== 1n) return false;
  await releaseTierUnit(trx, pledge);
  await queueLateCheckoutNotice(
    trx,
    pledge,
    {
      reason: late.reason,
      payment: release === "refund" ? "refunded" : release ? "released" : "card_not_kept",
    },
    now,
  );
  return true;
}

/** The gateway confirmed the release a refused late completion asked for: done, once. */
export async function markLatePaymentReleased(db: Db, pledgeId: string, now: Date): Promise<void> {
  await db
    .updateTable("pledges")
    .set({ late_released_at: iso(now), updated_at: iso(now) })
    .where("id", "=", pledgeId)
    .where("late_release", "is not", null)
    .where("late_released_at", "is", null)
    .execute();
}

/**
 * Money was taken. From committed nothing changes in the totals; straight from pending (a payment
 * event that overtook the checkout's completion) the pledge starts counting now.
 */
export async function collectPledge(
  db: Db,
  pledgeId: string,
  refs: PaymentRefs,
  now: Date,
): Promise<"collected" | "already" | "not_collectable"> {
  return inTransaction(db, async (trx) => {
    const pledge = await requirePledge(trx, pledgeId);
    const columns = {
      ...refsToColumns(refs),
      collected_at: iso(now),
      last_payment_error: null,
      payment_processing_at: null,
    };
    if (await transition(trx, pledgeId, ["committed", "payment_failed"], "collected", columns, now)) {
      await recordInLedger(trx, pledge, now);
      await queuePaymentReceipt(trx, pledgeId, now);
      return "collected";
    }
    if (
      await transition(trx, pledgeId, ["pending"], "collected", { ...columns, committed_at: iso(now) }, now)
    ) {
      await adjustTotals(trx, pledge.campaign_id, pledge.amount - pledge.refunded_amount, 1, now);
      await recordInLedger(trx, pledge, now);
      await queuePaymentReceipt(trx, pledgeId, now);
      return "collected";
    }
    return pledge.status === "collected" ? "already" : "not_collectable";
  });
}

/** A checkout that was never finished (timed out, or left by the backer): stock goes back. */
export async function expirePledge(
  db: Db,
  pledgeId: string,
  reason: CancelReason,
  now: Date,
): Promise<boolean> {
  return inTransaction(db, async (trx) => {
    const pledge = await requirePledge(trx, pledgeId);
    if (
      !(await transition(
        trx,
        pledgeId,
        ["pending"],
        "expired",
        { cancel_reason: reason, canceled_at: iso(now) },
        now,
      ))
    ) {
      return false;
    }
    await releaseTierUnit(trx, pledge);
    return true;
  });
}

/** The backer withdraws before the deadline (or a payment failed for good): it stops counting. */
export async function cancelPledge(
  db: Db,
  pledgeId: string,
  reason: CancelReason,
  now: Date,
): Promise<boolean> {
  return inTransaction(db, async (trx) => {
    const pledge = await requirePledge(trx, pledgeId);
    if (
      await transition(
        trx,
        pledgeId,
        ["pending"],
        "canceled",
        { cancel_reason: reason, canceled_at: iso(now) },
        now,
      )
    ) {
      await releaseTierUnit(trx, pledge);
      return true;
    }
    // A debit on its way cannot be called back: it succeeds (and may be refunded) or fails.
    if (pledge.payment_processing_at) return false;
    if (
      await transition(
        trx,
        pledgeId,
        ["committed"],
        "canceled",
        { cancel_reason: reason, canceled_at: iso(now) },
        now,
      )
    ) {
      const campaign = await stopCounting(trx, pledge, now);
      // The backer is told their committed pledge is withdrawn; a campaign that closes says so itself.
      if (reason === "backer")
        await queuePledgeCancelNotice(trx, pledgeId, now, { campaign: campaign ?? undefined });
      return true;
    }
    return false;
  });
}

/**
 * The charge went out on a payment method that settles later (SEPA Direct Debit): the pledge keeps
 * counting, shown as "payment in progress"; nothing is charged again, the backer is not told it
 * failed, and the 7-day drop clock does not run. Collected or failed pledges are left alone (a
 * settlement event that overtook this one already decided). True when the pledge is now processing.
 */
export async function markPaymentProcessing(
  db: Db,
  pledgeId: string,
  refs: PaymentRefs,
  now: Date,
): Promise<boolean> {
  const result = await db
    .updateTable("pledges")
    .set({ ...refsToColumns(refs), payment_processing_at: iso(now), updated_at: iso(now) })
    .where("id", "=", pledgeId)
    .where("status", "in", ["committed", "payment_failed"])
    .where("payment_processing_at", "is", null)
    .executeTakeFirst();
  return result.numUpdatedRows === 1n;
}

/**
 * A charge failed (declined, or the bank wants the backer to authenticate): the pledge still counts
 * while the backer fixes it, and they are emailed a link to do so, once per attempt.
 */
export async function recordPaymentFailure(
  db: Db,
  pledgeId: string,
  message: string,
  now: Date,
): Promise<void> {
  await inTransaction(db, async (trx) => {
    // A debit that was processing has now failed: only now is the backer told (and the clock starts).
    await trx
      .updateTable("pledges")
      .set({ last_payment_error: message.slice(0, 500), payment_processing_at: null, updated_at: iso(now) })
      .where("id", "=", pledgeId)
      .where("status", "in", ["committed", "payment_failed"])
      .execute();
    await transition(trx, pledgeId, ["committed"], "payment_failed", { payment_failed_at: iso(now) }, now);
    const pledge = await requirePledge(trx, pledgeId);
    if (pledge.status === "payment_failed") await queuePaymentFailedNotice(trx, pledge, now);
  });
}

/** Still unpaid after the grace period: the pledge stops counting and its reward goes back. */
export async function dropPledge(db: Db, pledgeId: string, now: Date): Promise<boolean> {
  return inTransaction(db, async (trx) => {
    const pledge = await requirePledge(trx, pledgeId);
    if (!(await transition(trx, pledgeId, ["payment_failed"], "dropped", { canceled_at: iso(now) }, now)))
      return false;
    await stopCounting(trx, pledge, now);
    return true;
  });
}

/**
 * A refund went through (ours, answered by the gateway; or one made elsewhere and reported): the
 * pledge counts for what is left; once all of it is refunded it is `refunded`, stops counting as a
 * backer and gives its stock back. The ledger posting is keyed by the refund row, so it is made once.
 * `reserved`: the amount was reserved on the pledge by `reserveRefund` and now moves to refunded.
 */
export async function applySucceededRefund(
  trx: Db,
  refund: { id: string; pledgeId: string; amount: number; reserved: boolean },
  now: Date,
): Promise<void> {
  const before = await requirePledge(trx, refund.pledgeId);
  const moved = await trx
    .updateTable("pledges")
    .set((eb) => ({
      refunded_amount: eb("refunded_amount", "+", refund.amount),
      refund_reserved: refund.reserved
        ? eb("refund_reserved", "-", refund.amount)
        : eb.ref("refund_reserved"),
      updated_at: iso(now),
    }))
    .where("id", "=", refund.pledgeId)
    .where(sql<boolean>`refunded_amount + ${refund.amount} <= amount`)
    .executeTakeFirst();
  if (moved.numUpdatedRows !== 1n)
    throw new RefundError("refund_exceeds_pledge", `Refund ${refund.id} exceeds pledge ${refund.pledgeId}`);
  const pledge = await requirePledge(trx, refund.pledgeId);
  const counted = ["committed", "collected", "payment_failed"].includes(before.status);
  const full = pledge.refunded_amount === pledge.amount;
  if (full)
    await transition(trx, pledge.id, ["committed", "collected", "payment_failed"], "refunded", {}, now);
  if (counted) await adjustTotals(trx, pledge.campaign_id, -refund.amount, full ? -1 : 0, now);
  if (full) await releaseTierUnit(trx, pledge);
  if (before.status === "collected" || before.collected_at) {
    await recordRefundInLedger(
      trx,
      {
        refundId: refund.id,
        pledgeId: pledge.id,
        campaignId: pledge.campaign_id,
        amount: refund.amount,
        currency: pledge.currency,
      },
      now,
    );
  }
  await queueRefundNotice(trx, pledge.id, refund.amount, now);
}

/**
 * Stripe reports the cumulative amount refunded on a charge. What our own refunds account for
 * (succeeded, or reserved and on their way) changes nothing; only a refund made elsewhere (Stripe's
 * dashboard) is recorded, as a refund row of its own, for the part not yet known.
 */
export async function recordRefund(
  db: Db,
  pledgeId: string,
  amountRefunded: number,
  now: Date,
): Promise<void> {
  await inTransaction(db, async (trx) => {
    // A no-op update takes the pledge's row lock (SQLite: the write lock): reports and our own
    // refunds take turns, each seeing what the other recorded.
    await trx
      .updateTable("pledges")
      .set((eb) => ({ updated_at: eb.ref("updated_at") }))
      .where("id", "=", pledgeId)
      .execute();
    const pledge = await requirePledge(trx, pledgeId);
    const known = pledge.refunded_amount + pledge.refund_reserved;
    const delta = Math.min(amountRefunded, pledge.amount) - known;
    if (delta <= 0) return;
    const id = randomUUID();
    await trx
      .insertInto("refunds")
      .values({
        id,
        pledge_id: pledge.id,
        campaign_id: pledge.campaign_id,
        amount: delta,
        currency: pledge.currency,
        status: "succeeded",
        origin: "gateway",
        reason: null,
        actor_id: null,
        actor_email: null,
        gateway_refund_id: null,
        failure_message: null,
        created_at: iso(now),
        finished_at: iso(now),
      })
      .execute();
    await applySucceededRefund(trx, { id, pledgeId: pledge.id, amount: delta, reserved: false }, now);
  });
}

/**
 * The backer changes their reward or amount before the deadline. Only a saved card (all-or-nothing,
 * committed) can change freely: nothing has been charged yet.
 */
export async function changePledge(
  db: Db,
  pledgeId: string,
  change: { tierId: string | null; amount: number },
  now: Date,
): Promise<Pledge> {
  return inTransaction(db, async (trx) => {
    const pledge = await requirePledge(trx, pledgeId);
    const { campaign, open, tierMinimum, tierDelivery } = await campaignAcceptsPledges(
      trx,
      pledge.campaign_id,
      now,
      change.tierId,
    );
    // On the pledge's own page a closed campaign reads as what it means there: the pledge is locked.
    if (!open)
      throw new PledgeError("campaign_closed", "This campaign no longer takes changes", {
        messageKey: "pledgePage.locked",
      });
    if (pledge.status !== "committed" || campaign.funding_model !== "all_or_nothing") {
      throw new PledgeError("not_changeable", "This pledge can no longer be changed");
    }
    checkAmountForTier(campaign, change.tierId, tierMinimum, change.amount);
    // The new reward's shipping to the address already given (the contribution is what was typed).
    const shipping = shippingAmountFor(
      tierDelivery,
      pledge.delivery_method === "post" && pledge.ship_country
        ? { ...postalDeliveryOf(pledge), country: pledge.ship_country }
        : null,
    );
    const charged = change.amount + shipping;
    if (charged > maximumPledge(campaign.currency))
      throw new PledgeError("amount_too_large", "Amount and shipping too large");
    if (change.tierId !== pledge.tier_id) {
      if (change.tierId && !(await claimTierUnit(trx, change.tierId))) {
        throw new PledgeError("sold_out", "This reward has just sold out");
      }
      await releaseTierUnit(trx, pledge);
      await trx
        .updateTable("pledges")
        .set({ tier_id: change.tierId, holds_stock: change.tierId ? 1 : 0 })
        .where("id", "=", pledgeId)
        .execute();
    }
    const moved = await trx
      .updateTable("pledges")
      .set({ amount: charged, shipping_amount: shipping, updated_at: iso(now) })
      .where("id", "=", pledgeId)
      .where("status", "=", "committed")
      .where("amount", "=", pledge.amount)
      .executeTakeFirst();
    if (moved.numUpdatedRows !== 1n) throw new PledgeError("not_changeable", "This pledge changed meanwhile");
    const totals = await adjustTotals(trx, pledge.campaign_id, charged - pledge.amount, 0, now);
    if (charged !== pledge.amount || change.tierId !== pledge.tier_id) {
      await queuePledgeChangeNotice(trx, pledgeId, { amount: pledge.amount, tierId: pledge.tier_id }, now, {
        campaign: totals ?? undefined,
      });
    }
    return requirePledge(trx, pledgeId);
  });
}

/** Finds the pledge a gateway object is about: by our id in its metadata, else by its references. */
export async function findPledgeByRefs(
  db: Db,
  refs: {
    pledgeId?: string | null;
    checkoutSessionId?: string | null;
    paymentIntentId?: string | null;
    chargeId?: string | null;
  },
): Promise<Pledge | undefined> {
  // In this order: our own id, then the gateway's references from the most to the least specific.
  const lookups = [
    ["id", refs.pledgeId],
    ["checkout_session_id", refs.checkoutSessionId],
    ["charge_id", refs.chargeId],
    ["payment_intent_id", refs.paymentIntentId],
  ] as const;
  for (const [column, value] of lookups) {
    if (!value) continue;
    const pledge = await db.selectFrom("pledges").selectAll().where(column, "=", value).executeTakeFirst();
    if (pledge) return pledge;
  }
  return undefined;
}
