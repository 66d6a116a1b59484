// The data layer on a real engine: migrations, value types and constraints behave the same on
// SQLite and PostgreSQL (this file runs once per engine).
import { sql } from "kysely";
import { expect, test } from "vitest";
import { createMigrator, migrateToLatest } from "#db/migrate.ts";
import { createCampaign, createPledge, createTier, createUser } from "../support/factories";
import { useTestDatabase } from "../support/database";

const database = useTestDatabase();

test("every table exists after migrating, and migrating again changes nothing", async () => {
  const { db } = database();
  const tables = (await db.introspection.getTables()).map((t) => t.name);
  expect(tables).toEqual(
    expect.arrayContaining([
      "users",
      "campaigns",
      "reward_tiers",
      "stretch_goals",
      "pledges",
      "content_translations",
    ]),
  );
  expect(await migrateToLatest(db)).toEqual([]);
  const migrations = await createMigrator(db).getMigrations();
  expect(migrations.every((m) => m.executedAt !== undefined)).toBe(true);
});

test("money comes back as exact integers and instants as ISO UTC strings", async () => {
  const { db } = database();
  const big = 900_719_925_474_099; // over 2^32, far beyond any campaign, still exact
  const id = await createCampaign(db, { goal_amount: big, launched_at: "2026-03-29T01:30:00.123Z" });
  const row = await db
    .selectFrom("campaigns")
    .select(["goal_amount", "pledged_amount", "backer_count", "launched_at", "closed_at"])
    .where("id", "=", id)
    .executeTakeFirstOrThrow();
  expect(row).toEqual({
    goal_amount: big,
    pledged_amount: 0,
    backer_count: 0,
    launched_at: "2026-03-29T01:30:00.123Z",
    closed_at: null,
  });
});

test("instants compare in time order in SQL on both engines", async () => {
  const { db } = database();
  const early = await createCampaign(db, { deadline_at: "2026-12-01T09:00:00.000Z" });
  const late = await createCampaign(db, { deadline_at: "2026-12-01T10:00:00.000Z" });
  const due = await db
    .selectFrom("campaigns")
    .select("id")
    .where("id", "in", [early, late])
    .where("deadline_at", "<=", "2026-12-01T09:30:00.000Z")
    .execute();
  expect(due.map((r) => r.id)).toEqual([early]);
});

test("a limited tier cannot be claimed past its stock, even by a direct update", async () => {
  const { db } = database();
  const campaign = await createCampaign(db);
  const tier = await createTier(db, campaign, { stock_limit: 2 });
  const claim = () =>
    db
      .updateTable("reward_tiers")
      .set((eb) => ({ claimed_count: eb("claimed_count", "+", 1) }))
      .where("id", "=", tier)
      .where((eb) => eb.or([eb("stock_limit", "is", null), eb("claimed_count", "<", eb.ref("stock_limit"))]))
      .executeTakeFirst();
  expect(Number((await claim()).numUpdatedRows)).toBe(1);
  expect(Number((await claim()).numUpdatedRows)).toBe(1);
  expect(Number((await claim()).numUpdatedRows)).toBe(0);
  await expect(
    db.updateTable("reward_tiers").set({ claimed_count: 3 }).where("id", "=", tier).execute(),
  ).rejects.toThrow();
});

test("the schema refuses what would corrupt money or state", async () => {
  const { db } = database();
  await expect(createCampaign(db, { goal_amount: 0 })).rejects.toThrow();
  await expect(createCampaign(db, { currency: "EURO" })).rejects.toThrow();
  await expect(createCampaign(db, { duration_days: 61 })).rejects.toThrow();
  await expect(createCampaign(db, { status: "paused" as never })).rejects.toThrow();
  const campaign = await createCampaign(db);
  await expect(createPledge(db, campaign, { amount: -100 })).rejects.toThrow();
  await expect(createPledge(db, campaign, { status: "lost" as never })).rejects.toThrow();
});

test("foreign keys and unique keys are enforced on both engines", async () => {
  const { db } = database();
  await expect(createPledge(db, "no-such-campaign")).rejects.toThrow();
  const owner = await createUser(db, { email: "same@example.org" });
  await expect(createUser(db, { email: "same@example.org" })).rejects.toThrow();
  await createCampaign(db, { owner_id: owner, slug: "taken" });
  await expect(createCampaign(db, { owner_id: owner, slug: "taken" })).rejects.toThrow();
});

test("a transaction that fails writes nothing", async () => {
  const { db } = database();
  const campaign = await createCampaign(db);
  await expect(
    db.transaction().execute(async (trx) => {
      await createPledge(trx, campaign, { amount: 5_000 });
      await trx
        .updateTable("campaigns")
        .set((eb) => ({ pledged_amount: eb("pledged_amount", "+", 5_000) }))
        .where("id", "=", campaign)
        .execute();
      await createPledge(trx, campaign, { amount: -1 }); // refused: the whole change rolls back
    }),
  ).rejects.toThrow();
  const { count } = await db
    .selectFrom("pledges")
    .select((eb) => eb.fn.countAll<number>().as("count"))
    .where("campaign_id", "=", campaign)
    .executeTakeFirstOrThrow();
  expect(count).toBe(0);
  const row = await db
    .selectFrom("campaigns")
    .select("pledged_amount")
    .where("id", "=", campaign)
    .executeTakeFirstOrThrow();
  expect(row.pledged_amount).toBe(0);
});

test("sums of bigint money come back as numbers, not strings", async () => {
  const { db } = database();
  const campaign = await createCampaign(db);
  await createPledge(db, campaign, { amount: 2_147_483_647 });
  await createPledge(db, campaign, { amount: 2_147_483_647 });
  const { total } = await db
    .selectFrom("pledges")
    .select(sql<number>`sum(amount)`.as("total"))
    .where("campaign_id", "=", campaign)
    .executeTakeFirstOrThrow();
  expect(total).toBe(4_294_967_294);
});
