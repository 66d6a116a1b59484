// The offline gateway: a checkout page on this site that takes Stripe's test card numbers and
// drives the same pledge functions Stripe's webhooks drive. No real money, ever.
import { randomUUID } from "node:crypto";
import type { FundingModel, Pledge } from "#db/schema.ts";
import { commitPledge, collectPledge, findPledgeByRefs, type CommitOutcome } from "~/pledges/pledges.server";
import type { Db } from "~/lib/db.server";
import type { CheckoutRequest, CheckoutSession, PaymentGateway } from "./gateway";

export const simulatedGateway: PaymentGateway = {
  name: "simulated",
  testMode: true,
  async createCheckout(request: CheckoutRequest): Promise<CheckoutSession> {
    const sessionId = `sim_cs_${randomUUID().replace(/-/g, "")}`;
    return { sessionId, url: `/checkout/simulated/${sessionId}`, customerId: `sim_cus_${request.pledgeId}` };
  },
  async expireCheckout() {
    // Nothing to close elsewhere: the pledge's own state is the session's.
  },
  async capturePayment() {
    // The simulation takes flexible payments at once; nothing is ever left authorised.
    return { chargeId: null };
  },
  async cancelPayment() {},
};

/** Stripe's test cards, as the simulated checkout page understands them. */
export const testCards = {
  "4242424242424242": "succeeds",
  "4000000000000002": "declined",
  "4000002760003184": "authentication_required",
} as const;

export type CardBehaviour = (typeof testCards)[keyof typeof testCards] | "unknown";

export function cardBehaviour(cardNumber: string): CardBehaviour {
  const digits = cardNumber.replace(/[\s-]/g, "");
  return (testCards as Record<string, CardBehaviour>)[digits] ?? "unknown";
}

export async function findSimulatedCheckout(db: Db, sessionId: string) {
  if (!sessionId.startsWith("sim_cs_")) return undefined;
  return findPledgeByRefs(db, { checkoutSessionId: sessionId });
}

/**
 * The backer's card went through (after 3-D Secure, for the authentication card): the card is
 * saved, and for a flexible campaign the payment is taken at once, as Stripe would.
 */
export async function completeSimulatedCheckout(
  db: Db,
  pledge: Pick<Pledge, "id">,
  fundingModel: FundingModel,
  now: Date,
): Promise<CommitOutcome> {
  const outcome = await commitPledge(
    db,
    pledge.id,
    {
      customerId: `sim_cus_${pledge.id}`,
      paymentMethodId: "sim_pm_card_visa",
      setupIntentId: `sim_seti_${pledge.id}`,
    },
    now,
  );
  if (outcome === "committed" && fundingModel === "flexible") {
    await collectPledge(db, pledge.id, { paymentIntentId: `sim_pi_${pledge.id}` }, now);
  }
  return outcome;
}

/** A simulated checkout with what its pages need of the campaign. */
export async function loadSimulatedCheckout(db: Db, sessionId: string) {
  const pledge = await findSimulatedCheckout(db, sessionId);
  if (!pledge) return null;
  const campaign = await db
    .selectFrom("campaigns")
    .select(["slug", "title", "funding_model", "currency"])
    .where("id", "=", pledge.campaign_id)
    .executeTakeFirstOrThrow();
  return { pledge, campaign };
}
