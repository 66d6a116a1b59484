// Shipping by zone (#15, docs/decisions/036): a postal reward's cost to France, to the rest of the
// European Union and to the world, in minor units (null: not sent there), and what a pledge pays for
// it. The pledge's amount is what is charged and already includes shipping_amount.
// Frozen in time: a later change is a new migration.
import type { Kysely } from "kysely";

const tierColumns = ["shipping_fr", "shipping_eu", "shipping_world"] as const;

export async function up(db: Kysely<any>): Promise<void> {
  for (const column of tierColumns) {
    await db.schema.alterTable("reward_tiers").addColumn(column, "integer").execute();
  }
  await db.schema
    .alterTable("pledges")
    .addColumn("shipping_amount", "integer", (c) => c.notNull().defaultTo(0))
    .execute();
  // A postal reward made before shipping costs was sent everywhere at no extra cost: it stays so.
  await db
    .updateTable("reward_tiers")
    .set({ shipping_fr: 0, shipping_eu: 0, shipping_world: 0 })
    .where("shipping_required", "=", 1)
    .execute();
}

export async function down(db: Kysely<any>): Promise<void> {
  await db.schema.alterTable("pledges").dropColumn("shipping_amount").execute();
  for (const column of [...tierColumns].reverse()) {
    await db.schema.alterTable("reward_tiers").dropColumn(column).execute();
  }
}
