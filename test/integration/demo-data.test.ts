// The demo data a fresh install shows: La Machinerie at about 40 % of 15 000 €, seeded once,
// through the domain's own functions (app/demo/), so its numbers hold the invariants real ones do.
import { expect, test } from "vitest";
import { getCampaignPage, recomputeTotals } from "~/campaigns/campaigns.server";
import { seedDemo } from "~/demo/demo.server";
import { campaignStatement } from "~/payouts/statement.server";
import { payoutQueue } from "~/payouts/views.server";
import { useTestDatabase } from "../support/database";
import { invariantViolations } from "../support/invariants";

const siteUrl = "http://localhost:3000";

const database = useTestDatabase();
const now = new Date("2026-11-24T11:00:00.000Z");

test("the first seed creates the live demo campaign, a funded one and a draft", async () => {
  const result = await seedDemo(database(), now);
  expect(result).toEqual({
    created: ["la-machinerie", "fournil-de-la-briqueterie", "repair-cafe-mobile"],
    skipped: [],
  });
  const rows = await database()
    .db.selectFrom("campaigns")
    .select(["slug", "status"])
    .orderBy("slug")
    .execute();
  expect(rows).toEqual([
    { slug: "fournil-de-la-briqueterie", status: "succeeded" },
    { slug: "la-machinerie", status: "live" },
    { slug: "repair-cafe-mobile", status: "draft" },
  ]);
});

test("La Machinerie: 15 000 € in 15 days, all or nothing, ending at the end of a Paris day", async () => {
  const campaign = await database()
    .db.selectFrom("campaigns")
    .selectAll()
    .where("slug", "=", "la-machinerie")
    .executeTakeFirstOrThrow();
  expect(campaign).toMatchObject({
    goal_amount: 1_500_000,
    currency: "EUR",
    duration_days: 15,
    funding_model: "all_or_nothing",
    time_zone: "Europe/Paris",
    launched_at: "2026-11-18T11:00:00.000Z",
    // Launched on 18 November, its 15th day is 2 December; 23:59:59.999 in Paris is 22:59:59.999 UTC.
    deadline_at: "2026-12-02T22:59:59.999Z",
  });
  const percent = (campaign.pledged_amount * 100) / campaign.goal_amount;
  expect(percent).toBeGreaterThanOrEqual(35);
  expect(percent).toBeLessThanOrEqual(45);
});

test("every seeded campaign's running totals equal the sum of its pledge rows", async () => {
  const { db } = database();
  const campaigns = await db
    .selectFrom("campaigns")
    .select(["id", "pledged_amount", "backer_count"])
    .execute();
  for (const campaign of campaigns) {
    expect(await recomputeTotals(db, campaign.id)).toEqual({
      pledged: campaign.pledged_amount,
      backers: campaign.backer_count,
    });
  }
  const tiers = await db
    .selectFrom("reward_tiers")
    .leftJoin("pledges", "pledges.tier_id", "reward_tiers.id")
    .select((eb) => [
      "reward_tiers.id",
      "reward_tiers.claimed_count",
      eb.fn.count<number>("pledges.id").as("pledges"),
    ])
    .groupBy(["reward_tiers.id", "reward_tiers.claimed_count"])
    .execute();
  for (const tier of tiers) expect(Number(tier.pledges)).toBe(tier.claimed_count);
  // The same checks a crash test makes, and every ledger transaction balanced.
  expect(await invariantViolations(db)).toEqual([]);
});

test("La Machinerie's 97 backers gave 6 120 €, each with a card saved on the simulated checkout", async () => {
  const { db } = database();
  const campaign = await db
    .selectFrom("campaigns")
    .select(["id", "pledged_amount", "backer_count"])
    .where("slug", "=", "la-machinerie")
    .executeTakeFirstOrThrow();
  expect(campaign).toMatchObject({ pledged_amount: 612_000, backer_count: 97 });
  const pledges = await db
    .selectFrom("pledges")
    .select(["status", "gateway", "payment_method_id", "committed_at"])
    .where("campaign_id", "=", campaign.id)
    .execute();
  expect(pledges).toHaveLength(97);
  for (const pledge of pledges) {
    expect(pledge).toMatchObject({
      status: "committed",
      gateway: "simulated",
      payment_method_id: "sim_pm_card_visa",
    });
    expect(pledge.committed_at! < now.toISOString()).toBe(true);
  }
});

test("milestones already passed are recorded, when the total crossed them, and nobody is emailed", async () => {
  const { db } = database();
  const milestones = await db
    .selectFrom("campaign_milestones")
    .innerJoin("campaigns", "campaigns.id", "campaign_milestones.campaign_id")
    .select([
      "campaigns.slug",
      "campaigns.launched_at",
      "campaign_milestones.milestone",
      "campaign_milestones.reached_at",
    ])
    .orderBy("campaigns.slug")
    .orderBy("campaign_milestones.reached_at")
    .execute();
  expect(milestones.map((m) => [m.slug, m.milestone])).toEqual([
    ["fournil-de-la-briqueterie", "25"],
    ["fournil-de-la-briqueterie", "50"],
    ["fournil-de-la-briqueterie", "75"],
    ["fournil-de-la-briqueterie", "100"],
    ["la-machinerie", "25"],
  ]);
  for (const m of milestones) {
    expect(m.reached_at > m.launched_at!).toBe(true);
    expect(m.reached_at < now.toISOString()).toBe(true);
  }
  // The demo's backers and owners are made up: no confirmation, milestone or receipt waits for them.
  const { count } = await db
    .selectFrom("email_outbox")
    .select((eb) => eb.fn.countAll<number>().as("count"))
    .executeTakeFirstOrThrow();
  expect(Number(count)).toBe(0);
});

test("the demo has five tiers, two limited with one sold out, and two stretch goals, in French and English", async () => {
  const { db } = database();
  const fr = await getCampaignPage(db, { siteUrl, slug: "la-machinerie", locale: "fr", now });
  const en = await getCampaignPage(db, { siteUrl, slug: "la-machinerie", locale: "en", now });
  expect(fr?.tiers).toHaveLength(5);
  expect(fr?.tiers.filter((t) => t.stockLimit !== null)).toHaveLength(2);
  expect(fr?.tiers.filter((t) => t.soldOut).map((t) => t.title)).toEqual(["Pass coworking lève-tôt"]);
  expect(en?.tiers.filter((t) => t.soldOut).map((t) => t.title)).toEqual(["Early-bird coworking pass"]);
  expect(fr?.stretchGoals.map((g) => g.target)).toEqual([2_000_000, 2_500_000]);
  expect(fr?.title).toBe("La Machinerie : 15 000 € en 15 jours");
  expect(en?.title).toBe("La Machinerie: 15 000 € in 15 days");
  expect(fr?.storyHtml).toContain("<h2>Un lieu pour fabriquer ensemble</h2>");
  expect(en?.storyHtml).toContain("<h2>A place to make things together</h2>");
});

test("La Machinerie has a risks text and two FAQ entries, in French and English; the others have none", async () => {
  const { db } = database();
  const fr = await getCampaignPage(db, { siteUrl, slug: "la-machinerie", locale: "fr", now });
  const en = await getCampaignPage(db, { siteUrl, slug: "la-machinerie", locale: "en", now });
  expect(fr?.risksHtml).toContain("<strong>les travaux d'électricité</strong>");
  expect(en?.risksHtml).toContain("<strong>the electrical work</strong>");
  expect(fr?.faq.map((f) => f.question)).toEqual([
    "Faut-il habiter Amiens pour soutenir le projet ?",
    "Quand ma carte est-elle débitée ?",
  ]);
  expect(en?.faq.map((f) => f.question)).toEqual([
    "Do I need to live in Amiens to back the project?",
    "When is my card charged?",
  ]);
  expect(fr?.faq[1]?.answerHtml).toContain("<strong>15 000 €</strong>");
  const funded = await getCampaignPage(db, { siteUrl, slug: "fournil-de-la-briqueterie", locale: "fr", now });
  expect(funded?.faq).toEqual([]);
  expect(funded?.risksHtml).toBe("");
});

test("seeding again creates nothing and changes no total", async () => {
  const { db } = database();
  const before = await db
    .selectFrom("campaigns")
    .select(["slug", "pledged_amount", "backer_count"])
    .orderBy("slug")
    .execute();
  const result = await seedDemo(database(), new Date("2026-11-25T11:00:00.000Z"));
  expect(result.created).toEqual([]);
  expect(result.skipped).toHaveLength(3);
  const after = await db
    .selectFrom("campaigns")
    .select(["slug", "pledged_amount", "backer_count"])
    .orderBy("slug")
    .execute();
  expect(after).toEqual(before);
  const { count } = await db
    .selectFrom("users")
    .select((eb) => eb.fn.countAll<number>().as("count"))
    .executeTakeFirstOrThrow();
  expect(count).toBe(3);
});

test("the funded demo campaign's collected pledges are in the ledger, ready for an admin's payout", async () => {
  const { db } = database();
  const campaign = await db
    .selectFrom("campaigns")
    .selectAll()
    .where("slug", "=", "fournil-de-la-briqueterie")
    .executeTakeFirstOrThrow();
  // Closed at its deadline, every card charged then by the charge run.
  expect(campaign).toMatchObject({
    closed_at: campaign.deadline_at,
    final_pledged_amount: 642_000,
    final_backer_count: 112,
  });
  const pledges = await db
    .selectFrom("pledges")
    .select(["status", "collected_at", "charge_id"])
    .where("campaign_id", "=", campaign.id)
    .execute();
  expect(pledges).toHaveLength(112);
  for (const pledge of pledges) {
    expect(pledge).toMatchObject({ status: "collected", collected_at: campaign.deadline_at });
    expect(pledge.charge_id).toMatch(/^sim_ch_/);
  }
  const statement = await campaignStatement(db, campaign.id, 500);
  expect(statement.collected).toBe(campaign.pledged_amount);
  expect(statement.stripeFees).toBeGreaterThan(0);
  const queue = await payoutQueue(db, 500);
  expect(queue.toReview.map((c) => [c.campaignId, c.statement.due])).toEqual([[campaign.id, statement.due]]);
});
