// The outbox on a real database: emails are queued with their cause or not at all, never twice,
// milestones announced once per person, unsubscribes honoured at send time.
import { randomUUID } from "node:crypto";
import { expect, test } from "vitest";
import { recordMilestones } from "~/notifications/milestones.server";
import { queueEmail } from "~/notifications/outbox.server";
import { queueDeadlineReminders, queueOwnerDigests } from "~/notifications/reminders.server";
import { unsubscribe } from "~/notifications/unsubscribe.server";
import {
  commitPledge,
  recordRefund,
  collectPledge,
  startPledge,
  type PledgeRequest,
} from "~/pledges/pledges.server";
import { createCampaign, createPledge, createTier, createUser, pledgeRequest } from "../support/factories";
import { useTestDatabase } from "../support/database";

const database = useTestDatabase();
const now = new Date("2026-11-30T12:00:00.000Z");

const request = (campaignId: string, values: Partial<PledgeRequest> = {}) =>
  pledgeRequest(campaignId, 1_000, {
    backerName: "Théo",
    backerEmail: `${randomUUID().slice(0, 8)}@example.org`,
    ...values,
  });

async function pledgeAndCommit(campaignId: string, values: Partial<PledgeRequest> = {}, at = now) {
  const pledge = await startPledge(database().db, request(campaignId, values), at);
  await commitPledge(database().db, pledge.id, {}, at);
  return pledge;
}

async function outbox(campaignId: string) {
  return database()
    .db.selectFrom("email_outbox")
    .select(["kind", "to_email", "dedupe_key", "props", "locale", "status"])
    .where("campaign_id", "=", campaignId)
    .orderBy("created_at")
    .orderBy("dedupe_key")
    .execute();
}

async function newCampaign(goal = 10_000) {
  const { db } = database();
  const owner = await createUser(db, {
    email: `owner-${randomUUID().slice(0, 6)}@example.org`,
    name: "Collectif",
  });
  return createCampaign(db, { owner_id: owner, goal_amount: goal, deadline_at: "2026-12-08T22:59:59.999Z" });
}

test("a committed pledge queues its confirmation, with the campaign's numbers at that moment", async () => {
  const campaign = await newCampaign(100_000);
  const pledge = await pledgeAndCommit(campaign, {
    amount: 4_000,
    locale: "en",
    backerEmail: "hugo@example.org",
  });
  const rows = await outbox(campaign);
  expect(rows.map((r) => [r.kind, r.to_email, r.dedupe_key, r.locale])).toEqual([
    ["pledge_confirmation", "hugo@example.org", `pledge-confirmation:${pledge.id}`, "en"],
  ]);
  expect(JSON.parse(rows[0]!.props)).toMatchObject({
    amount: 4_000,
    fundingModel: "all_or_nothing",
    campaign: {
      raised: 4_000,
      goal: 100_000,
      percent: 4,
      backers: 1,
      url: expect.stringMatching(/^\/campaigns\//),
    },
  });
  // Committing again (a replayed webhook) queues nothing more.
  await commitPledge(database().db, pledge.id, {}, now);
  expect(await outbox(campaign)).toHaveLength(1);
});

test("an email queued in a transaction that rolls back is not queued", async () => {
  const campaign = await newCampaign();
  await expect(
    database()
      .db.transaction()
      .execute(async (trx) => {
        const pledge = await startPledge(trx, request(campaign), now);
        await commitPledge(trx, pledge.id, {}, now);
        throw new Error("something later in the same change failed");
      }),
  ).rejects.toThrow("something later");
  expect(await outbox(campaign)).toEqual([]);
});

test("the same dedupe key is queued once", async () => {
  const campaign = await newCampaign();
  const email = {
    kind: "pledge_dropped" as const,
    dedupeKey: `test:${campaign}`,
    to: "a@example.org",
    name: null,
    locale: "fr",
    props: {
      campaign: {
        title: "T",
        url: "/campaigns/t",
        raised: 0,
        goal: 1,
        currency: "EUR",
        percent: 0,
        backers: 0,
        deadline: null,
        timeZone: "Europe/Paris",
        timeLeft: null,
      },
      amount: 100,
    },
    campaignId: campaign,
  };
  expect(await queueEmail(database().db, email, now)).toBe(1);
  expect(await queueEmail(database().db, email, now)).toBe(0);
});

test("crossing 25 % emails every backer and the owner once; the next pledges do not", async () => {
  const campaign = await newCampaign(10_000);
  await pledgeAndCommit(campaign, { amount: 1_000, backerEmail: "one@example.org" });
  await pledgeAndCommit(campaign, { amount: 1_000, backerEmail: "two@example.org" });
  expect((await outbox(campaign)).filter((r) => r.kind === "milestone_reached")).toEqual([]);
  await pledgeAndCommit(campaign, { amount: 600, backerEmail: "three@example.org", locale: "en" });
  await pledgeAndCommit(campaign, { amount: 100, backerEmail: "four@example.org" });
  const milestones = (await outbox(campaign)).filter((r) => r.kind === "milestone_reached");
  const recipients = milestones.map((r) => r.to_email);
  expect(recipients.filter((e) => !e.startsWith("owner-")).sort()).toEqual([
    "one@example.org",
    "three@example.org",
    "two@example.org",
  ]);
  expect(recipients.filter((e) => e.startsWith("owner-"))).toHaveLength(1);
  const english = milestones.find((r) => r.to_email === "three@example.org")!;
  expect(JSON.parse(english.props)).toMatchObject({
    milestone: { type: "percent", percent: 25 },
    audience: "backer",
  });
  expect(english.locale).toBe("en");
});

test("twenty pledges crossing 50 % at once announce it once per person", async () => {
  const campaign = await newCampaign(10_000);
  await pledgeAndCommit(campaign, { amount: 4_900, backerEmail: "early@example.org" });
  await Promise.all(
    Array.from({ length: 20 }, (_, i) =>
      pledgeAndCommit(campaign, { amount: 100, backerEmail: `b${i}@example.org` }),
    ),
  );
  const fifty = (await outbox(campaign)).filter((r) => r.dedupe_key.includes(":50:"));
  const recipients = fifty.map((r) => r.to_email);
  expect(new Set(recipients).size).toBe(recipients.length);
  expect(recipients).toContain("early@example.org");
  const milestoneRows = await database()
    .db.selectFrom("campaign_milestones")
    .select("milestone")
    .where("campaign_id", "=", campaign)
    .orderBy("milestone")
    .execute();
  expect(milestoneRows.map((m) => m.milestone)).toEqual(["25", "50"]);
});

test("a refund below a milestone and a new crossing send no second email", async () => {
  const { db } = database();
  const campaign = await newCampaign(10_000);
  await db.updateTable("campaigns").set({ funding_model: "flexible" }).where("id", "=", campaign).execute();
  const big = await startPledge(
    db,
    request(campaign, { amount: 8_000, backerEmail: "big@example.org" }),
    now,
  );
  await collectPledge(db, big.id, {}, now);
  const count75 = async () => (await outbox(campaign)).filter((r) => r.dedupe_key.includes(":75:")).length;
  expect(await count75()).toBe(2); // the backer and the owner
  await recordRefund(db, big.id, 4_000, now); // down to 40 %
  await pledgeAndCommit(campaign, { amount: 4_000, backerEmail: "again@example.org" }); // back to 80 %
  expect(await count75()).toBe(2);
  expect((await outbox(campaign)).filter((r) => r.kind === "refund_issued").map((r) => r.to_email)).toEqual([
    "big@example.org",
  ]);
  // A pledge jumping over several milestones announces only the highest one.
  const jump = await newCampaign(10_000);
  await pledgeAndCommit(jump, { amount: 8_000, backerEmail: "jump@example.org" });
  const keys = (await outbox(jump))
    .filter((r) => r.kind === "milestone_reached")
    .map((r) => r.dedupe_key.split(":")[2]);
  expect([...new Set(keys)]).toEqual(["75"]);
});

test("a stretch goal reached is announced and marked reached", async () => {
  const { db } = database();
  const campaign = await newCampaign(10_000);
  const goal = randomUUID();
  await db
    .insertInto("stretch_goals")
    .values({
      id: goal,
      campaign_id: campaign,
      position: 0,
      target_amount: 12_000,
      title: "Un four",
      description: "",
      reached_at: null,
    })
    .execute();
  await pledgeAndCommit(campaign, { amount: 12_500, backerEmail: "gen@example.org" });
  expect(await recordMilestones(db, campaign, now)).toEqual([]);
  const stretch = (await outbox(campaign)).filter((r) => r.dedupe_key.includes(`stretch:${goal}`));
  expect(stretch).toHaveLength(2);
  expect(JSON.parse(stretch[0]!.props).milestone).toEqual({
    type: "stretch",
    title: "Un four",
    target: 12_000,
  });
  const row = await db
    .selectFrom("stretch_goals")
    .select("reached_at")
    .where("id", "=", goal)
    .executeTakeFirstOrThrow();
  expect(row.reached_at).toBe(now.toISOString());
});

test("48 hours before the deadline, backers and owner are reminded once", async () => {
  const { db } = database();
  const owner = await createUser(db, { email: "porteur@example.org" });
  const campaign = await createCampaign(db, {
    owner_id: owner,
    deadline_at: "2026-12-02T10:00:00.000Z",
    goal_amount: 1_000_000,
  });
  await createPledge(db, campaign, { backer_email: "x@example.org", status: "committed" });
  await createPledge(db, campaign, { backer_email: "x@example.org", status: "committed" }); // twice: one email
  await createPledge(db, campaign, { backer_email: "gone@example.org", status: "canceled" });
  const early = new Date("2026-11-30T09:59:00.000Z");
  await queueDeadlineReminders(db, early);
  expect((await outbox(campaign)).filter((r) => r.kind === "deadline_reminder")).toEqual([]);
  const inWindow = new Date("2026-11-30T10:30:00.000Z");
  await queueDeadlineReminders(db, inWindow);
  await queueDeadlineReminders(db, new Date("2026-12-01T10:30:00.000Z"));
  const reminders = (await outbox(campaign)).filter((r) => r.kind === "deadline_reminder");
  expect(reminders.map((r) => r.to_email).sort()).toEqual(["porteur@example.org", "x@example.org"]);
});

test("the owner's digest goes out once a day after 8:00 in the campaign's zone", async () => {
  const { db } = database();
  const owner = await createUser(db, { email: "digest-owner@example.org" });
  const campaign = await createCampaign(db, { owner_id: owner, deadline_at: "2026-12-20T10:00:00.000Z" });
  await createPledge(db, campaign, { amount: 2_000, committed_at: "2026-11-30T05:00:00.000Z" });
  await createPledge(db, campaign, { amount: 3_000, committed_at: "2026-11-30T06:00:00.000Z" });
  await queueOwnerDigests(db, new Date("2026-11-30T06:30:00.000Z")); // 07:30 in Paris: too early
  expect((await outbox(campaign)).filter((r) => r.kind === "owner_daily_digest")).toEqual([]);
  await queueOwnerDigests(db, new Date("2026-11-30T07:30:00.000Z"));
  await queueOwnerDigests(db, new Date("2026-11-30T15:00:00.000Z"));
  const digests = (await outbox(campaign)).filter((r) => r.kind === "owner_daily_digest");
  expect(digests).toHaveLength(1);
  expect(JSON.parse(digests[0]!.props)).toMatchObject({ day: "2026-11-30", newPledges: 2, newAmount: 5_000 });
});

test("unsubscribes are stored once per person and kind", async () => {
  const { db } = database();
  await unsubscribe(db, "Someone@Example.org", "milestones", now);
  await unsubscribe(db, "someone@example.org", "milestones", now);
  const rows = await db
    .selectFrom("email_unsubscribes")
    .selectAll()
    .where("email", "=", "someone@example.org")
    .execute();
  expect(rows).toHaveLength(1);
});

test("tiers are untouched by emails: a tier pledge still claims its stock", async () => {
  const { db } = database();
  const campaign = await newCampaign();
  const tier = await createTier(db, campaign, { stock_limit: 1 });
  await pledgeAndCommit(campaign, { tierId: tier });
  const row = await db
    .selectFrom("reward_tiers")
    .select("claimed_count")
    .where("id", "=", tier)
    .executeTakeFirstOrThrow();
  expect(row.claimed_count).toBe(1);
});
