// Money actions run by several real processes at once, or killed in the middle: each child process
// has its own connection to the same database (SQLite and PostgreSQL) and the real Stripe SDK against
// the local Stripe server. Kept apart from the in-process tests because StrykerJS cannot reach into a
// child process (its active mutant lives in the test worker), so test/mutation/vitest.config.ts
// leaves this file out: it would only add minutes to every mutant.
import { spawn } from "node:child_process";
import { resolve } from "node:path";
import { afterAll, beforeAll, expect, test } from "vitest";
import type { PaymentGateway } from "~/payments/gateway";
import { createStripeGateway } from "~/payments/stripe.server";
import { chargeKey } from "~/pledges/charging.server";
import { getPledge } from "~/pledges/pledges.server";
import { unbalancedTransactions } from "../support/ledger";
import { useTestDatabase } from "../support/database";
import { startStripeServer, type FakeStripe } from "../support/stripe-server";
import {
  intentsOf,
  refundedByDatabase,
  refundedEverywhere,
  stripeCampaignWith,
  stripeCollectedPledge,
} from "../support/stripe-pledges";

const database = useTestDatabase();
const now = new Date("2026-11-30T12:00:00.000Z");
let fake: FakeStripe;
let gateway: PaymentGateway;

beforeAll(async () => {
  fake = await startStripeServer();
  gateway = createStripeGateway({ secretKey: fake.apiKey, apiUrl: fake.url });
});
afterAll(async () => {
  await fake?.close();
});

const root = resolve(import.meta.dirname, "../..");

test("three processes refunding one pledge at once, each on its own connection, refund no more than was charged", async () => {
  const { db, url } = database();
  const { campaign, pledgeId } = await stripeCollectedPledge(database(), fake, gateway, 7_000, now);
  const child = (amounts: number[]) =>
    new Promise<{ succeeded: number; refused: string[] }>((done, fail) => {
      const worker = spawn(resolve(root, "node_modules/.bin/tsx"), ["test/support/refund-child.ts"], {
        cwd: root,
        env: {
          PATH: process.env.PATH,
          DATABASE_URL: url,
          STRIPE_SECRET_KEY: fake.apiKey,
          STRIPE_API_URL: fake.url,
          PLEDGE_ID: pledgeId,
          REFUNDS: amounts.join(","),
          NODE_ENV: "test",
        },
        stdio: ["ignore", "pipe", "pipe"],
      });
      let out = "";
      let err = "";
      worker.stdout.on("data", (chunk: Buffer) => (out += chunk.toString()));
      worker.stderr.on("data", (chunk: Buffer) => (err += chunk.toString()));
      worker.once("exit", (code) =>
        code === 0
          ? done(JSON.parse(out.trim().split("\n").at(-1)!))
          : fail(new Error(`exit ${code}: ${err}`)),
      );
    });
  // 12 refunds of 25 to 30,50 €: at most two fit in 70 €.
  const reports = await Promise.all([
    child([2_500, 2_600, 2_700, 2_800]),
    child([2_550, 2_650, 2_750, 2_850]),
    child([2_900, 2_950, 3_000, 3_050]),
  ]);
  const succeeded = reports.reduce((n, r) => n + r.succeeded, 0);
  expect(succeeded).toBeGreaterThanOrEqual(1);
  expect(succeeded).toBeLessThanOrEqual(2);
  for (const code of reports.flatMap((r) => r.refused)) expect(code).toBe("bad_refund_amount");
  const intent = (await getPledge(db, pledgeId))!.payment_intent_id;
  const atStripe = [...fake.refunds.values()].filter((r) => r.payment_intent === intent);
  const stripeTotal = atStripe.reduce((sum, r) => sum + r.amount, 0);
  expect(atStripe).toHaveLength(succeeded);
  expect(stripeTotal).toBeLessThanOrEqual(7_000);
  expect(await refundedByDatabase(db, pledgeId, campaign)).toEqual(refundedEverywhere(stripeTotal));
  expect(await unbalancedTransactions(db)).toEqual([]);
}, 60_000);

test("a worker killed with SIGKILL mid-run, started again, charges nobody twice and finishes", async () => {
  const { pledges } = await stripeCampaignWith(
    database().db,
    fake,
    Array.from({ length: 30 }, () => "visa" as const),
    1_500,
  );
  const child = (offsetMs: number) =>
    spawn(resolve(root, "node_modules/.bin/tsx"), ["test/support/charge-run-child.ts"], {
      cwd: root,
      env: {
        PATH: process.env.PATH,
        DATABASE_URL: database().url,
        STRIPE_SECRET_KEY: fake.apiKey,
        STRIPE_API_URL: fake.url,
        CHARGE_RATE: "15",
        NOW_OFFSET_MS: String(offsetMs),
        NODE_ENV: "test",
      },
      stdio: ["ignore", "pipe", "pipe"],
    });

  const first = child(0);
  // Let it charge some, then kill it without warning.
  const deadline = Date.now() + 20_000;
  while (pledges.filter((p) => intentsOf(fake, p).length > 0).length < 8) {
    if (Date.now() > deadline) throw new Error("The first worker charged nothing");
    await new Promise((r) => setTimeout(r, 20));
  }
  first.kill("SIGKILL");
  await new Promise((r) => first.once("exit", r));
  const chargedBeforeCrash = pledges.filter((p) => intentsOf(fake, p).length > 0).length;
  expect(chargedBeforeCrash).toBeLessThan(30);

  // Restarted later (its dead claims have gone stale), the worker finishes the run.
  const second = child(10 * 60_000);
  let output = "";
  second.stdout.on("data", (chunk: Buffer) => (output += chunk.toString()));
  second.stderr.on("data", (chunk: Buffer) => (output += chunk.toString()));
  const code = await new Promise((r) => second.once("exit", r));
  expect(code, output).toBe(0);

  for (const pledgeId of pledges) {
    const intents = intentsOf(fake, pledgeId);
    expect(intents, `pledge ${pledgeId}`).toHaveLength(1);
    expect(intents[0]?.status).toBe("succeeded");
    expect(await getPledge(database().db, pledgeId)).toMatchObject({
      status: "collected",
      charge_attempts: 1,
    });
  }
  // Replays of a key (the charges in flight when it died) came back from Stripe's idempotency.
  const keys = fake.requests
    .filter(
      (r) =>
        r.path === "/v1/payment_intents" && pledges.some((p) => r.idempotencyKey?.startsWith(`pledge-${p}-`)),
    )
    .map((r) => r.idempotencyKey);
  expect(new Set(keys)).toEqual(new Set(pledges.map((p) => chargeKey(p, 1))));
}, 60_000);
