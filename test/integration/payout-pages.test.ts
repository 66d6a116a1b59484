// The payout pages through their real loaders and actions: the admins' queue and statement page
// (approve, record a bank transfer, override the fee, with every bad input answered field by field
// and what was typed kept), the CSV exports, the owner's read-only statement, and connecting an
// Express account against the local Stripe server.
import type { AppLoadContext } from "@remix-run/node";
import { afterAll, beforeAll, expect, test } from "vitest";
import { applyStripeEvent } from "~/checkout/webhooks.server";
import { createStripeGateway } from "~/payments/stripe.server";
import { auditEntries } from "~/ledger/audit.server";
import { simulatedStripeFee } from "~/ledger/ledger.server";
import { action as followUpAction } from "~/routes/admin.campaigns.$id";
import { action as accountAction, loader as accountLoader } from "~/routes/account.payouts";
import { action as queueAction, loader as queueLoader } from "~/routes/admin.payouts._index";
import { action as statementAction, loader as statementLoader } from "~/routes/admin.payouts.$id";
import { loader as linesCsv } from "~/routes/admin.payouts.$id.lines[.csv]";
import { loader as statementsCsv } from "~/routes/admin.payouts[.csv]";
import { loader as ownerLoader } from "~/routes/manage.campaigns.$id_.statement";
import { loadConfig } from "~/lib/config.server";
import { testContext } from "../support/context";
import { createCampaign } from "../support/factories";
import { collectedPledge } from "../support/ledger";
import { callRoute } from "../support/routes";
import { startStripeServer, type FakeStripe } from "../support/stripe-server";
import { signedInAs } from "../support/users";
import { useTestDatabase } from "../support/database";

const database = useTestDatabase();
const pledgedAt = new Date("2026-11-30T12:00:00.000Z");
let context: AppLoadContext;
let admin: { id: string; cookie: string; csrf: string };
let owner: { id: string; cookie: string; csrf: string };

beforeAll(async () => {
  context = testContext(database(), {
    config: loadConfig({
      SESSION_SECRET: "payout-pages-".padEnd(40, "x"),
      PUBLIC_URL: "http://localhost:3000",
      ADMIN_EMAILS: "payout-admin@example.org",
    }),
    clock: () => new Date("2026-12-10T12:00:00.000Z"),
  });
  admin = await signedInAs(context, "payout-admin@example.org");
  owner = await signedInAs(context, "payout-owner@example.org");
});

async function succeededCampaign(amounts: number[]) {
  const { db } = database();
  const campaign = await createCampaign(db, { owner_id: owner.id, funding_model: "flexible" });
  for (const amount of amounts) await collectedPledge(db, campaign, amount, pledgedAt);
  await db
    .updateTable("campaigns")
    .set({ status: "succeeded", closed_at: pledgedAt.toISOString() })
    .where("id", "=", campaign)
    .execute();
  return campaign;
}

const asAdmin = (form?: Record<string, string>) => ({
  context,
  headers: { Cookie: admin.cookie },
  form: form && { ...form, csrf: admin.csrf },
});

type StatementPage = Awaited<ReturnType<typeof statementLoader>>;
type ActionAnswer = { errors: Record<string, string>; values: Record<string, string>; error: string | null };

test("an admin reviews a campaign, is stopped on a stale amount, approves, and records the bank transfer", async () => {
  const campaign = await succeededCampaign([10_000, 20_000]);
  const url = `http://t/admin/payouts/${campaign}`;
  const params = { id: campaign };

  const queue = await callRoute<Awaited<ReturnType<typeof queueLoader>>>(queueLoader, {
    url: "http://t/admin/payouts",
    ...asAdmin(),
  });
  const listed = queue.data!.queue.toReview.find((c) => c.campaignId === campaign);
  const due = 30_000 - simulatedStripeFee(10_000) - simulatedStripeFee(20_000) - 1_500;
  expect(listed?.statement.due).toBe(due);

  const page = await callRoute<StatementPage>(statementLoader, { url, params, ...asAdmin() });
  expect(page.data).toMatchObject({ approvable: true, method: "bank", statement: { due } });

  const stale = await callRoute<ActionAnswer>(statementAction, {
    url,
    params,
    ...asAdmin({ intent: "approve", expectedAmount: String(due + 100) }),
  });
  expect(stale).toMatchObject({ status: 409, data: { error: "payouts.error.stale" } });

  const approved = await callRoute(statementAction, {
    url,
    params,
    ...asAdmin({ intent: "approve", expectedAmount: String(due) }),
  });
  expect(approved).toMatchObject({ status: 302, location: `/admin/payouts/${campaign}?done=approve` });
  // The same click again (a double submit): refused, nothing more approved.
  const again = await callRoute<ActionAnswer>(statementAction, {
    url,
    params,
    ...asAdmin({ intent: "approve", expectedAmount: String(due) }),
  });
  expect(again).toMatchObject({ status: 409, data: { error: "payouts.error.inFlight" } });

  const after = await callRoute<StatementPage>(statementLoader, { url, params, ...asAdmin() });
  const payout = after.data!.payouts[0]!;
  expect(payout).toMatchObject({ status: "approved", method: "bank", amount: due });

  const noReference = await callRoute<ActionAnswer>(statementAction, {
    url,
    params,
    ...asAdmin({ intent: "mark-paid", payoutId: payout.id, reference: "x" }),
  });
  expect(noReference).toMatchObject({
    status: 400,
    data: {
      errors: { reference: "payouts.error.reference" },
      values: { reference: "x", payoutId: payout.id },
    },
  });
  const paid = await callRoute(statementAction, {
    url,
    params,
    ...asAdmin({ intent: "mark-paid", payoutId: payout.id, reference: "VIR 2026-12-10 / 42" }),
  });
  expect(paid.status).toBe(302);
  const final = await callRoute<StatementPage>(statementLoader, { url, params, ...asAdmin() });
  expect(final.data!.payouts[0]).toMatchObject({ status: "paid", reference: "VIR 2026-12-10 / 42" });
  expect(final.data!.statement).toMatchObject({ paidOut: due, due: 0 });
  expect(final.data!.audit.map((e) => [e.action, e.actorEmail])).toEqual(
    expect.arrayContaining([
      ["payout.approve", "payout-admin@example.org"],
      ["payout.mark_paid", "payout-admin@example.org"],
    ]),
  );

  // The owner reads the same statement, without the admins' reconciliation and audit log.
  const ownerPage = await callRoute<Record<string, unknown>>(ownerLoader, {
    url: `http://t/manage/campaigns/${campaign}/statement`,
    params,
    context,
    headers: { Cookie: owner.cookie },
  });
  expect(ownerPage.data).toMatchObject({ statement: { paidOut: due, due: 0 } });
  expect(Object.keys(ownerPage.data!).sort()).toEqual(["account", "campaign", "payouts", "statement"]);
});

test("a fee override takes a percentage, keeps what was typed when it is wrong, and is audited", async () => {
  const campaign = await succeededCampaign([40_000]);
  const url = `http://t/admin/payouts/${campaign}`;
  const params = { id: campaign };
  const wrong = await callRoute<ActionAnswer>(statementAction, {
    url,
    params,
    ...asAdmin({ intent: "fee", rate: "3,555" }),
  });
  expect(wrong).toMatchObject({
    status: 400,
    data: { errors: { rate: "payouts.error.rate" }, values: { rate: "3,555" } },
  });
  const tooHigh = await callRoute<ActionAnswer>(statementAction, {
    url,
    params,
    ...asAdmin({ intent: "fee", rate: "75" }),
  });
  expect(tooHigh).toMatchObject({ status: 400, data: { error: "payouts.error.rate" } });

  expect(
    (await callRoute(statementAction, { url, params, ...asAdmin({ intent: "fee", rate: "3,5" }) })).status,
  ).toBe(302);
  const page = await callRoute<StatementPage>(statementLoader, { url, params, ...asAdmin() });
  expect(page.data!.campaign.feeOverride).toBe(350);
  expect(page.data!.statement).toMatchObject({ feeBps: 350, platformFee: 1_400 });
  const [entry] = await auditEntries(database().db, { campaignId: campaign });
  expect(entry).toMatchObject({
    action: "fee.override",
    actorEmail: "payout-admin@example.org",
    details: { from: null, to: 350 },
  });

  // Empty: back to the platform's rate.
  expect(
    (await callRoute(statementAction, { url, params, ...asAdmin({ intent: "fee", rate: "" }) })).status,
  ).toBe(302);
  const reset = await callRoute<StatementPage>(statementLoader, { url, params, ...asAdmin() });
  expect(reset.data!.statement.feeBps).toBe(500);
});

test("the CSV exports carry exact decimals, negative amounts as numbers", async () => {
  const campaign = await succeededCampaign([12_345]);
  const all = (await statementsCsv({
    request: new Request("http://t/admin/payouts.csv", {
      headers: { Cookie: admin.cookie, "Accept-Language": "en" },
    }),
    params: {},
    context,
  })) as Response;
  expect(all.headers.get("Content-Type")).toBe("text/csv; charset=utf-8");
  const text = await all.text();
  const [header, ...rows] = text.trim().split("\r\n");
  expect(header).toBe(
    "campaign_id,title,currency,collected,refunds,disputes,stripe_fees,platform_fee_bps,platform_fee,net,paid_out,reversed,due",
  );
  const fee = simulatedStripeFee(12_345);
  const net = 12_345 - fee - 617;
  const decimal = (n: number) => `${Math.trunc(n / 100)}.${String(Math.abs(n) % 100).padStart(2, "0")}`;
  expect(rows).toContain(
    `${campaign},Un projet,EUR,123.45,0.00,0.00,${decimal(fee)},500,6.17,${decimal(net)},0.00,0.00,${decimal(net)}`,
  );
  // In French, as Excel set to French opens it: a BOM, `;`, decimal commas, headers in words.
  const french = await (
    (await statementsCsv({
      request: new Request("http://t/admin/payouts.csv", {
        headers: { Cookie: admin.cookie, "Accept-Language": "fr" },
      }),
      params: {},
      context,
    })) as Response
  ).arrayBuffer();
  // The byte-order mark first (Response.text() would drop it as it decodes).
  expect([...new Uint8Array(french).slice(0, 3)]).toEqual([0xef, 0xbb, 0xbf]);
  const [frenchHeader, ...frenchRows] = new TextDecoder().decode(french).trim().split("\r\n");
  expect(frenchHeader).toBe(
    "Campagne (id);Titre;Devise;Encaissé;Remboursements;Litiges;Frais Stripe;Commission (points de base);Commission;Net;Versé;Repris;Dû",
  );
  expect(frenchRows).toContain(
    `${campaign};Un projet;EUR;123,45;0,00;0,00;${decimal(fee).replace(".", ",")};500;6,17;${decimal(net).replace(".", ",")};0,00;0,00;${decimal(net).replace(".", ",")}`,
  );

  const lines = (await linesCsv({
    request: new Request(`http://t/admin/payouts/${campaign}/lines.csv`, {
      headers: { Cookie: admin.cookie, "Accept-Language": "en" },
    }),
    params: { id: campaign },
    context,
  })) as Response;
  // The simulated gateway has nothing at Stripe to match: only the header.
  expect(await lines.text()).toBe(
    "ref,category,state,currency,our_amount,our_fee,stripe_amount,stripe_fee,stripe_lines\r\n",
  );
});

test("what the statement cannot do is said above its forms; a payout or campaign it cannot find is not found", async () => {
  const campaign = await createCampaign(database().db, { owner_id: owner.id, funding_model: "flexible" });
  await collectedPledge(database().db, campaign, 10_000, pledgedAt);
  const url = `http://t/admin/payouts/${campaign}`;
  const params = { id: campaign };
  // Still live: nothing can be paid out yet.
  const live = await callRoute<ActionAnswer>(statementAction, {
    url,
    params,
    ...asAdmin({ intent: "approve", expectedAmount: "9000" }),
  });
  expect(live).toMatchObject({
    status: 409,
    data: {
      errors: {},
      error: "payouts.error.notPayable",
      values: { intent: "approve", expectedAmount: "9000" },
    },
  });
  const unknownPayout = await callRoute(statementAction, {
    url,
    params,
    ...asAdmin({ intent: "mark-failed", payoutId: crypto.randomUUID(), reason: "Compte clos" }),
  });
  expect(unknownPayout.status).toBe(404);
  const nowhere = crypto.randomUUID();
  const unknownCampaign = await callRoute(statementAction, {
    url: `http://t/admin/payouts/${nowhere}`,
    params: { id: nowhere },
    ...asAdmin({ intent: "approve", expectedAmount: "9000" }),
  });
  expect(unknownCampaign.status).toBe(404);
});

test("the import form answers field by field, and says when Stripe is not configured", async () => {
  const bad = await callRoute<ActionAnswer>(queueAction, {
    url: "http://t/admin/payouts",
    ...asAdmin({ payout: "tr_123", from: "2026-12-10", to: "2026-12-01" }),
  });
  expect(bad).toMatchObject({
    status: 400,
    data: {
      errors: { payout: "payouts.error.stripePayout", to: "payouts.error.range" },
      values: { payout: "tr_123", from: "2026-12-10", to: "2026-12-01" },
    },
  });
  const noStripe = await callRoute<ActionAnswer>(queueAction, {
    url: "http://t/admin/payouts",
    ...asAdmin({ payout: "", from: "", to: "" }),
  });
  expect(noStripe).toMatchObject({ status: 409, data: { error: "payouts.error.noStripe" } });
});

let fake: FakeStripe;
afterAll(() => fake?.close());

test("an owner connects an Express account: Stripe's onboarding link, then account.updated enables payouts", async () => {
  fake = await startStripeServer();
  const stripeContext: AppLoadContext = {
    ...context,
    gateway: createStripeGateway({ secretKey: fake.apiKey, apiUrl: fake.url }),
  };
  const owned = { context: stripeContext, headers: { Cookie: owner.cookie } };
  const before = await callRoute<Awaited<ReturnType<typeof accountLoader>>>(accountLoader, {
    url: "http://t/account/payouts",
    ...owned,
  });
  expect(before.data).toMatchObject({ account: null, stripe: true });

  const form = { csrf: owner.csrf };
  const started = await callRoute(accountAction, { url: "http://t/account/payouts", form, ...owned });
  const [accountId] = [...fake.accounts.keys()];
  expect(started).toMatchObject({ status: 302, location: `${fake.url}/connect/${accountId}` });
  // Twice (a double click, or coming back through the refresh link): the same account, a new link.
  await callRoute(accountAction, { url: "http://t/account/payouts", form, ...owned });
  expect(fake.accounts.size).toBe(1);
  const link = fake.requests.find((r) => r.path === "/v1/account_links");
  expect(link?.params).toMatchObject({
    account: accountId,
    type: "account_onboarding",
    return_url: "http://localhost:3000/account/payouts?return=1",
    refresh_url: "http://localhost:3000/account/payouts?refresh=1",
  });

  // Onboarding finished at Stripe: the webhook says so, and the page reads it back.
  const [updated] = fake.completeOnboarding(accountId!);
  expect((await applyStripeEvent(database().db, updated!, new Date())).outcome).toBe("applied");
  const back = await callRoute<Awaited<ReturnType<typeof accountLoader>>>(accountLoader, {
    url: "http://t/account/payouts?return=1",
    ...owned,
  });
  expect(back.data?.account).toEqual({ accountId, payoutsEnabled: true, detailsSubmitted: true });
  const [restricted] = fake.restrictAccount(accountId!);
  await applyStripeEvent(database().db, restricted!, new Date());
  const later = await callRoute<Awaited<ReturnType<typeof accountLoader>>>(accountLoader, {
    url: "http://t/account/payouts",
    ...owned,
  });
  expect(later.data?.account?.payoutsEnabled).toBe(false);
});

test("a refund from the campaign's follow-up page is in the audit log, with who, what and why", async () => {
  const campaign = await succeededCampaign([5_000]);
  const pledge = await database()
    .db.selectFrom("pledges")
    .select("id")
    .where("campaign_id", "=", campaign)
    .executeTakeFirstOrThrow();
  const refunded = await callRoute(followUpAction, {
    url: `http://t/admin/campaigns/${campaign}`,
    params: { id: campaign },
    ...asAdmin({ pledgeId: pledge.id, amount: "12,50", reason: "Doublon" }),
  });
  expect(refunded.status).toBe(302);
  const [entry] = await auditEntries(database().db, { campaignId: campaign });
  expect(entry).toMatchObject({
    action: "pledge.refund",
    actorEmail: "payout-admin@example.org",
    subjectId: pledge.id,
    details: { amount: 1_250, currency: "EUR", reason: "Doublon" },
  });
});
