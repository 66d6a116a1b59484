// Pledging: each pledge remembers its checkout and payment references, the stock it holds and
// what was refunded; webhook events are stored by id so a repeated delivery has no effect.
// Frozen in time: a later change is a new migration.
import { sql, type Kysely } from "kysely";

export async function up(db: Kysely<any>): Promise<void> {
  const pledgeColumns: [string, string][] = [
    ["gateway", "text"],
    ["checkout_session_id", "text"],
    ["checkout_url", "text"],
    ["checkout_expires_at", "timestamptz"],
    ["stripe_customer_id", "text"],
    ["setup_intent_id", "text"],
    ["payment_method_id", "text"],
    ["payment_intent_id", "text"],
    ["submission_key", "text"],
    ["last_payment_error", "text"],
    ["cancel_reason", "text"],
    ["canceled_at", "timestamptz"],
    ["collected_at", "timestamptz"],
  ];
  for (const [name, type] of pledgeColumns) {
    await db.schema.alterTable("pledges").addColumn(name, sql.raw(type)).execute();
  }
  await db.schema
    .alterTable("pledges")
    .addColumn("refunded_amount", "bigint", (c) => c.notNull().defaultTo(0))
    .execute();
  // 1 while the pledge holds a unit of its tier's stock, so releasing it twice is impossible.
  await db.schema
    .alterTable("pledges")
    .addColumn("holds_stock", "integer", (c) => c.notNull().defaultTo(0))
    .execute();
  await db.schema
    .createIndex("pledges_checkout_session")
    .unique()
    .on("pledges")
    .column("checkout_session_id")
    .execute();
  await db.schema.createIndex("pledges_payment_intent").on("pledges").column("payment_intent_id").execute();
  // A double click posts the same form twice: one pledge per submission key.
  await db.schema
    .createIndex("pledges_submission_key")
    .unique()
    .on("pledges")
    .column("submission_key")
    .execute();
  await db.schema
    .createIndex("pledges_pending_expiry")
    .on("pledges")
    .columns(["status", "checkout_expires_at"])
    .execute();
  // Pledges made before this migration hold the stock their tier counts.
  await db
    .updateTable("pledges")
    .set({ holds_stock: 1 })
    .where("tier_id", "is not", null)
    .where("status", "in", ["pending", "committed", "collected", "payment_failed"])
    .execute();

  await db.schema
    .createTable("webhook_events")
    .addColumn("id", "text", (c) => c.primaryKey())
    .addColumn("type", "text", (c) => c.notNull())
    .addColumn("pledge_id", "text")
    .addColumn("outcome", "text", (c) => c.notNull())
    .addColumn("received_at", "timestamptz", (c) => c.notNull())
    .execute();
}

export async function down(db: Kysely<any>): Promise<void> {
  await db.schema.dropTable("webhook_events").execute();
  for (const index of [
    "pledges_checkout_session",
    "pledges_payment_intent",
    "pledges_submission_key",
    "pledges_pending_expiry",
  ]) {
    await db.schema.dropIndex(index).execute();
  }
  for (const column of [
    "gateway",
    "checkout_session_id",
    "checkout_url",
    "checkout_expires_at",
    "stripe_customer_id",
    "setup_intent_id",
    "payment_method_id",
    "payment_intent_id",
    "submission_key",
    "last_payment_error",
    "cancel_reason",
    "canceled_at",
    "collected_at",
    "refunded_amount",
    "holds_stock",
  ]) {
    await db.schema.alterTable("pledges").dropColumn(column).execute();
  }
}
