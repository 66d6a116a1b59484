// The offline gateway: Stripe's test cards and IBANs, charges and refunds remembered in the
// database. Its checkout page drives pledges from app/checkout/. No real money, ever.
import { randomUUID } from "node:crypto";
import { inTransaction, type Db } from "~/lib/db.server";
import { MINUTE } from "~/lib/time";
import type {
  ChargeRequest,
  ChargeResult,
  CheckoutRequest,
  CheckoutSession,
  CheckoutStatus,
  PaymentGateway,
  RefundRequest,
  RefundResult,
} from "./gateway";

/**
 * The simulated gateway. Saved "cards" are payment-method ids naming their behaviour; charges and
 * refunds are remembered by idempotency key in the database, so a retry after a crash returns the
 * first answer, as Stripe's idempotency does.
 */
export function createSimulatedGateway(db: Db): PaymentGateway {
  async function remembered(
    key: string,
    pledgeId: string,
    kind: "charge" | "refund",
    amount: number,
    decide: () => { outcome: string; reference: string },
  ) {
    const existing = await db
      .selectFrom("simulated_payments")
      .selectAll()
      .where("idempotency_key", "=", key)
      .executeTakeFirst();
    if (existing) return existing;
    const { outcome, reference } = decide();
    await db
      .insertInto("simulated_payments")
      .values({
        idempotency_key: key,
        pledge_id: pledgeId,
        kind,
        amount,
        outcome,
        reference,
        created_at: new Date().toISOString(),
      })
      .onConflict((oc) => oc.column("idempotency_key").doNothing())
      .execute();
    return db
      .selectFrom("simulated_payments")
      .selectAll()
      .where("idempotency_key", "=", key)
      .executeTakeFirstOrThrow();
  }

  return {
    name: "simulated",
    testMode: true,
    async createCheckout(request: CheckoutRequest): Promise<CheckoutSession> {
      const sessionId = `sim_cs_${randomUUID().replace(/-/g, "")}`;
      return {
        sessionId,
        url: `/checkout/simulated/${sessionId}`,
        customerId: `sim_cus_${request.pledgeId}`,
      };
    },
    async expireCheckout() {
      // Nothing to close elsewhere: the pledge's own state is the session's.
    },
    async checkoutStatus(sessionId: string): Promise<CheckoutStatus> {
      // The simulated page completes a checkout in the same request as its pledge: a pending pledge's
      // session is still open, a pledge that moved on tells how its session ended.
      const pledge = await db
        .selectFrom("pledges")
        .selectAll()
        .where("checkout_session_id", "=", sessionId)
        .executeTakeFirst();
      if (!pledge) throw new Error(`No simulated checkout ${sessionId}`);
      const ended = ["expired", "canceled"].includes(pledge.status) && !pledge.committed_at;
      const flexible = pledge.payment_intent_id !== null;
      return {
        status: pledge.status === "pending" ? "open" : ended ? "expired" : "complete",
        paymentStatus: flexible ? "paid" : "no_payment_required",
        customerId: pledge.stripe_customer_id,
        setupIntentId: pledge.setup_intent_id,
        paymentIntentId: pledge.payment_intent_id,
        paymentMethodId: pledge.payment_method_id,
      };
    },
    async capturePayment() {
      // The simulation takes flexible payments at once; nothing is ever left authorised.
      return { status: "captured", chargeId: null };
    },
    async cancelPayment() {},
    async chargeSavedCard(request: ChargeRequest): Promise<ChargeResult> {
      const row = await remembered(request.idempotencyKey, request.pledgeId, "charge", request.amount, () => {
        const behaviour = savedCardBehaviour(request.paymentMethodId);
        const reference = `sim_pi_${randomUUID().replace(/-/g, "")}`;
        // A SEPA debit is sent now and settled later by settleSimulatedDebits, as a bank would.
        if (sepaBehaviour(request.paymentMethodId)) return { outcome: "processing", reference };
        return behaviour === "succeeds"
          ? { outcome: "succeeded", reference }
          : { outcome: behaviour, reference };
      });
      if (row.outcome === "processing") return { status: "processing", paymentIntentId: row.reference };
      if (row.outcome === "succeeded")
        return {
          status: "succeeded",
          paymentIntentId: row.reference,
          chargeId: `sim_ch_${row.reference.slice(7)}`,
        };
      return {
        status: "failed",
        code: row.outcome,
        message:
          row.outcome === "authentication_required"
            ? "Your bank asks you to confirm this payment."
            : "Your card was declined.",
        paymentIntentId: row.reference,
      };
    },
    async paymentSettlement() {
      // Posted with the collection itself (ledger.server.ts): nothing to look up.
      return null;
    },
    async refundPayment(request: RefundRequest): Promise<RefundResult> {
      // As Stripe: never more than what the payment captured minus what it already refunded, checked
      // and written in one transaction that holds the payment's (the pledge's) lock.
      const row = await inTransaction(db, async (trx) => {
        await trx
          .updateTable("pledges")
          .set((eb) => ({ updated_at: eb.ref("updated_at") }))
          .where("id", "=", request.pledgeId)
          .execute();
        const existing = await trx
          .selectFrom("simulated_payments")
          .selectAll()
          .where("idempotency_key", "=", request.idempotencyKey)
          .executeTakeFirst();
        if (existing) return existing;
        const left = (await capturedBy(trx, request)) - (await refundedOn(trx, request.pledgeId));
        const outcome =
          left <= 0 ? "charge_already_refunded" : request.amount > left ? "amount_too_large" : "succeeded";
        const created = {
          idempotency_key: request.idempotencyKey,
          pledge_id: request.pledgeId,
          kind: "refund" as const,
          amount: request.amount,
          outcome,
          reference: `sim_re_${randomUUID().replace(/-/g, "")}`,
          created_at: new Date().toISOString(),
        };
        await trx.insertInto("simulated_payments").values(created).execute();
        return created;
      });
      if (row.outcome === "succeeded") return { status: "succeeded", refundId: row.reference };
      return {
        status: "refused",
        code: row.outcome,
        message:
          row.outcome === "charge_already_refunded"
            ? "This payment has already been refunded."
            : `Refund amount (${row.amount}) is greater than what is left on the payment.`,
      };
    },
  };
}

/** What the simulated payment took: an off-session charge, else the checkout's own payment (flexible). */
async function capturedBy(db: Db, request: RefundRequest): Promise<number> {
  const charge = await db
    .selectFrom("simulated_payments")
    .select("amount")
    .where("kind", "=", "charge")
    .where("outcome", "=", "succeeded")
    .where("reference", "=", request.paymentIntentId)
    .executeTakeFirst();
  if (charge) return Number(charge.amount);
  const paid = await db
    .selectFrom("pledges")
    .select("amount")
    .where("id", "=", request.pledgeId)
    .where("payment_intent_id", "=", request.paymentIntentId)
    .where("collected_at", "is not", null)
    .executeTakeFirst();
  return paid ? Number(paid.amount) : 0;
}

async function refundedOn(db: Db, pledgeId: string): Promise<number> {
  const row = await db
    .selectFrom("simulated_payments")
    .select((eb) => eb.fn.coalesce(eb.fn.sum<number>("amount"), eb.lit(0)).as("total"))
    .where("pledge_id", "=", pledgeId)
    .where("kind", "=", "refund")
    .where("outcome", "=", "succeeded")
    .executeTakeFirstOrThrow();
  return Number(row.total);
}

/**
 * Stripe's test IBANs (docs.stripe.com/payments/sepa-debit/accept-a-payment, "Test IBANs"): each
 * debit is `processing` first, then succeeds or fails. Stripe's plain ones settle within moments, the
 * "delayed" ones after at least three minutes; the simulation waits `SEPA_SETTLEMENT_DELAY` for the
 * first two so that the demo shows "payment in progress".
 */
export const testIbans = {
  AT611904300234573201: "sepa_succeeds",
  AT321904300235473204: "sepa_succeeds_later",
  AT861904300235473202: "sepa_fails",
  AT051904300235473205: "sepa_fails_later",
} as const;

export type IbanBehaviour = (typeof testIbans)[keyof typeof testIbans];

/** How long a simulated debit stays `processing` before the bank answers. */
export const SEPA_SETTLEMENT_DELAY: Record<IbanBehaviour, number> = {
  sepa_succeeds: MINUTE / 4,
  sepa_succeeds_later: 3 * MINUTE,
  sepa_fails: MINUTE / 4,
  sepa_fails_later: 3 * MINUTE,
};

/** The IBAN as typed (spaces, lower case) → its behaviour; undefined for any other IBAN. */
export function ibanBehaviour(iban: string): IbanBehaviour | undefined {
  const compact = iban.replace(/\s/g, "").toUpperCase();
  return (testIbans as Record<string, IbanBehaviour>)[compact];
}

const SEPA_METHOD_PREFIX = "sim_pm_sepa_debit_";

/** The saved SEPA mandate's payment method: its id names what the bank will do with its debits. */
export function simulatedSepaPaymentMethod(behaviour: IbanBehaviour): string {
  return `${SEPA_METHOD_PREFIX}${behaviour}`;
}

/** The behaviour of a simulated SEPA payment method, or undefined for a card. */
export function sepaBehaviour(paymentMethodId: string | null): IbanBehaviour | undefined {
  if (!paymentMethodId?.startsWith(SEPA_METHOD_PREFIX)) return undefined;
  const behaviour = paymentMethodId.slice(SEPA_METHOD_PREFIX.length);
  return Object.values(testIbans).find((b) => b === behaviour);
}

/** What a saved simulated card does when charged later, off-session. */
export function savedCardBehaviour(
  paymentMethodId: string,
): "succeeds" | "card_declined" | "authentication_required" {
  if (paymentMethodId.endsWith("chargeDeclined")) return "card_declined";
  if (paymentMethodId.endsWith("authenticationRequired")) return "authentication_required";
  return "succeeds";
}

/** Stripe's test cards, as the simulated checkout page understands them. */
export const testCards = {
  "4242424242424242": "succeeds",
  "4000000000000002": "declined",
  "4000002760003184": "authentication_required",
  // Saved without trouble; charging them later declines, or asks for authentication off-session.
  "4000000000000341": "succeeds_then_declines",
  "4000002500003155": "succeeds_then_needs_authentication",
} as const;

/** The saved payment method a test card leaves behind. */
export function simulatedPaymentMethod(behaviour: CardBehaviour): string {
  if (behaviour === "succeeds_then_declines") return "sim_pm_card_chargeDeclined";
  if (behaviour === "succeeds_then_needs_authentication") return "sim_pm_card_authenticationRequired";
  return "sim_pm_card_visa";
}

export type CardBehaviour = (typeof testCards)[keyof typeof testCards] | "unknown";

export function cardBehaviour(cardNumber: string): CardBehaviour {
  const digits = cardNumber.replace(/[\s-]/g, "");
  return (testCards as Record<string, CardBehaviour>)[digits] ?? "unknown";
}
