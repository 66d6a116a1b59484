// Refunds made by an admin or the campaign's owner: part or all of a collected pledge, with a
// reason. A refund is written down and its amount reserved on the pledge (one guarded update) before
// the gateway is asked, with the key `refund-<refund id>`: concurrent requests can never refund more
// than is left, and a crash is finished by a job with the same key, never repeated with another.
import { randomUUID } from "node:crypto";
import { sql } from "kysely";
import type { Refund } from "#db/schema.ts";
import type { PaymentGateway } from "~/payments/gateway";
import { audit, type Actor } from "~/ledger/audit.server";
import { RefundError, isAppError } from "~/lib/errors";
import { inTransaction, type Db } from "~/lib/db.server";
import { MINUTE } from "~/lib/time";
import { applySucceededRefund, getPledge } from "./pledges.server";

/** A reservation older than this whose request has not finished it is finished by the job. */
export const REFUND_RETRY_AFTER = MINUTE;

export const refundKey = (refundId: string) => `refund-${refundId}`;

export interface RefundRequest {
  pledgeId: string;
  amount: number;
  reason: string;
  actor?: Actor;
  /** When given, the pledge must belong to this campaign (404 otherwise). */
  campaignId?: string;
}

/**
 * Reserves the refund's amount on the pledge and writes the refund down, in one transaction. The
 * update is guarded by what is left (amount − refunded − reserved): of two requests for the last
 * euros, the second finds nothing left, on SQLite (one writer) as on PostgreSQL (the row lock).
 */
export async function reserveRefund(db: Db, request: RefundRequest, now: Date): Promise<Refund> {
  const reason = request.reason.trim();
  if (reason.length < 3) throw new RefundError("reason_required", "Say why");
  const { pledgeId, amount } = request;
  if (!Number.isSafeInteger(amount) || amount <= 0)
    throw new RefundError("bad_refund_amount", "Refund at least one cent");
  return inTransaction(db, async (trx) => {
    if (request.campaignId !== undefined) {
      // Asked from a campaign's page: the pledge must be one of that campaign's.
      const pledge = await getPledge(trx, pledgeId);
      if (pledge?.campaign_id !== request.campaignId)
        throw new RefundError("pledge_not_found", "No such pledge");
    }
    const reserved = await trx
      .updateTable("pledges")
      .set((eb) => ({ refund_reserved: eb("refund_reserved", "+", amount), updated_at: now.toISOString() }))
      .where("id", "=", pledgeId)
      .where("status", "=", "collected")
      .where("payment_intent_id", "is not", null)
      .where(sql<boolean>`amount - refunded_amount - refund_reserved >= ${amount}`)
      .executeTakeFirst();
    const pledge = await getPledge(trx, pledgeId);
    if (!pledge) throw new RefundError("pledge_not_found", "No such pledge");
    if (reserved.numUpdatedRows !== 1n) {
      if (pledge.status !== "collected" || !pledge.payment_intent_id)
        throw new RefundError("not_refundable", "Only a collected pledge can be refunded");
      const left = pledge.amount - pledge.refunded_amount - pledge.refund_reserved;
      throw new RefundError("bad_refund_amount", `Refund between 1 and ${left}`);
    }
    const refund: Refund = {
      id: randomUUID(),
      pledge_id: pledgeId,
      campaign_id: pledge.campaign_id,
      amount,
      currency: pledge.currency,
      status: "reserved",
      origin: "platform",
      reason,
      actor_id: request.actor?.id ?? null,
      actor_email: request.actor?.email ?? null,
      gateway_refund_id: null,
      failure_message: null,
      created_at: now.toISOString(),
      finished_at: null,
    };
    await trx.insertInto("refunds").values(refund).execute();
    return refund;
  });
}

export type RefundOutcome =
  | { status: "succeeded"; gatewayRefundId: string }
  | { status: "refused"; code: string; message: string }
  /** Another request or the job finished it first. */
  | { status: "already"; refund: Refund };

/**
 * Asks the gateway for a reserved refund (again, after a crash: same key, same refund) and records
 * the answer once: a success moves the reserved amount to refunded (totals, stock, ledger, email,
 * audit); a refusal releases it. A network failure throws and leaves the reservation to the job.
 */
export async function finishRefund(
  deps: { db: Db; gateway: PaymentGateway },
  refund: Refund,
  now: Date,
): Promise<RefundOutcome> {
  const pledge = await getPledge(deps.db, refund.pledge_id);
  if (!pledge?.payment_intent_id) throw new RefundError("not_refundable", "No payment to refund");
  const answer = await deps.gateway.refundPayment({
    pledgeId: refund.pledge_id,
    refundId: refund.id,
    paymentIntentId: pledge.payment_intent_id,
    amount: refund.amount,
    reason: refund.reason ?? "",
    idempotencyKey: refundKey(refund.id),
  });
  return inTransaction(deps.db, async (trx) => {
    const finished = await trx
      .updateTable("refunds")
      .set(
        answer.status === "succeeded"
          ? { status: "succeeded", gateway_refund_id: answer.refundId, finished_at: now.toISOString() }
          : {
              status: "failed",
              failure_message: answer.message.slice(0, 500),
              finished_at: now.toISOString(),
            },
      )
      .where("id", "=", refund.id)
      .where("status", "=", "reserved")
      .executeTakeFirst();
    if (finished.numUpdatedRows !== 1n) {
      const row = await trx
        .selectFrom("refunds")
        .selectAll()
        .where("id", "=", refund.id)
        .executeTakeFirstOrThrow();
      return { status: "already", refund: row };
    }
    if (answer.status === "refused") {
      await trx
        .updateTable("pledges")
        .set((eb) => ({
          refund_reserved: eb("refund_reserved", "-", refund.amount),
          updated_at: now.toISOString(),
        }))
        .where("id", "=", refund.pledge_id)
        .execute();
      return answer;
    }
    await applySucceededRefund(
      trx,
      { id: refund.id, pledgeId: refund.pledge_id, amount: refund.amount, reserved: true },
      now,
    );
    if (refund.actor_email) {
      await audit(
        trx,
        { id: refund.actor_id, email: refund.actor_email },
        {
          action: "pledge.refund",
          campaignId: refund.campaign_id,
          subjectId: refund.pledge_id,
          details: {
            amount: refund.amount,
            currency: refund.currency,
            reason: refund.reason,
            refundId: answer.refundId,
            refund: refund.id,
          },
        },
        now,
      );
    }
    return { status: "succeeded", gatewayRefundId: answer.refundId };
  });
}

/**
 * An admin's or owner's refund: reserved, then asked of the gateway. `pending` when the gateway
 * could not be reached: the reservation stands and the job finishes it with the same key.
 */
export async function refundPledge(
  deps: { db: Db; gateway: PaymentGateway },
  request: RefundRequest,
  now: Date,
): Promise<{ id: string; status: "succeeded" | "pending"; refundId: string | null }> {
  // The reservation must be committed before the gateway is asked (and the simulated gateway takes
  // the pledge's lock on its own connection): never inside a caller's transaction.
  if (deps.db.isTransaction)
    throw new RefundError("refund_in_transaction", "A refund runs outside any transaction");
  const refund = await reserveRefund(deps.db, request, now);
  let outcome: RefundOutcome;
  try {
    outcome = await finishRefund(deps, refund, now);
  } catch (error) {
    if (isAppError(error)) throw error;
    console.warn(`Refund ${refund.id} is reserved; the gateway did not answer: ${String(error)}`);
    return { id: refund.id, status: "pending", refundId: null };
  }
  if (outcome.status === "refused")
    throw new RefundError("refund_refused", `The payment provider refused: ${outcome.message}`);
  if (outcome.status === "already") {
    if (outcome.refund.status === "failed")
      throw new RefundError("refund_refused", "The payment provider refused this refund");
    return { id: refund.id, status: "succeeded", refundId: outcome.refund.gateway_refund_id };
  }
  return { id: refund.id, status: "succeeded", refundId: outcome.gatewayRefundId };
}

/**
 * The job: reservations older than a minute that no request finished (a crash, a timeout) are asked
 * of the gateway again with their own key, so each is refunded once or released.
 */
export async function finishReservedRefunds(
  deps: { db: Db; gateway: PaymentGateway },
  now: Date,
): Promise<number> {
  const due = await deps.db
    .selectFrom("refunds")
    .selectAll()
    .where("status", "=", "reserved")
    .where("created_at", "<=", new Date(now.getTime() - REFUND_RETRY_AFTER).toISOString())
    .orderBy("created_at")
    .limit(100)
    .execute();
  let finished = 0;
  for (const refund of due) {
    try {
      const outcome = await finishRefund(deps, refund, now);
      if (outcome.status !== "already") finished++;
    } catch (error) {
      console.warn(`Refund ${refund.id} still reserved: ${String(error)}`);
    }
  }
  return finished;
}
