// Rewards sent by post: the pledge keeps where to send it (or that the backer picks it up), a postal
// reward may offer a pick-up place, and the owner locks the addresses once parcels are prepared.
// On the pledge's own row, not a table of its own: the form's insert stays one statement.
// Frozen in time: a later change is a new migration.
import type { Kysely } from "kysely";

const pledgeColumns = [
  "delivery_method", // 'post' | 'pickup' | null (no reward to deliver)
  "ship_name",
  "ship_line1",
  "ship_line2",
  "ship_postal_code",
  "ship_city",
  "ship_country", // ISO 3166-1 alpha-2
] as const;

export async function up(db: Kysely<any>): Promise<void> {
  for (const column of pledgeColumns) {
    await db.schema.alterTable("pledges").addColumn(column, "text").execute();
  }
  // null: no pick-up; else where the backer collects the reward.
  await db.schema.alterTable("reward_tiers").addColumn("pickup_place", "text").execute();
  await db.schema.alterTable("campaigns").addColumn("addresses_locked_at", "timestamptz").execute();
}

export async function down(db: Kysely<any>): Promise<void> {
  await db.schema.alterTable("campaigns").dropColumn("addresses_locked_at").execute();
  await db.schema.alterTable("reward_tiers").dropColumn("pickup_place").execute();
  for (const column of [...pledgeColumns].reverse()) {
    await db.schema.alterTable("pledges").dropColumn(column).execute();
  }
}
