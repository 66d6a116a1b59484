// Amounts became Stripe's minor units (docs/decisions/022): a database holding a campaign whose unit
// changes (ISK was whole krónur, is now hundredths) is not migrated silently; others are.
import { expect, test } from "vitest";
import { openDatabase } from "#db/connection.ts";
import { createMigrator, migrateToLatest } from "#db/migrate.ts";
import { createCampaign } from "../support/factories";
import { createEmptyDatabase } from "../support/database";

async function databaseBefore() {
  const empty = await createEmptyDatabase();
  const handle = openDatabase(empty.url);
  const { error } = await createMigrator(handle.db).migrateTo("2026_12_01_1100_sessions_and_limits");
  if (error) throw error;
  return {
    db: handle.db,
    drop: async () => {
      await handle.db.destroy();
      await empty.remove();
    },
  };
}

test("a campaign in a currency whose stored unit changes stops the migration, naming it", async () => {
  const { db, drop } = await databaseBefore();
  try {
    await createCampaign(db, { currency: "EUR" });
    const isk = await createCampaign(db, { currency: "ISK" });
    const slug = `campaign-${isk.slice(0, 8)}`;
    await expect(migrateToLatest(db)).rejects.toThrow(new RegExp(`${slug} \\(ISK\\)`));
  } finally {
    await drop();
  }
});

test("campaigns in euros, yen and dinars migrate untouched", async () => {
  const { db, drop } = await databaseBefore();
  try {
    for (const currency of ["EUR", "JPY", "KWD"]) await createCampaign(db, { currency, goal_amount: 12_340 });
    await migrateToLatest(db);
    const goals = await db.selectFrom("campaigns").select("goal_amount").execute();
    expect(goals.map((g) => g.goal_amount)).toEqual([12_340, 12_340, 12_340]);
  } finally {
    await drop();
  }
});
