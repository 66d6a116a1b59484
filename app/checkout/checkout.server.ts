// Between the pledge form and the gateway: start the pledge, open the gateway's checkout, and settle
// a flexible campaign's authorisation once the pledge's fate is known.
import { z } from "zod";
import type { FundingModel, Pledge } from "#db/schema.ts";
import {
  attachCheckout,
  collectPledge,
  commitPledge,
  expirePledge,
  findRepeatedPledge,
  GATEWAY_SESSION_LIFE,
  getPledge,
  markLatePaymentReleased,
  markPaymentProcessing,
  startPledge,
  type PledgeRequest,
} from "~/pledges/pledges.server";
import { pledgeUrl } from "~/auth/pledge-link.server";
import type { Db } from "~/lib/db.server";
import { CheckoutError } from "~/lib/errors";
import type { PaymentGateway } from "~/payments/gateway";

export interface CheckoutDeps {
  db: Db;
  gateway: PaymentGateway;
  publicUrl: string;
  secret: string;
}

/**
 * A form sent again with its submission key (a reload after an interruption): where its pledge
 * already pays, or null for a new form. Recognised before the form is checked, so the reward unit
 * the pledge itself holds does not make its own repeat "sold out".
 */
export async function repeatedCheckout(
  db: Db,
  request: { campaignId: string; submissionKey: string },
): Promise<string | null> {
  // Not a key this site made: a new form, whose own check reports it.
  if (!z.string().uuid().safeParse(request.submissionKey).success) return null;
  const pledge = await findRepeatedPledge(db, request.campaignId, request.submissionKey);
  return pledge?.checkout_url ?? null;
}

/**
 * Starts a pledge and returns where the backer pays. A repeated submission (double click, back
 * button) gets the same pledge and the same checkout.
 */
export async function beginCheckout(
  deps: CheckoutDeps,
  request: Omit<PledgeRequest, "gateway">,
  campaign: { slug: string; title: string; fundingModel: FundingModel },
  now: Date,
): Promise<{ pledge: Pledge; url: string }> {
  const pledge = await startPledge(deps.db, { ...request, gateway: deps.gateway.name }, now);
  if (pledge.checkout_url) return { pledge, url: pledge.checkout_url };
  try {
    const session = await deps.gateway.createCheckout({
      pledgeId: pledge.id,
      campaignId: pledge.campaign_id,
      campaignTitle: campaign.title,
      fundingModel: campaign.fundingModel,
      amount: pledge.amount,
      currency: pledge.currency,
      backerEmail: pledge.backer_email,
      backerName: pledge.backer_name,
      locale: pledge.locale,
      successUrl: pledgeUrl(deps.publicUrl, deps.secret, pledge.id, { thanks: true }),
      cancelUrl: `${deps.publicUrl}/campaigns/${campaign.slug}/pledge?canceled=${pledge.id}`,
      expiresAt: new Date(now.getTime() + GATEWAY_SESSION_LIFE),
    });
    await attachCheckout(deps.db, pledge.id, session, now);
    return {
      pledge: { ...pledge, checkout_session_id: session.sessionId, checkout_url: session.url },
      url: session.url,
    };
  } catch (error) {
    // No checkout, no pledge: the stock goes back at once.
    await expirePledge(deps.db, pledge.id, "abandoned", now);
    console.warn(`Checkout could not start for pledge ${pledge.id}: ${String(error)}`);
    throw new CheckoutError(
      "payment_unavailable",
      "The payment service did not answer; nothing was charged.",
    );
  }
}

/**
 * A flexible campaign's payment is only authorised at checkout: capture it once the pledge counts,
 * release it (or refund it, when it was taken at once) when its checkout completed too late to count.
 * All-or-nothing pledges have nothing to settle here.
 */
export async function settleAuthorisation(
  db: Db,
  gateway: PaymentGateway,
  pledgeId: string,
  now: Date,
): Promise<void> {
  const pledge = await getPledge(db, pledgeId);
  if (!pledge?.payment_intent_id || pledge.gateway !== gateway.name) return;
  if (pledge.status === "expired" && pledge.late_release && !pledge.late_released_at) {
    await releaseLatePayment(db, gateway, pledge, now);
    return;
  }
  const campaign = await db
    .selectFrom("campaigns")
    .select("funding_model")
    .where("id", "=", pledge.campaign_id)
    .executeTakeFirstOrThrow();
  if (campaign.funding_model !== "flexible") return;
  if (pledge.status === "committed" && !pledge.payment_processing_at) {
    const capture = await gateway.capturePayment(pledge.payment_intent_id, `capture-pledge-${pledge.id}`);
    // A SEPA debit cannot be held: it was taken at checkout and settles later (payment_intent.succeeded).
    if (capture.status === "processing") {
      await markPaymentProcessing(db, pledge.id, {}, now);
      return;
    }
    await collectPledge(db, pledge.id, { paymentIntentId: pledge.payment_intent_id }, now);
  }
}

/**
 * Undoes at the gateway what a refused late completion left (written down by `commitPledge` before
 * this is called): the authorisation is cancelled, or a payment already taken is refunded in full,
 * each with a key of its own pledge so a retry is the same request. A network failure throws and
 * the `release-late-payments` job asks again.
 */
async function releaseLatePayment(db: Db, gateway: PaymentGateway, pledge: Pledge, now: Date): Promise<void> {
  const paymentIntentId = pledge.payment_intent_id;
  if (!paymentIntentId) return;
  if (pledge.late_release === "refund") {
    const result = await gateway.refundPayment({
      pledgeId: pledge.id,
      refundId: `late-${pledge.id}`,
      paymentIntentId,
      amount: pledge.amount,
      reason: "The checkout completed after the pledge had expired and could not be counted.",
      idempotencyKey: `late-refund-pledge-${pledge.id}`,
    });
    // Already refunded (from Stripe's dashboard, say): nothing is left to give back either way.
    if (result.status === "refused")
      console.warn(`Late refund of pledge ${pledge.id} refused: ${result.code} ${result.message}`);
  } else {
    await gateway.cancelPayment(paymentIntentId, `release-pledge-${pledge.id}`);
  }
  await markLatePaymentReleased(db, pledge.id, now);
}

/** The job's retry for late releases a webhook could not finish (the gateway did not answer). */
export async function releaseLatePayments(db: Db, gateway: PaymentGateway, now: Date): Promise<number> {
  const due = await db
    .selectFrom("pledges")
    .select("id")
    .where("status", "=", "expired")
    .where("late_release", "is not", null)
    .where("late_released_at", "is", null)
    .where("gateway", "=", gateway.name)
    .execute();
  let released = 0;
  for (const { id } of due) {
    try {
      await settleAuthorisation(db, gateway, id, now);
      released++;
    } catch (error) {
      console.warn(`Could not release the late payment of pledge ${id}: ${String(error)}`);
    }
  }
  return released;
}

/**
 * The pending-checkout sweep: a pledge past its hold is given up on only once the gateway says its
 * checkout can no longer complete. Complete: counted as its webhook would (the webhook may be
 * days late, Stripe retries for three). Open: expired at the gateway first, then asked again (the
 * backer may have paid in between). Expired: the pledge expires and its unit goes back on sale.
 * A gateway that does not answer leaves the pledge pending for the next sweep.
 */
export async function sweepAbandonedCheckouts(db: Db, gateway: PaymentGateway, now: Date): Promise<number> {
  const due = await db
    .selectFrom("pledges")
    .selectAll()
    .where("status", "=", "pending")
    .where("checkout_expires_at", "<=", now.toISOString())
    .execute();
  let settled = 0;
  for (const pledge of due) {
    try {
      if (await sweepCheckout(db, gateway, pledge, now)) settled++;
    } catch (error) {
      console.warn(`Checkout of pledge ${pledge.id} left for the next sweep: ${String(error)}`);
    }
  }
  return settled;
}

async function sweepCheckout(db: Db, gateway: PaymentGateway, pledge: Pledge, now: Date): Promise<boolean> {
  const sessionId = pledge.checkout_session_id;
  // No session was ever opened (the gateway failed at the start), or another gateway's: nothing to ask.
  if (!sessionId || pledge.gateway !== gateway.name) return expirePledge(db, pledge.id, "abandoned", now);
  let checkout = await gateway.checkoutStatus(sessionId);
  if (checkout.status === "open") {
    await gateway.expireCheckout(sessionId);
    checkout = await gateway.checkoutStatus(sessionId);
  }
  if (checkout.status === "expired") return expirePledge(db, pledge.id, "abandoned", now);
  if (checkout.status === "open") return false;
  const refs = {
    customerId: checkout.customerId,
    setupIntentId: checkout.setupIntentId,
    paymentIntentId: checkout.paymentIntentId,
    paymentMethodId: checkout.paymentMethodId,
  };
  const paid = checkout.paymentStatus === "paid";
  const outcome = await commitPledge(db, pledge.id, refs, now, { paid });
  if (paid) await collectPledge(db, pledge.id, refs, now);
  await settleAuthorisation(db, gateway, pledge.id, now);
  return outcome !== "already";
}

/** The job runner's retry for captures a webhook could not finish. */
export async function captureAuthorisedPledges(db: Db, gateway: PaymentGateway, now: Date): Promise<number> {
  const due = await db
    .selectFrom("pledges")
    .innerJoin("campaigns", "campaigns.id", "pledges.campaign_id")
    .select("pledges.id")
    .where("campaigns.funding_model", "=", "flexible")
    .where("pledges.status", "=", "committed")
    .where("pledges.payment_intent_id", "is not", null)
    .where("pledges.payment_processing_at", "is", null)
    .where("pledges.gateway", "=", gateway.name)
    .execute();
  for (const { id } of due) await settleAuthorisation(db, gateway, id, now);
  return due.length;
}

/**
 * After a failed charge the backer gives another card through the gateway's checkout (setup mode);
 * the charge is then retried with it.
 */
export async function beginCardUpdate(
  deps: CheckoutDeps,
  pledge: Pledge,
  campaign: { slug: string; title: string },
  now: Date,
): Promise<string> {
  const session = await deps.gateway.createCheckout({
    pledgeId: pledge.id,
    campaignId: pledge.campaign_id,
    campaignTitle: campaign.title,
    fundingModel: "all_or_nothing",
    amount: pledge.amount,
    currency: pledge.currency,
    backerEmail: pledge.backer_email,
    backerName: pledge.backer_name,
    locale: pledge.locale,
    successUrl: pledgeUrl(deps.publicUrl, deps.secret, pledge.id),
    cancelUrl: pledgeUrl(deps.publicUrl, deps.secret, pledge.id),
    expiresAt: new Date(now.getTime() + GATEWAY_SESSION_LIFE),
    cardUpdate: pledge.charge_attempts,
  });
  await attachCheckout(deps.db, pledge.id, session, now);
  return session.url;
}
