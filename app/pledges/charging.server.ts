// Charging at the deadline: every committed pledge of a successful all-or-nothing campaign is
// charged off-session, at a bounded rate, by one worker at a time. Failures wait for the backer's
// new card; after 7 days of grace the pledge is dropped. A crashed run resumes without charging
// anybody twice: an attempt's idempotency key only changes once its outcome is recorded.
import { hostname } from "node:os";
import { sql } from "kysely";
import type { Engine } from "#db/connection.ts";
import type { Pledge } from "#db/schema.ts";
import type { PaymentGateway } from "~/payments/gateway";
import { queueEmails } from "~/notifications/outbox.server";
import { campaignForEmails, snapshotFor } from "~/notifications/snapshot.server";
import { inTransaction, type Db } from "~/lib/db.server";
import { DAY, MINUTE } from "~/lib/time";
import { collectPledge, dropPledge, markPaymentProcessing, recordPaymentFailure } from "./pledges.server";

/** As on Kickstarter: a card still failing 7 days after the close drops the pledge. */
export const GRACE_PERIOD = 7 * DAY;
/** A claim older than this belongs to a worker that died: the pledge may be claimed again. */
export const STALE_CHARGE_CLAIM = 5 * MINUTE;

export interface ChargeRunOptions {
  /** Requests per second to the gateway (Stripe's test mode allows 25, live mode 100). */
  rate?: number;
  /** Charges in flight at once. */
  concurrency?: number;
  batch?: number;
  workerId?: string;
}

export interface ChargeRunReport {
  charged: number;
  /** Sent on a payment method that settles later (SEPA Direct Debit): counted, outcome to come. */
  processing: number;
  failed: number;
  errors: number;
}

export const chargeKey = (pledgeId: string, attempt: number) => `pledge-${pledgeId}-attempt-${attempt}`;

/** Claims pledges due a charge: committed in a succeeded all-or-nothing campaign, or a failed one whose backer gave a new card. */
async function claimDue(
  db: Db,
  engine: Engine,
  workerId: string,
  now: Date,
  batch: number,
  { onlyPledgeId, leftForNextRun = [] }: { onlyPledgeId?: string; leftForNextRun?: string[] } = {},
): Promise<Pledge[]> {
  const staleBefore = new Date(now.getTime() - STALE_CHARGE_CLAIM).toISOString();
  return db
    .updateTable("pledges")
    .set({ charge_claimed_by: workerId, charge_claimed_at: now.toISOString() })
    .where("id", "in", (eb) => {
      const due = eb
        .selectFrom("pledges")
        .innerJoin("campaigns", "campaigns.id", "pledges.campaign_id")
        .select("pledges.id")
        .where((w) =>
          w.or([
            w.and([
              w("campaigns.status", "=", "succeeded"),
              w("campaigns.funding_model", "=", "all_or_nothing"),
              w.or([
                w("pledges.status", "=", "committed"),
                w.and([w("pledges.status", "=", "payment_failed"), w("pledges.retry_requested", "=", 1)]),
              ]),
            ]),
            // A flexible pledge whose SEPA debit failed, once its backer gave a new card or IBAN.
            w.and([
              w("campaigns.funding_model", "=", "flexible"),
              w("pledges.status", "=", "payment_failed"),
              w("pledges.retry_requested", "=", 1),
            ]),
          ]),
        )
        // A debit on its way is not charged again: its settlement decides.
        .where("pledges.payment_processing_at", "is", null)
        .where((w) =>
          w.or([
            w("pledges.charge_claimed_at", "is", null),
            w("pledges.charge_claimed_at", "<", staleBefore),
          ]),
        )
        .$if(onlyPledgeId !== undefined, (q) => q.where("pledges.id", "=", onlyPledgeId!))
        .$if(leftForNextRun.length > 0, (q) => q.where("pledges.id", "not in", leftForNextRun))
        .orderBy("pledges.created_at")
        .limit(batch);
      return engine === "postgres" ? due.forUpdate("pledges").skipLocked() : due;
    })
    .where((w) => w.or([w("charge_claimed_at", "is", null), w("charge_claimed_at", "<", staleBefore)]))
    .returningAll()
    .execute();
}

/** Spaces request starts `1/rate` seconds apart, whatever the concurrency. */
function rateLimiter(rate: number) {
  const interval = 1000 / rate;
  let next = performance.now();
  return async () => {
    const now = performance.now();
    const start = Math.max(now, next);
    next = start + interval;
    if (start > now) await new Promise((resolve) => setTimeout(resolve, start - now));
  };
}

async function chargeOne(
  db: Db,
  gateway: PaymentGateway,
  pledge: Pledge,
  workerId: string,
  now: () => Date,
): Promise<keyof ChargeRunReport> {
  const attempt = pledge.charge_attempts + 1;
  try {
    if (!pledge.payment_method_id || !pledge.stripe_customer_id)
      throw new Error("No saved card on this pledge");
    const result = await gateway.chargeSavedCard({
      pledgeId: pledge.id,
      campaignId: pledge.campaign_id,
      amount: pledge.amount - pledge.refunded_amount,
      currency: pledge.currency,
      customerId: pledge.stripe_customer_id,
      paymentMethodId: pledge.payment_method_id,
      idempotencyKey: chargeKey(pledge.id, attempt),
      description: `Pledge ${pledge.id}`,
    });
    if (result.status === "succeeded") {
      await inTransaction(db, async (trx) => {
        await trx
          .updateTable("pledges")
          .set({ charge_attempts: attempt, charge_id: result.chargeId, retry_requested: 0 })
          .where("id", "=", pledge.id)
          .execute();
        await collectPledge(trx, pledge.id, { paymentIntentId: result.paymentIntentId }, now());
      });
      return "charged";
    }
    if (result.status === "processing") {
      // SEPA: the debit is sent and settles in days. Counted meanwhile; no failure, no drop clock.
      await inTransaction(db, async (trx) => {
        await trx
          .updateTable("pledges")
          .set({ charge_attempts: attempt, retry_requested: 0 })
          .where("id", "=", pledge.id)
          .execute();
        await markPaymentProcessing(trx, pledge.id, { paymentIntentId: result.paymentIntentId }, now());
      });
      return "processing";
    }
    await inTransaction(db, async (trx) => {
      await trx
        .updateTable("pledges")
        .set({
          charge_attempts: attempt,
          retry_requested: 0,
          payment_intent_id: result.paymentIntentId ?? pledge.payment_intent_id,
        })
        .where("id", "=", pledge.id)
        .execute();
      await recordPaymentFailure(trx, pledge.id, `${result.code}: ${result.message}`, now());
    });
    return "failed";
  } catch (error) {
    // Not an answer about the card (network, server): release the claim, same key next time.
    console.warn(`Charge of pledge ${pledge.id} did not complete: ${String(error)}`);
    return "errors";
  } finally {
    await db
      .updateTable("pledges")
      .set({ charge_claimed_by: null, charge_claimed_at: null })
      .where("id", "=", pledge.id)
      .where("charge_claimed_by", "=", workerId)
      .execute();
  }
}

/** One charge run: everything due now, at the configured rate. */
export async function runChargeRun(
  deps: { db: Db; engine: Engine; gateway: PaymentGateway; clock: () => Date },
  options: ChargeRunOptions = {},
): Promise<ChargeRunReport> {
  const { rate = 25, concurrency = 10, batch = 100, workerId = `${hostname()}:${process.pid}` } = options;
  const report: ChargeRunReport = { charged: 0, processing: 0, failed: 0, errors: 0 };
  const wait = rateLimiter(rate);
  // A charge that did not complete (no answer, no saved card) is not claimed again by this run: its
  // released claim would make it due at once, and the run would ask for it for ever.
  const leftForNextRun: string[] = [];
  for (;;) {
    const claimed = await claimDue(deps.db, deps.engine, workerId, deps.clock(), batch, { leftForNextRun });
    if (claimed.length === 0) break;
    let next = 0;
    await Promise.all(
      Array.from({ length: Math.min(concurrency, claimed.length) }, async () => {
        while (next < claimed.length) {
          const pledge = claimed[next++]!;
          await wait();
          const outcome = await chargeOne(deps.db, deps.gateway, pledge, workerId, deps.clock);
          if (outcome === "errors") leftForNextRun.push(pledge.id);
          report[outcome]++;
        }
      }),
    );
    if (report.errors > 0 && report.charged === 0 && report.processing === 0 && report.failed === 0) break;
  }
  return report;
}

/** Charges one pledge now (the backer just gave a new card), if it is due and nobody else holds it. */
export async function chargePledgeNow(
  deps: { db: Db; engine: Engine; gateway: PaymentGateway; clock: () => Date },
  pledgeId: string,
): Promise<keyof ChargeRunReport | "not_due"> {
  const workerId = `${hostname()}:${process.pid}`;
  const [pledge] = await claimDue(deps.db, deps.engine, workerId, deps.clock(), 1, {
    onlyPledgeId: pledgeId,
  });
  if (!pledge) return "not_due";
  return chargeOne(deps.db, deps.gateway, pledge, workerId, deps.clock);
}

/** The backer gave a new card after a failed charge: the next run tries again with it. */
export async function updateCardAfterFailure(
  db: Db,
  pledgeId: string,
  card: { paymentMethodId: string; customerId?: string | null },
  now: Date,
): Promise<boolean> {
  const result = await db
    .updateTable("pledges")
    .set({
      payment_method_id: card.paymentMethodId,
      ...(card.customerId ? { stripe_customer_id: card.customerId } : {}),
      retry_requested: 1,
      updated_at: now.toISOString(),
    })
    .where("id", "=", pledgeId)
    .where("status", "=", "payment_failed")
    .executeTakeFirst();
  return result.numUpdatedRows === 1n;
}

/** Pledges still unpaid 7 days after their first failure are dropped; their reward goes back. */
export async function dropUnpaidPledges(db: Db, now: Date): Promise<number> {
  const due = await db
    .selectFrom("pledges")
    .select(["id", "campaign_id", "backer_email", "backer_name", "locale", "amount"])
    .where("status", "=", "payment_failed")
    .where("payment_failed_at", "<=", new Date(now.getTime() - GRACE_PERIOD).toISOString())
    // A retry still settling (a new IBAN's debit) is not dropped while the bank has not answered.
    .where("payment_processing_at", "is", null)
    .execute();
  let dropped = 0;
  for (const pledge of due) {
    await inTransaction(db, async (trx) => {
      if (!(await dropPledge(trx, pledge.id, now))) return;
      dropped++;
      const campaign = await campaignForEmails(trx, pledge.campaign_id, now);
      await queueEmails(
        trx,
        [
          {
            kind: "pledge_dropped",
            dedupeKey: `pledge-dropped:${pledge.id}`,
            to: pledge.backer_email,
            name: pledge.backer_name,
            locale: pledge.locale,
            props: { campaign: snapshotFor(campaign, pledge.locale), amount: pledge.amount },
            campaignId: pledge.campaign_id,
            pledgeId: pledge.id,
          },
        ],
        now,
      );
    });
  }
  return dropped;
}

export interface ChargeSummary {
  collected: { count: number; amount: number };
  pending: { count: number; amount: number };
  /** Debits sent and not yet settled (SEPA): neither to charge nor failing. */
  processing: { count: number; amount: number };
  failed: { count: number; amount: number };
  dropped: { count: number; amount: number };
  refunded: number;
}

/** What owners and admins see after the close: collected, still to charge, in progress, failing, dropped. */
export async function chargeSummary(db: Db, campaignId: string): Promise<ChargeSummary> {
  const processing = sql<number>`case when payment_processing_at is null then 0 else 1 end`;
  const rows = await db
    .selectFrom("pledges")
    .select((eb) => [
      "status",
      processing.as("processing"),
      eb.fn.countAll<number>().as("count"),
      eb.fn.coalesce(eb.fn.sum<number>("amount"), eb.lit(0)).as("amount"),
      eb.fn.coalesce(eb.fn.sum<number>("refunded_amount"), eb.lit(0)).as("refunded"),
    ])
    .where("campaign_id", "=", campaignId)
    .groupBy(["status", processing])
    .execute();
  const of = (statuses: string[], inProgress?: boolean) => {
    const matching = rows.filter(
      (r) =>
        statuses.includes(r.status) &&
        (inProgress === undefined || (Number(r.processing) === 1) === inProgress),
    );
    return {
      count: matching.reduce((n, r) => n + Number(r.count), 0),
      amount: matching.reduce((n, r) => n + Number(r.amount) - Number(r.refunded), 0),
    };
  };
  return {
    collected: of(["collected"]),
    pending: of(["committed"], false),
    processing: of(["committed", "payment_failed"], true),
    failed: of(["payment_failed"], false),
    dropped: of(["dropped"]),
    refunded: rows.reduce((n, r) => n + Number(r.refunded), 0),
  };
}
