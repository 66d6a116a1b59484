// The offline demo's SEPA Direct Debit, through the real checkout route: Stripe's test IBANs, a debit
// that stays `processing` until the simulated bank answers (a job), then collected or failed.
import { expect, test } from "vitest";
import { recomputeTotals } from "~/campaigns/campaigns.server";
import { beginCheckout } from "~/checkout/checkout.server";
import { createSimulatedGateway, SEPA_SETTLEMENT_DELAY } from "~/payments/simulated.server";
import { settleSimulatedDebits } from "~/checkout/simulated-checkout.server";
import { campaignStatement } from "~/payouts/statement.server";
import { runChargeRun } from "~/pledges/charging.server";
import { getPledge } from "~/pledges/pledges.server";
import { action as checkoutAction, loader as checkoutLoader } from "~/routes/checkout.simulated.$session";
import { testContext } from "../support/context";
import { createCampaign, pledgeRequest } from "../support/factories";
import { callRoute } from "../support/routes";
import { useTestDatabase } from "../support/database";

const database = useTestDatabase();
const start = new Date("2026-11-25T10:00:00.000Z");
const later = (ms: number) => new Date(start.getTime() + ms);

async function checkout(fundingModel: "all_or_nothing" | "flexible", currency = "EUR") {
  const { db } = database();
  const gateway = createSimulatedGateway(db);
  const campaign = await createCampaign(db, { funding_model: fundingModel, currency, goal_amount: 1_000 });
  const { pledge } = await beginCheckout(
    { db, gateway, publicUrl: "http://localhost:3000", secret: "s".repeat(40) },
    pledgeRequest(campaign, 5_000, { backerName: "Léa Martin", backerEmail: "lea@example.org" }),
    { slug: "atelier", title: "L'atelier", fundingModel },
    start,
  );
  const context = testContext(database(), { gateway, clock: () => start });
  const session = pledge.checkout_session_id!;
  const pay = (form: Record<string, string>) =>
    callRoute<{ errors: Record<string, string> }>(checkoutAction, {
      url: `http://localhost:3000/checkout/simulated/${session}`,
      params: { session },
      context,
      form: { intent: "sepa", ...form },
    });
  return { campaign, pledgeId: pledge.id, gateway, context, session, pay };
}

async function counted(campaignId: string) {
  const { db } = database();
  const row = await db
    .selectFrom("campaigns")
    .select(["pledged_amount", "backer_count"])
    .where("id", "=", campaignId)
    .executeTakeFirstOrThrow();
  expect(await recomputeTotals(db, campaignId)).toEqual({
    pledged: row.pledged_amount,
    backers: row.backer_count,
  });
  return row;
}

const emails = (pledgeId: string, kind: string) =>
  database()
    .db.selectFrom("email_outbox")
    .select("dedupe_key")
    .where("pledge_id", "=", pledgeId)
    .where("kind", "=", kind)
    .execute();

test("flexible: AT61… is debited at once, counts while processing, and is collected once the bank answers", async () => {
  const { db } = database();
  const { campaign, pledgeId, pay } = await checkout("flexible");
  const paid = await pay({ accountHolder: "Léa Martin", iban: "AT61 1904 3002 3457 3201" });
  expect(paid.status).toBe(302);
  expect(paid.location).toMatch(new RegExp(`^/pledges/${pledgeId}\\?token=`));
  expect(await getPledge(db, pledgeId)).toMatchObject({
    status: "committed",
    payment_method_id: "sim_pm_sepa_debit_sepa_succeeds",
    payment_processing_at: start.toISOString(),
  });
  expect(await counted(campaign)).toEqual({ pledged_amount: 5_000, backer_count: 1 });

  // The bank has not answered yet.
  expect(await settleSimulatedDebits(db, later(SEPA_SETTLEMENT_DELAY.sepa_succeeds - 1_000))).toBe(0);
  expect((await getPledge(db, pledgeId))?.status).toBe("committed");
  expect(await settleSimulatedDebits(db, later(SEPA_SETTLEMENT_DELAY.sepa_succeeds))).toBe(1);
  expect(await getPledge(db, pledgeId)).toMatchObject({ status: "collected", payment_processing_at: null });
  expect((await campaignStatement(db, campaign, 500)).collected).toBe(5_000);
  expect(await emails(pledgeId, "payment_collected")).toHaveLength(1);
  // Settled once: a later run has nothing left.
  expect(await settleSimulatedDebits(db, later(10 * 60_000))).toBe(0);
});

test("all-or-nothing: AT86… saves the mandate, the deadline's debit is processing, then fails and only then emails", async () => {
  const { db, engine } = database();
  const { campaign, pledgeId, pay, gateway } = await checkout("all_or_nothing");
  expect((await pay({ accountHolder: "Léa Martin", iban: "at86 1904 3002 3547 3202" })).status).toBe(302);
  expect(await getPledge(db, pledgeId)).toMatchObject({ status: "committed", payment_processing_at: null });

  await db.updateTable("campaigns").set({ status: "succeeded" }).where("id", "=", campaign).execute();
  const closed = later(15 * 86_400_000);
  expect(await runChargeRun({ db, engine, gateway, clock: () => closed }, { rate: 100 })).toEqual({
    charged: 0,
    processing: 1,
    failed: 0,
    errors: 0,
  });
  expect(await getPledge(db, pledgeId)).toMatchObject({ status: "committed", charge_attempts: 1 });
  expect(await emails(pledgeId, "payment_failed")).toEqual([]);
  expect(await counted(campaign)).toEqual({ pledged_amount: 5_000, backer_count: 1 });

  const answered = new Date(closed.getTime() + SEPA_SETTLEMENT_DELAY.sepa_fails);
  expect(await settleSimulatedDebits(db, answered)).toBe(1);
  expect(await getPledge(db, pledgeId)).toMatchObject({
    status: "payment_failed",
    payment_processing_at: null,
    payment_failed_at: answered.toISOString(),
  });
  expect(await emails(pledgeId, "payment_failed")).toEqual([{ dedupe_key: `payment-failed:${pledgeId}:1` }]);
  const outcome = await db
    .selectFrom("simulated_payments")
    .select("outcome")
    .where("pledge_id", "=", pledgeId)
    .executeTakeFirstOrThrow();
  expect(outcome.outcome).toBe("sepa_debit_failed");
});

test("the IBAN form explains what is wrong, and a campaign in another currency offers no SEPA", async () => {
  const { pay, pledgeId } = await checkout("flexible");
  const short = await pay({ accountHolder: "Léa Martin", iban: "AT61 1904" });
  expect(short.status).toBe(400);
  expect(short.data?.errors).toEqual({ iban: "checkout.error.iban" });
  const unknown = await pay({ accountHolder: "", iban: "FR14 2004 1010 0505 0001 3M02 606" });
  expect(unknown.status).toBe(400);
  expect(unknown.data?.errors).toEqual({ accountHolder: "checkout.error.accountHolder" });
  const real = await pay({ accountHolder: "Léa Martin", iban: "DE89 3704 0044 0532 0130 00" });
  expect(real.data?.errors).toEqual({ iban: "checkout.error.unknownIban" });
  expect((await getPledge(database().db, pledgeId))?.status).toBe("pending");

  const chf = await checkout("flexible", "CHF");
  const page = await callRoute<{ sepa: boolean }>(checkoutLoader, {
    url: `http://localhost:3000/checkout/simulated/${chf.session}`,
    params: { session: chf.session },
    context: chf.context,
  });
  expect(page.data?.sepa).toBe(false);
  expect((await chf.pay({ accountHolder: "Léa Martin", iban: "AT611904300234573201" })).status).toBe(409);
});
