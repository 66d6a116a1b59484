// The simulated checkout's effects: what its pages do to a pledge when a test card goes through,
// and the bank's later answer to a simulated SEPA debit, through the same pledge functions Stripe's
// events drive (the gateway itself, its test cards and IBANs: app/payments/simulated.server.ts).
import type { FundingModel, Pledge } from "#db/schema.ts";
import { sql } from "kysely";
import type { Locale } from "~/i18n/keys";
import { sepaBehaviour, SEPA_SETTLEMENT_DELAY } from "~/payments/simulated.server";
import { updateCardAfterFailure } from "~/pledges/charging.server";
import {
  commitPledge,
  collectPledge,
  findPledgeByRefs,
  markPaymentProcessing,
  recordPaymentFailure,
  type CommitOutcome,
} from "~/pledges/pledges.server";
import { inTransaction, type Db } from "~/lib/db.server";

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
  pledge: Pick<Pledge, "id" | "status">,
  fundingModel: FundingModel,
  now: Date,
  paymentMethodId = "sim_pm_card_visa",
): Promise<CommitOutcome | "card_updated"> {
  // After a failed charge, the checkout gives a new card for the retry.
  if (pledge.status === "payment_failed") {
    await updateCardAfterFailure(db, pledge.id, { paymentMethodId }, now);
    return "card_updated";
  }
  const outcome = await commitPledge(
    db,
    pledge.id,
    { customerId: `sim_cus_${pledge.id}`, paymentMethodId, setupIntentId: `sim_seti_${pledge.id}` },
    now,
  );
  // "already" too: a completion that committed the pledge and stopped before taking the payment is
  // finished by the next one (both calls below change nothing on a pledge already paid).
  if ((outcome === "committed" || outcome === "already") && fundingModel === "flexible") {
    const payment = { paymentIntentId: `sim_pi_${pledge.id}` };
    // A SEPA debit cannot be held: taken at once, it is processing until the bank settles it.
    if (sepaBehaviour(paymentMethodId)) await markPaymentProcessing(db, pledge.id, payment, now);
    else await collectPledge(db, pledge.id, payment, now);
  }
  return outcome;
}

/**
 * A simulated checkout with what its pages need of the campaign, in one statement: its title in the
 * reader's language when the owner translated it (as on the campaign page), else as written.
 */
export async function loadSimulatedCheckout(db: Db, sessionId: string, locale?: Locale) {
  if (!sessionId.startsWith("sim_cs_")) return null;
  const translatedTitle = sql<
    string | null
  >`(select value from content_translations where subject_type = 'campaign' and subject_id = campaigns.id and locale = ${locale ?? null} and field = 'title')`;
  const row = await db
    .selectFrom("pledges")
    .innerJoin("campaigns", "campaigns.id", "pledges.campaign_id")
    .selectAll("pledges")
    .select([
      "campaigns.slug as campaign_slug",
      "campaigns.title as campaign_title",
      "campaigns.funding_model as campaign_funding_model",
      "campaigns.currency as campaign_currency",
      translatedTitle.as("campaign_title_translated"),
    ])
    .where("pledges.checkout_session_id", "=", sessionId)
    .executeTakeFirst();
  if (!row) return null;
  const {
    campaign_slug,
    campaign_title,
    campaign_title_translated,
    campaign_funding_model,
    campaign_currency,
    ...pledge
  } = row;
  return {
    pledge: pledge as Pledge,
    campaign: {
      slug: campaign_slug,
      title: campaign_title_translated ?? campaign_title,
      funding_model: campaign_funding_model,
      currency: campaign_currency,
    },
  };
}

/**
 * The bank's answer to simulated debits whose delay has passed: collected (ledger and receipt as for
 * a card) or failed (the backer is told now, and the 7-day clock starts). Run by the job runner; each
 * pledge settles once, since both outcomes clear its `payment_processing_at`.
 */
export async function settleSimulatedDebits(db: Db, now: Date): Promise<number> {
  const due = await db
    .selectFrom("pledges")
    .select(["id", "payment_method_id", "payment_intent_id", "payment_processing_at"])
    .where("gateway", "=", "simulated")
    .where("payment_processing_at", "is not", null)
    .where("payment_processing_at", "<=", now.toISOString())
    .orderBy("payment_processing_at")
    .execute();
  let settled = 0;
  for (const pledge of due) {
    const behaviour = sepaBehaviour(pledge.payment_method_id);
    if (!behaviour || !pledge.payment_processing_at) continue;
    if (new Date(pledge.payment_processing_at).getTime() + SEPA_SETTLEMENT_DELAY[behaviour] > now.getTime())
      continue;
    const succeeds = behaviour === "sepa_succeeds" || behaviour === "sepa_succeeds_later";
    await inTransaction(db, async (trx) => {
      if (pledge.payment_intent_id) {
        await trx
          .updateTable("simulated_payments")
          .set({ outcome: succeeds ? "succeeded" : "sepa_debit_failed" })
          .where("kind", "=", "charge")
          .where("reference", "=", pledge.payment_intent_id)
          .where("outcome", "=", "processing")
          .execute();
      }
      if (succeeds) {
        await collectPledge(trx, pledge.id, { paymentIntentId: pledge.payment_intent_id }, now);
      } else {
        await recordPaymentFailure(
          trx,
          pledge.id,
          "insufficient_funds: The bank refused the SEPA debit (insufficient funds).",
          now,
        );
      }
    });
    settled++;
  }
  return settled;
}
