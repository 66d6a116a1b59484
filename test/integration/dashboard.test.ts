// The owner's dashboard on a real database: the funding curve, the hint, filters and the CSV export.
import { expect, test } from "vitest";
import { backersCsv, backersToGoal, fundingCurve, listPledges } from "~/campaigns/dashboard.server";
import { createCampaign, createPledge, createTier } from "../support/factories";
import { useTestDatabase } from "../support/database";

const database = useTestDatabase();

test("the curve is the running total of counted pledges in the order they were committed", async () => {
  const { db } = database();
  const campaign = await createCampaign(db);
  await createPledge(db, campaign, { amount: 2_000, committed_at: "2026-11-25T10:00:00.000Z" });
  await createPledge(db, campaign, { amount: 5_000, committed_at: "2026-11-24T10:00:00.000Z" });
  await createPledge(db, campaign, {
    amount: 9_999,
    status: "canceled",
    committed_at: "2026-11-24T12:00:00.000Z",
  });
  await createPledge(db, campaign, {
    amount: 3_000,
    refunded_amount: 1_000,
    status: "collected",
    committed_at: "2026-11-26T10:00:00.000Z",
  });
  expect(await fundingCurve(db, { id: campaign })).toEqual([
    { at: "2026-11-24T10:00:00.000Z", cumulative: 5_000 },
    { at: "2026-11-25T10:00:00.000Z", cumulative: 7_000 },
    { at: "2026-11-26T10:00:00.000Z", cumulative: 9_000 },
  ]);
});

test("the hint counts the backers still needed at the average pledge", () => {
  expect(backersToGoal(612_000, 1_500_000, 97)).toBe(141);
  expect(backersToGoal(1_500_000, 1_500_000, 97)).toBe(0);
  expect(backersToGoal(0, 1_500_000, 0)).toBe(0);
});

test("pledges filter by tier and status; the CSV lists backers safely for spreadsheets", async () => {
  const { db } = database();
  const campaign = await createCampaign(db);
  const tier = await createTier(db, campaign, { title: "Atelier", shipping_required: 1 });
  await createPledge(db, campaign, {
    tier_id: tier,
    backer_name: 'Zoé, "la fée"',
    backer_email: "zoe@example.org",
    amount: 4_050,
    comment: '=HYPERLINK("x")',
  });
  await createPledge(db, campaign, {
    backer_name: "Paul",
    backer_email: "paul@example.org",
    status: "dropped",
  });
  await createPledge(db, campaign, { backer_name: "Caché", status: "pending" });
  expect((await listPledges(db, campaign, { tierId: tier })).map((p) => p.backer_name)).toEqual([
    'Zoé, "la fée"',
  ]);
  expect((await listPledges(db, campaign, { status: "dropped" })).map((p) => p.backer_name)).toEqual([
    "Paul",
  ]);
  const csv = await backersCsv(db, campaign);
  const lines = csv.trimEnd().split("\r\n");
  expect(lines[0]).toBe("name,email,tier,amount,currency,status,shipping_needed,comment");
  expect(lines).toContain(
    '"Zoé, ""la fée""",zoe@example.org,Atelier,40.50,EUR,committed,yes,"\'=HYPERLINK(""x"")"',
  );
  expect(lines).toContain("Paul,paul@example.org,,25.00,EUR,dropped,no,");
  expect(csv).not.toContain("Caché");
});
