// The deadline: campaigns keep their totals as they stood at the close; pledges track their charge
// attempts (claimed by one worker at a time) and payment failures; disputes are recorded; the
// simulated gateway remembers its charges by idempotency key, as Stripe does.
// Frozen in time: a later change is a new migration.
import type { Kysely } from "kysely";

export async function up(db: Kysely<any>): Promise<void> {
  await db.schema.alterTable("campaigns").addColumn("final_pledged_amount", "bigint").execute();
  await db.schema.alterTable("campaigns").addColumn("final_backer_count", "integer").execute();

  await db.schema
    .alterTable("pledges")
    .addColumn("charge_attempts", "integer", (c) => c.notNull().defaultTo(0))
    .execute();
  await db.schema.alterTable("pledges").addColumn("charge_claimed_by", "text").execute();
  await db.schema.alterTable("pledges").addColumn("charge_claimed_at", "timestamptz").execute();
  await db.schema.alterTable("pledges").addColumn("payment_failed_at", "timestamptz").execute();
  await db.schema
    .alterTable("pledges")
    .addColumn("retry_requested", "integer", (c) => c.notNull().defaultTo(0))
    .execute();
  await db.schema.alterTable("pledges").addColumn("charge_id", "text").execute();
  await db.schema.createIndex("pledges_charge_id").on("pledges").column("charge_id").execute();

  await db.schema
    .createTable("disputes")
    .addColumn("id", "text", (c) => c.primaryKey())
    .addColumn("pledge_id", "text", (c) => c.references("pledges.id"))
    .addColumn("charge_id", "text", (c) => c.notNull())
    .addColumn("amount", "bigint", (c) => c.notNull())
    .addColumn("currency", "text", (c) => c.notNull())
    .addColumn("reason", "text")
    .addColumn("status", "text", (c) => c.notNull())
    .addColumn("created_at", "timestamptz", (c) => c.notNull())
    .addColumn("updated_at", "timestamptz", (c) => c.notNull())
    .execute();

  await db.schema
    .createTable("simulated_payments")
    .addColumn("idempotency_key", "text", (c) => c.primaryKey())
    .addColumn("pledge_id", "text", (c) => c.notNull())
    .addColumn("kind", "text", (c) => c.notNull())
    .addColumn("amount", "bigint", (c) => c.notNull())
    .addColumn("outcome", "text", (c) => c.notNull())
    .addColumn("reference", "text", (c) => c.notNull())
    .addColumn("created_at", "timestamptz", (c) => c.notNull())
    .execute();
}

export async function down(db: Kysely<any>): Promise<void> {
  await db.schema.dropTable("simulated_payments").execute();
  await db.schema.dropTable("disputes").execute();
  await db.schema.dropIndex("pledges_charge_id").execute();
  for (const column of [
    "charge_attempts",
    "charge_claimed_by",
    "charge_claimed_at",
    "payment_failed_at",
    "retry_requested",
    "charge_id",
  ]) {
    await db.schema.alterTable("pledges").dropColumn(column).execute();
  }
  await db.schema.alterTable("campaigns").dropColumn("final_pledged_amount").execute();
  await db.schema.alterTable("campaigns").dropColumn("final_backer_count").execute();
}
