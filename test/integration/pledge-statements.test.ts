// Issue #14: a whole pledge — the pledge form's action and the simulated checkout's — sends at most
// 15 SQL statements, counted by Kysely's query log on a handle opened for this test on the real
// database (begin and commit, which the log shows on SQLite, are not counted). Each statement is a round trip that a
// hot campaign's pledges queue behind on PostgreSQL.
import { randomUUID } from "node:crypto";
import { expect, test } from "vitest";
import { openDatabase } from "#db/connection.ts";
import { recomputeTotals } from "~/campaigns/campaigns.server";
import { action as pledgeAction } from "~/routes/campaigns.$slug_.pledge";
import { action as checkoutAction } from "~/routes/checkout.simulated.$session";
import { testContext } from "../support/context";
import { createCampaign, createTier } from "../support/factories";
import { callRoute } from "../support/routes";
import { useTestDatabase } from "../support/database";

const database = useTestDatabase();
const now = new Date("2026-11-30T12:00:00.000Z");

async function countedPledge(values: { tierId: string; amount: string; slug: string }) {
  const statements: string[] = [];
  const counted = openDatabase(database().url, {
    log: (event) => {
      // Begin and commit are the driver's, around the statements counted.
      if (event.level === "query" && !/^(begin|commit|rollback)\b/i.test(event.query.sql))
        statements.push(event.query.sql);
    },
  });
  try {
    const context = testContext(counted, { clock: () => now });
    const form = await callRoute(pledgeAction, {
      url: `http://localhost:3000/campaigns/${values.slug}/pledge`,
      params: { slug: values.slug },
      context,
      form: {
        tierId: values.tierId,
        amount: values.amount,
        name: "Camille Dupont",
        email: "camille@example.org",
        comment: "",
        consent: "on",
        submissionKey: randomUUID(),
      },
      headers: { "Accept-Language": "fr" },
    });
    expect(form.status).toBe(302);
    const session = /\/checkout\/simulated\/([^/?]+)/.exec(form.location ?? "")?.[1] ?? "";
    const pay = await callRoute(checkoutAction, {
      url: `http://localhost:3000/checkout/simulated/${session}`,
      params: { session },
      context,
      form: { cardNumber: "4242 4242 4242 4242", expiry: "12/30", cvc: "123", intent: "pay" },
    });
    expect(pay.status).toBe(302);
    return statements;
  } finally {
    await counted.db.destroy();
  }
}

test("a whole pledge with a limited reward sends at most 15 SQL statements", async () => {
  const { db } = database();
  const slug = `compte-${randomUUID().slice(0, 8)}`;
  const campaign = await createCampaign(db, { slug, goal_amount: 100_000 });
  const tierId = await createTier(db, campaign, { min_amount: 2_000, stock_limit: 10 });
  const statements = await countedPledge({ slug, tierId, amount: "20" });
  expect(statements.length, statements.join("\n")).toBeLessThanOrEqual(15);
  const stored = await db
    .selectFrom("campaigns")
    .select(["pledged_amount", "backer_count"])
    .where("id", "=", campaign)
    .executeTakeFirstOrThrow();
  expect(stored).toEqual({ pledged_amount: 2_000, backer_count: 1 });
  expect(await recomputeTotals(db, campaign)).toEqual({ pledged: 2_000, backers: 1 });
});

// Crossing a milestone (a handful of pledges in a campaign's life) costs three statements more than
// a pledge without a reward: the milestones recorded, the backers to tell, their emails queued.
test("a pledge that crosses a milestone sends at most 16 SQL statements and queues its emails", async () => {
  const { db } = database();
  const slug = `palier-${randomUUID().slice(0, 8)}`;
  const campaign = await createCampaign(db, { slug, goal_amount: 10_000 });
  const statements = await countedPledge({ slug, tierId: "", amount: "100" });
  expect(statements.length, statements.join("\n")).toBeLessThanOrEqual(16);
  const milestones = await db
    .selectFrom("campaign_milestones")
    .select("milestone")
    .where("campaign_id", "=", campaign)
    .orderBy("milestone")
    .execute();
  expect(milestones.map((m) => m.milestone).sort()).toEqual(["100", "25", "50", "75"]);
  // One email of the highest percentage to the backer and one to the owner, beside the confirmation.
  const queued = await db
    .selectFrom("email_outbox")
    .select(["kind", "dedupe_key"])
    .where("campaign_id", "=", campaign)
    .orderBy("dedupe_key")
    .execute();
  expect(queued.map((e) => e.dedupe_key)).toEqual([
    `milestone:${campaign}:100:camille@example.org`,
    `milestone:${campaign}:100:owner`,
    expect.stringMatching(/^pledge-confirmation:/),
  ]);
});
