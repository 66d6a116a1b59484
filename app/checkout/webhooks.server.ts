// Stripe's webhooks: verified against the raw body, stored by event id in the same transaction
// as their effect (a repeated delivery changes nothing), and applied in any order. Two endpoints
// may deliver them, each with its own signing secret: the platform's, and the Connect endpoint that
// carries events of connected accounts (`event.account` set), such as their `account.updated`.
import Stripe from "stripe";
import { inTransaction, isUniqueViolation, type Db } from "~/lib/db.server";
import { CheckoutError } from "~/lib/errors";
import type { PaymentGateway } from "~/payments/gateway";
import { settleAuthorisation } from "./checkout.server";
import { accountEvents } from "./stripe-events/accounts.server";
import { chargeEvents } from "./stripe-events/charges.server";
import { checkoutSessionEvents } from "./stripe-events/checkout-sessions.server";
import type { EventHandler } from "./stripe-events/handler";
import { intentEvents } from "./stripe-events/intents.server";

/** Each event type we act on, and its family's handler (app/checkout/stripe-events/). */
const handlers = new Map<string, EventHandler>(
  Object.entries({ ...checkoutSessionEvents, ...intentEvents, ...chargeEvents, ...accountEvents }),
);

/**
 * The handler of an event's family; none for a type we do not act on. On a connected account (the
 * Connect endpoint) only the account's own events concern us: its payments and payouts are the
 * owner's business, never a backer's pledge.
 */
function handlerFor(event: { type: string; account?: string | null }): EventHandler | undefined {
  if (event.account && !event.type.startsWith("account.")) return undefined;
  return handlers.get(event.type);
}

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
  if (!signature) throw new CheckoutError("bad_signature", "Missing Stripe-Signature header");
  let rejection: unknown = new Error("no signing secret configured");
  for (const secret of typeof secrets === "string" ? [secrets] : secrets) {
    try {
      return Stripe.webhooks.constructEvent(rawBody, signature, secret);
    } catch (error) {
      rejection = error;
    }
  }
  throw new CheckoutError("bad_signature", `Webhook signature rejected: ${(rejection as Error).message}`);
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

    const handler = handlerFor(event);
    const payload = { type: event.type, account: event.account ?? null, object: event.data.object };
    const { outcome, pledgeId }: { outcome: WebhookOutcome; pledgeId: string | null } = handler
      ? await handler(trx, payload, now)
      : { outcome: "ignored", pledgeId: null };
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
