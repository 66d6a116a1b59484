// Between the pledge form and the gateway: start the pledge, open the gateway's checkout, and settle
// a flexible campaign's authorisation once the pledge's fate is known.
import { z } from "zod";
import type { FundingModel, Pledge } from "#db/schema.ts";
import {
  attachCheckout,
  collectPledge,
  expirePledge,
  findRepeatedPledge,
  GATEWAY_SESSION_LIFE,
  getPledge,
  markPaymentProcessing,
  startPledge,
  type PledgeRequest,
} from "~/pledges/pledges.server";
import { pledgeUrl } from "~/pledges/pledge-link.server";
import type { Db } from "~/lib/db.server";
import { AppError } from "~/lib/errors";
import type { PaymentGateway } from "./gateway";

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
    throw new AppError(
      "payment_unavailable",
      "The payment service did not answer; nothing was charged.",
      503,
    );
  }
}

/**
 * A flexible campaign's payment is only authorised at checkout: capture it once the pledge counts,
 * release it when the pledge came too late. All-or-nothing pledges have nothing to settle here.
 */
export async function settleAuthorisation(
  db: Db,
  gateway: PaymentGateway,
  pledgeId: string,
  now: Date,
): Promise<void> {
  const pledge = await getPledge(db, pledgeId);
  if (!pledge?.payment_intent_id || pledge.gateway !== gateway.name) return;
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
  } else if (pledge.status === "expired" && pledge.cancel_reason === "after_deadline") {
    await gateway.cancelPayment(pledge.payment_intent_id, `release-pledge-${pledge.id}`);
  }
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
