// What the close tells people, read from the outbox rows it writes in its own transaction: one email
// per counted pledge (its kind, its backer, their language, the amount they keep giving net of
// refunds) and one to the owner, each under a dedupe key that a second close cannot repeat.
import { randomUUID } from "node:crypto";
import { expect, test } from "vitest";
import { closeCampaignsDue } from "~/campaigns/closing.server";
import { completeSimulatedCheckout } from "~/checkout/simulated-checkout.server";
import { createSimulatedGateway } from "~/payments/simulated.server";
import { refundPledge } from "~/pledges/refunds.server";
import { commitPledge, startPledge } from "~/pledges/pledges.server";
import { createCampaign, createUser, pledgeRequest } from "../support/factories";
import { useTestDatabase } from "../support/database";

const database = useTestDatabase();

const launchedAt = new Date("2026-11-24T09:00:00.000Z");
const deadline = new Date("2026-12-08T22:59:59.999Z");
const afterDeadline = new Date(deadline.getTime() + 1);

async function campaignOf(goal: number, fundingModel: "all_or_nothing" | "flexible") {
  const { db } = database();
  const ownerEmail = `owner-${randomUUID().slice(0, 6)}@example.org`;
  const owner = await createUser(db, { email: ownerEmail, name: "Léa" });
  await db.updateTable("users").set({ locale: "en" }).where("id", "=", owner).execute();
  const campaign = await createCampaign(db, {
    owner_id: owner,
    goal_amount: goal,
    funding_model: fundingModel,
    title: "Le fablab",
    launched_at: launchedAt.toISOString(),
    deadline_at: deadline.toISOString(),
  });
  await db
    .insertInto("content_translations")
    .values({
      subject_type: "campaign",
      subject_id: campaign,
      locale: "en",
      field: "title",
      value: "The fablab",
    })
    .execute();
  return { campaign, ownerEmail };
}

async function started(campaignId: string, amount: number, name: string, locale: "fr" | "en") {
  return startPledge(
    database().db,
    pledgeRequest(campaignId, amount, {
      backerName: name,
      backerEmail: `${name.toLowerCase()}@example.org`,
      locale,
    }),
    new Date(launchedAt.getTime() + 3_600_000),
  );
}

async function committed(campaignId: string, amount: number, name: string, locale: "fr" | "en") {
  const pledge = await started(campaignId, amount, name, locale);
  await commitPledge(
    database().db,
    pledge.id,
    { customerId: `sim_cus_${pledge.id}`, paymentMethodId: "sim_pm_card_visa" },
    new Date(launchedAt.getTime() + 3_600_000),
  );
  return pledge.id;
}

async function outbox(campaignId: string) {
  const rows = await database()
    .db.selectFrom("email_outbox")
    .select(["kind", "dedupe_key", "to_email", "to_name", "locale", "props", "campaign_id", "pledge_id"])
    .where("campaign_id", "=", campaignId)
    .where("kind", "in", ["campaign_succeeded", "campaign_failed"])
    .orderBy("to_email")
    .execute();
  return rows.map(({ props, ...row }) => ({ ...row, props: JSON.parse(props) as Record<string, unknown> }));
}

test("a campaign that reached its goal tells each backer, in their language, and its owner", async () => {
  const { campaign, ownerEmail } = await campaignOf(10_000, "all_or_nothing");
  const ana = await committed(campaign, 6_000, "Ana", "fr");
  const bob = await committed(campaign, 4_000, "Bob", "en");
  await started(campaign, 2_500, "Cleo", "fr"); // a checkout never finished: expired, told nothing

  expect(await closeCampaignsDue(database().db, afterDeadline)).toEqual([
    { id: campaign, outcome: "succeeded" },
  ]);
  const rows = await outbox(campaign);
  expect(rows.map((r) => r.to_email)).toEqual(["ana@example.org", "bob@example.org", ownerEmail].sort());
  const byEmail = new Map(rows.map((r) => [r.to_email, r]));
  expect(byEmail.get("ana@example.org")).toMatchObject({
    kind: "campaign_succeeded",
    dedupe_key: `campaign_succeeded:${campaign}:${ana}`,
    to_name: "Ana",
    locale: "fr",
    campaign_id: campaign,
    pledge_id: ana,
    props: {
      audience: "backer",
      amount: 6_000,
      campaign: { title: "Le fablab", raised: 10_000, goal: 10_000 },
    },
  });
  expect(byEmail.get("bob@example.org")).toMatchObject({
    kind: "campaign_succeeded",
    dedupe_key: `campaign_succeeded:${campaign}:${bob}`,
    to_name: "Bob",
    locale: "en",
    pledge_id: bob,
    props: { audience: "backer", amount: 4_000, campaign: { title: "The fablab" } },
  });
  expect(byEmail.get(ownerEmail)).toMatchObject({
    kind: "campaign_succeeded",
    dedupe_key: `campaign_succeeded:${campaign}:owner`,
    to_name: "Léa",
    locale: "en",
    campaign_id: campaign,
    pledge_id: null,
    props: { audience: "owner", campaign: { title: "The fablab", backers: 2 } },
  });
  expect(byEmail.get(ownerEmail)?.props).not.toHaveProperty("amount");
});

test("a campaign short of its goal tells its backers nobody is charged, and its owner", async () => {
  const { campaign, ownerEmail } = await campaignOf(50_000, "all_or_nothing");
  const ana = await committed(campaign, 6_000, "Ana", "en");

  expect(await closeCampaignsDue(database().db, afterDeadline)).toEqual([
    { id: campaign, outcome: "failed" },
  ]);
  const rows = await outbox(campaign);
  expect(rows).toHaveLength(2);
  const byEmail = new Map(rows.map((r) => [r.to_email, r]));
  expect(byEmail.get("ana@example.org")).toMatchObject({
    kind: "campaign_failed",
    dedupe_key: `campaign_failed:${campaign}:${ana}`,
    to_name: "Ana",
    locale: "en",
    campaign_id: campaign,
    pledge_id: ana,
    props: { audience: "backer", campaign: { title: "The fablab", goal: 50_000 } },
  });
  expect(byEmail.get("ana@example.org")?.props).not.toHaveProperty("amount");
  expect(byEmail.get(ownerEmail)).toMatchObject({
    kind: "campaign_failed",
    dedupe_key: `campaign_failed:${campaign}:owner`,
    to_name: "Léa",
    locale: "en",
    campaign_id: campaign,
    pledge_id: null,
    props: { audience: "owner", campaign: { title: "The fablab" } },
  });
});

test("a flexible campaign's close tells each backer what they give once refunds are taken off", async () => {
  const { db } = database();
  const gateway = createSimulatedGateway(db);
  const { campaign } = await campaignOf(50_000, "flexible");
  const pledge = await started(campaign, 7_000, "Ana", "fr");
  await completeSimulatedCheckout(db, { id: pledge.id, status: "pending" }, "flexible", launchedAt);
  await refundPledge(
    { db, gateway },
    { pledgeId: pledge.id, amount: 2_500, reason: "Rupture de stock" },
    launchedAt,
  );

  expect(await closeCampaignsDue(db, afterDeadline)).toEqual([{ id: campaign, outcome: "succeeded" }]);
  const [backer] = (await outbox(campaign)).filter((r) => r.pledge_id === pledge.id);
  expect(backer).toMatchObject({ kind: "campaign_succeeded", props: { audience: "backer", amount: 4_500 } });
});
