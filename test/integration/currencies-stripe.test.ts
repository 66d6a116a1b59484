// Currencies as Stripe counts them, from the pledge form to the owner's payout, through the real SDK
// against the local server (which refuses what Stripe refuses): JPY (no decimals), ISK and HUF (Intl
// says no decimals, Stripe counts hundredths) and KWD (thousandths ending in 0). docs/decisions/022.
import { randomUUID } from "node:crypto";
import type Stripe from "stripe";
import { afterAll, beforeAll, expect, test } from "vitest";
import { closeCampaignsDue } from "~/campaigns/closing.server";
import { minimumPledge } from "~/lib/currencies";
import { formatMoney } from "~/lib/money";
import { beginCheckout } from "~/checkout/checkout.server";
import { createStripeGateway } from "~/payments/stripe.server";
import { applyStripeEvent } from "~/checkout/webhooks.server";
import { payoutAccountOf, startOnboarding } from "~/payouts/accounts.server";
import { campaignStatement } from "~/payouts/statement.server";
import { recordProviderFees } from "~/payouts/provider-fees.server";
import { approvePayout, getPayout, sendApprovedPayouts } from "~/payouts/payouts.server";
import { runChargeRun } from "~/pledges/charging.server";
import { pledgeFormSchema } from "~/pledges/pledge-form";
import { getPledge } from "~/pledges/pledges.server";
import { createCampaign, createUser } from "../support/factories";
import { startStripeServer, type FakeStripe } from "../support/stripe-server";
import { unbalancedTransactions } from "../support/ledger";
import { useTestDatabase } from "../support/database";

const database = useTestDatabase();
const admin = { id: null, email: "admin@example.org" };
let fake: FakeStripe;
let gateway: ReturnType<typeof createStripeGateway>;

beforeAll(async () => {
  fake = await startStripeServer();
  gateway = createStripeGateway({ secretKey: fake.apiKey, apiUrl: fake.url });
});
afterAll(async () => {
  await fake?.close();
});

// The local server checks Checkout's expires_at against the real clock, as Stripe does: real time.
const now = () => new Date();
const deps = () => ({ db: database().db, gateway, defaultFeeBps: 500 });

async function apply(events: Stripe.Event[]) {
  for (const event of events) await applyStripeEvent(database().db, event, now());
}

/** What a backer types, read by the pledge form's own schema, as the action reads it. */
function typed(amount: string, currency: string): number {
  const parsed = pledgeFormSchema({
    currency,
    locale: "fr-FR",
    fundingModel: "all_or_nothing",
    tiers: [],
  }).parse({
    tierId: "",
    amount,
    name: "Sigríður",
    email: "sigga@example.org",
    comment: "",
    consent: "on",
    submissionKey: randomUUID(),
  });
  return parsed.amount;
}

const nbsp = (text: string) => text.replace(/[\u00a0\u202f]/g, " ");

test.each([
  // currency, typed by backers, their Stripe amounts, as the page writes the first
  ["JPY", ["5 000", "12000"], [5_000, 12_000], "5 000 JPY"],
  ["ISK", ["2 000", "15000"], [200_000, 1_500_000], "2 000 ISK"],
  ["HUF", ["1 500", "20000"], [150_000, 2_000_000], "1 500 HUF"],
  ["KWD", ["12,50", "3,125"], [12_500, 3_125_000], "12,500 KWD"],
])(
  "a %s campaign from the pledge form to the owner's payout, every amount as Stripe counts it",
  async (currency, inputs, amounts, firstShown) => {
    const { db, engine } = database();
    // KWD "3,125" is ambiguous (thousands or decimals): the backer writes it unmistakably.
    const read = inputs.map((input) =>
      input === "3,125" ? typed("3125", currency) : typed(input, currency),
    );
    expect(read).toEqual(amounts);
    expect(nbsp(formatMoney(amounts[0]!, currency, "fr-FR"))).toBe(firstShown);

    const email = `owner-${randomUUID().slice(0, 8)}@example.org`;
    const owner = { id: await createUser(db, { email }), email };
    const urls = { refreshUrl: "http://localhost:3000/a", returnUrl: "http://localhost:3000/b" };
    await startOnboarding({ db, gateway }, owner, urls, now());
    const accountId = (await payoutAccountOf(db, owner.id))!.accountId;
    await apply(fake.completeOnboarding(accountId));

    const deadline = new Date(Date.now() + 10 * 86_400_000);
    const campaign = await createCampaign(db, {
      owner_id: owner.id,
      currency,
      goal_amount: amounts[0]!,
      deadline_at: deadline.toISOString(),
    });
    const pledges: string[] = [];
    for (const [i, amount] of amounts.entries()) {
      const { pledge } = await beginCheckout(
        { db, gateway, publicUrl: "http://localhost:3000", secret: "s".repeat(40) },
        {
          campaignId: campaign,
          tierId: null,
          amount,
          backerName: `Backer ${i}`,
          backerEmail: `backer-${i}@example.org`,
          comment: null,
          anonymous: false,
          locale: "fr",
          submissionKey: randomUUID(),
        },
        { slug: "atelier", title: "L'atelier", fundingModel: "all_or_nothing" },
        now(),
      );
      expect(fake.sessions.get(pledge.checkout_session_id!)?.currency).toBe(currency.toLowerCase());
      await apply(fake.completeCheckout(pledge.checkout_session_id!));
      expect(await getPledge(db, pledge.id)).toMatchObject({ status: "committed" });
      pledges.push(pledge.id);
    }

    // The deadline passes: the campaign succeeds and the charge run charges each saved card.
    const after = new Date(deadline.getTime() + 1_000);
    await closeCampaignsDue(db, after);
    const report = await runChargeRun({ db, engine, gateway, clock: () => after }, { rate: 100 });
    expect(report).toEqual({ charged: amounts.length, processing: 0, failed: 0, errors: 0 });
    for (const [i, pledgeId] of pledges.entries()) {
      const pledge = (await getPledge(db, pledgeId))!;
      expect(pledge.status).toBe("collected");
      // Stripe takes exactly what the backer typed and the page shows: not a hundredth, not 100 times.
      expect(fake.paymentIntents.get(pledge.payment_intent_id!)).toMatchObject({
        amount: amounts[i],
        currency: currency.toLowerCase(),
        status: "succeeded",
      });
    }

    expect(await recordProviderFees(db, gateway, now())).toBe(amounts.length);
    const { due } = await campaignStatement(db, campaign, 500);
    const payout = await approvePayout(
      deps(),
      { campaignId: campaign, expectedAmount: due, actor: admin },
      now(),
    );
    // Card funds stay pending at Stripe for days: the payout waits for them (decision 020)…
    expect(payout).toMatchObject({ status: "approved", amount: due, currency, transfer_id: null });
    expect(payout.funds_available_at).toEqual(expect.any(String));
    // …and the job sends it once they are available.
    expect(fake.releaseFunds(currency.toLowerCase())).toBeGreaterThan(0);
    await sendApprovedPayouts(deps(), new Date(Date.parse(payout.funds_available_at!) + 60_000));
    const sent = await getPayout(db, payout.id);
    expect(sent).toMatchObject({ status: "sent", amount: due, currency });
    const transfer = fake.transfers.get(sent.transfer_id!);
    expect(transfer).toMatchObject({ amount: due, currency: currency.toLowerCase(), destination: accountId });
    expect(await unbalancedTransactions(db)).toEqual([]);
  },
);

test("a pledge below the currency's minimum is refused by the form before Stripe could refuse it", () => {
  const refusal = (amount: string, currency: string) =>
    pledgeFormSchema({ currency, locale: "fr-FR", fundingModel: "flexible", tiers: [] })
      .safeParse({
        tierId: "",
        amount,
        name: "A",
        email: "a@example.org",
        comment: "",
        submissionKey: randomUUID(),
      })
      .error?.issues.map((i) => i.message);
  expect(minimumPledge("JPY")).toBe(200);
  expect(refusal("199", "JPY")).toEqual(["pledge.error.amountBelowCurrencyMinimum"]);
  expect(refusal("200", "JPY")).toBeUndefined();
  expect(refusal("149", "ISK")).toEqual(["pledge.error.amountBelowCurrencyMinimum"]);
  expect(refusal("150", "ISK")).toBeUndefined();
  // Fractions Stripe would refuse cannot even be typed.
  expect(refusal("150,50", "ISK")).toEqual(["pledge.error.amountDecimals"]);
  expect(refusal("400,50", "HUF")).toEqual(["pledge.error.amountDecimals"]);
  expect(refusal("1,2345", "KWD")).toEqual(["pledge.error.amountDecimals"]);
  expect(refusal("0,34", "KWD")).toEqual(["pledge.error.amountBelowCurrencyMinimum"]);
  expect(refusal("0,35", "KWD")).toBeUndefined();
});
