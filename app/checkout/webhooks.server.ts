// Stripe's webhooks: verified against the raw body, stored by event id in the same transaction
// as their effect (a repeated delivery changes nothing), and applied in any order. Two endpoints
// may deliver them, each with its own signing secret: the platform's, and the Connect endpoint that
// carries events of connected accounts (`event.account` set), such as their `account.updated`.
import Stripe from "stripe";
import { z } from "zod";
import { updateCardAfterFailure } from "~/pledges/charging.server";
import { recordDispute } from "~/pledges/disputes.server";
import { updatePayoutAccount } from "~/payouts/accounts.server";
import { recordDisputeInLedger } from "~/ledger/ledger.server";
import {
  cancelPledge,
  collectPledge,
  commitPledge,
  expirePledge,
  findPledgeByRefs,
  markPaymentProcessing,
  recordPaymentFailure,
  recordRefund,
} from "~/pledges/pledges.server";
import { inTransaction, isUniqueViolation, type Db } from "~/lib/db.server";
import { AppError } from "~/lib/errors";
import type { PaymentGateway } from "~/payments/gateway";
import { settleAuthorisation } from "./checkout.server";

const id = z.string().min(1);
/** An expandable field: an id, or the object with its id. */
const ref = z
  .union([id, z.object({ id })])
  .nullish()
  .transform((v) => (typeof v === "string" ? v : (v?.id ?? null)));
const metadata = z
  .record(z.string())
  .nullish()
  .transform((m) => m ?? {});

const checkoutSession = z.object({
  id,
  mode: z.enum(["payment", "setup", "subscription"]),
  payment_status: z.string().nullish(),
  customer: ref,
  setup_intent: ref,
  payment_intent: ref,
  metadata,
});
const setupIntent = z.object({ id, customer: ref, payment_method: ref, metadata });
const paymentIntent = z.object({
  id,
  customer: ref,
  payment_method: ref,
  latest_charge: ref,
  metadata,
  last_payment_error: z.object({ message: z.string().nullish(), code: z.string().nullish() }).nullish(),
});
const disputeObject = z.object({
  id,
  charge: ref.transform((v) => v ?? ""),
  payment_intent: ref,
  amount: z.number().int(),
  currency: z.string(),
  reason: z.string().nullish(),
  status: z.string(),
  /** Stripe sends the dispute's balance transactions whole: the amount withdrawn or reinstated, and its fee. */
  balance_transactions: z
    .array(z.object({ id, amount: z.number().int(), fee: z.number().int() }))
    .nullish()
    .transform((v) => v ?? []),
});
const account = z.object({
  id,
  payouts_enabled: z.boolean().nullish(),
  details_submitted: z.boolean().nullish(),
});
const charge = z.object({
  id,
  payment_intent: ref,
  amount_refunded: z.number().int().nonnegative(),
  metadata,
});

/**
 * `already_recorded`: applying the event would have given a payment or setup intent to a second
 * pledge (the unique indexes refused it); the event is stored, answered 200, and changes nothing.
 */
export type WebhookOutcome = "applied" | "ignored" | "unmatched" | "duplicate" | "already_recorded";

/**
 * Verifies the signature against each endpoint's secret (the platform's, the Connect one's); a bad or
 * stale one is a 400 and nothing is recorded.
 */
export function verifyStripeEvent(
  rawBody: string,
  signature: string | null,
  secrets: string | ReadonlyArray<string>,
): Stripe.Event {
  if (!signature) throw new AppError("bad_signature", "Missing Stripe-Signature header", 400);
  let rejection: unknown = new Error("no signing secret configured");
  for (const secret of typeof secrets === "string" ? [secrets] : secrets) {
    try {
      return Stripe.webhooks.constructEvent(rawBody, signature, secret);
    } catch (error) {
      rejection = error;
    }
  }
  throw new AppError("bad_signature", `Webhook signature rejected: ${(rejection as Error).message}`, 400);
}

/**
 * Applies one event inside one transaction with the row that records it. Returns what happened
 * and, for flexible pledges, the pledge whose authorisation must now be captured or released.
 */
export async function applyStripeEvent(
  db: Db,
  event: Pick<Stripe.Event, "id" | "type" | "data"> & { account?: string | null },
  now: Date,
): Promise<{ outcome: WebhookOutcome; pledgeId: string | null }> {
  // Inside a caller's transaction a violation has already aborted it (PostgreSQL): theirs to handle.
  if (db.isTransaction) return applyOnce(db, event, now);
  // A unique violation is a race lost to the charge run or to another event about the same payment:
  // once more, the second attempt sees what the winner committed and takes its "already" path. A
  // second violation means the event really names an intent another pledge holds: recorded, not a 5xx
  // (Stripe would retry a 500 for days, and no retry could ever succeed).
  for (let attempt = 1; ; attempt++) {
    try {
      return await applyOnce(db, event, now);
    } catch (error) {
      if (!isUniqueViolation(error)) throw error;
      if (attempt < 2) continue;
      console.warn(
        `Stripe event ${event.id} (${event.type}) names a payment another pledge holds: not applied`,
      );
      await db
        .insertInto("webhook_events")
        .values({
          id: event.id,
          type: event.type,
          pledge_id: null,
          outcome: "already_recorded",
          received_at: now.toISOString(),
        })
        .onConflict((oc) => oc.column("id").doNothing())
        .execute();
      return { outcome: "already_recorded", pledgeId: null };
    }
  }
}

function applyOnce(
  db: Db,
  event: Pick<Stripe.Event, "id" | "type" | "data"> & { account?: string | null },
  now: Date,
): Promise<{ outcome: WebhookOutcome; pledgeId: string | null }> {
  return inTransaction(db, async (trx) => {
    const inserted = await trx
      .insertInto("webhook_events")
      .values({
        id: event.id,
        type: event.type,
        pledge_id: null,
        outcome: "ignored",
        received_at: now.toISOString(),
      })
      .onConflict((oc) => oc.column("id").doNothing())
      .executeTakeFirst();
    if (Number(inserted.numInsertedOrUpdatedRows ?? 0n) === 0)
      return { outcome: "duplicate" as const, pledgeId: null };

    const object = event.data.object as unknown;
    let pledgeId: string | null = null;
    let outcome: WebhookOutcome = "applied";
    const find = async (refs: Parameters<typeof findPledgeByRefs>[1]) => {
      const pledge = await findPledgeByRefs(trx, refs);
      pledgeId = pledge?.id ?? null;
      if (!pledge) outcome = "unmatched";
      return pledge;
    };

    // On a connected account (the Connect endpoint): only the account's own events concern us; its
    // payments and payouts are the owner's business, never a backer's pledge.
    const type = event.account && !event.type.startsWith("account.") ? "connected_account_event" : event.type;
    switch (type) {
      case "checkout.session.completed":
      case "checkout.session.async_payment_succeeded":
      case "checkout.session.async_payment_failed":
      case "checkout.session.expired": {
        const session = checkoutSession.parse(object);
        const pledge = await find({ pledgeId: session.metadata.pledge_id, checkoutSessionId: session.id });
        if (!pledge) break;
        const refs = {
          customerId: session.customer,
          setupIntentId: session.setup_intent,
          paymentIntentId: session.payment_intent,
        };
        if (pledge.status === "payment_failed" && event.type === "checkout.session.completed") {
          // The backer gave a new card after a failed charge; the setup intent's event brings it.
          break;
        }
        if (event.type === "checkout.session.expired") await expirePledge(trx, pledge.id, "abandoned", now);
        else if (event.type === "checkout.session.async_payment_failed") {
          // A debit (SEPA) taken at checkout bounced. Counted meanwhile, it fails as a declined card
          // does (the backer is told, and may give another card or IBAN); never counted, it is dropped.
          if (pledge.status === "pending") await cancelPledge(trx, pledge.id, "payment_failed", now);
          else await recordPaymentFailure(trx, pledge.id, "The bank debit failed", now);
        } else {
          const paid =
            session.payment_status === "paid" || event.type === "checkout.session.async_payment_succeeded";
          // A pledge the sweep or the close already expired is reconciled here (commitPledge).
          await commitPledge(trx, pledge.id, refs, now, { paid });
          if (paid) await collectPledge(trx, pledge.id, refs, now);
        }
        break;
      }
      case "setup_intent.succeeded": {
        const intent = setupIntent.parse(object);
        const pledge = await find({ pledgeId: intent.metadata.pledge_id });
        if (pledge?.status === "payment_failed" && intent.payment_method) {
          await updateCardAfterFailure(
            trx,
            pledge.id,
            { paymentMethodId: intent.payment_method, customerId: intent.customer },
            now,
          );
        } else if (pledge) {
          await commitPledge(
            trx,
            pledge.id,
            { customerId: intent.customer, setupIntentId: intent.id, paymentMethodId: intent.payment_method },
            now,
          );
        }
        break;
      }
      case "payment_intent.amount_capturable_updated":
      case "payment_intent.processing":
      case "payment_intent.succeeded":
      case "payment_intent.payment_failed": {
        const intent = paymentIntent.parse(object);
        const pledge = await find({ pledgeId: intent.metadata.pledge_id, paymentIntentId: intent.id });
        if (!pledge) break;
        const refs = {
          customerId: intent.customer,
          paymentIntentId: intent.id,
          paymentMethodId: intent.payment_method,
        };
        if (event.type === "payment_intent.amount_capturable_updated")
          await commitPledge(trx, pledge.id, refs, now);
        else if (event.type === "payment_intent.processing") {
          // A debit on its way (SEPA): counted, shown as in progress, settled by a later event.
          await commitPledge(trx, pledge.id, refs, now);
          await markPaymentProcessing(trx, pledge.id, refs, now);
        } else if (event.type === "payment_intent.succeeded") await collectPledge(trx, pledge.id, refs, now);
        else {
          const error = intent.last_payment_error;
          await recordPaymentFailure(trx, pledge.id, error?.message ?? error?.code ?? "payment failed", now);
        }
        break;
      }
      case "charge.refunded": {
        const refunded = charge.parse(object);
        const pledge = await find({
          pledgeId: refunded.metadata.pledge_id,
          paymentIntentId: refunded.payment_intent,
        });
        if (pledge) await recordRefund(trx, pledge.id, refunded.amount_refunded, now);
        break;
      }
      case "charge.dispute.created":
      case "charge.dispute.updated":
      case "charge.dispute.funds_withdrawn":
      case "charge.dispute.funds_reinstated":
      case "charge.dispute.closed": {
        const dispute = disputeObject.parse(object);
        const pledge = await find({
          pledgeId: null,
          chargeId: dispute.charge,
          paymentIntentId: dispute.payment_intent,
        });
        await recordDispute(trx, { ...dispute, pledgeId: pledge?.id ?? null }, now);
        if (pledge) {
          await recordDisputeInLedger(
            trx,
            {
              pledgeId: pledge.id,
              campaignId: pledge.campaign_id,
              currency: pledge.currency,
              balanceTransactions: dispute.balance_transactions,
            },
            now,
          );
        } else outcome = "unmatched";
        break;
      }
      case "account.updated": {
        const updated = account.parse(object);
        const known = await updatePayoutAccount(
          trx,
          {
            // A Connect event names its account; the object is that account.
            accountId: event.account ?? updated.id,
            payoutsEnabled: updated.payouts_enabled === true,
            detailsSubmitted: updated.details_submitted === true,
          },
          now,
        );
        if (!known) outcome = "unmatched";
        break;
      }
      default:
        outcome = "ignored";
    }
    await trx
      .updateTable("webhook_events")
      .set({ outcome, pledge_id: pledgeId })
      .where("id", "=", event.id)
      .execute();
    return { outcome, pledgeId };
  });
}

/** The whole webhook: verify, apply, then capture or release a flexible authorisation. */
export async function handleStripeWebhook(
  deps: { db: Db; gateway: PaymentGateway; webhookSecret: string; connectWebhookSecret?: string },
  rawBody: string,
  signature: string | null,
  now: Date,
): Promise<{ outcome: WebhookOutcome; eventId: string }> {
  const secrets = [deps.webhookSecret, ...(deps.connectWebhookSecret ? [deps.connectWebhookSecret] : [])];
  const event = verifyStripeEvent(rawBody, signature, secrets);
  const { outcome, pledgeId } = await applyStripeEvent(deps.db, event, now);
  if (pledgeId && outcome === "applied") {
    // After the commit, outside the transaction: a failure here is retried by the job runner.
    await settleAuthorisation(deps.db, deps.gateway, pledgeId, now).catch((error: unknown) => {
      console.warn(`Could not settle the authorisation of pledge ${pledgeId}: ${String(error)}`);
    });
  }
  return { outcome, eventId: event.id };
}
