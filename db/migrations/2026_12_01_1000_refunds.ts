// A refund is written down, its amount reserved on the pledge, before the gateway is asked: the
// gateway's idempotency key is `refund-<refund id>`, so a crash is finished with the same key by a job
// and concurrent requests can never refund more than was collected.
// Frozen in time: a later change is a new migration.
import { sql, type Kysely } from "kysely";

export async function up(db: Kysely<any>): Promise<void> {
  await db.schema
    .alterTable("pledges")
    .addColumn("refund_reserved", "bigint", (c) => c.notNull().defaultTo(0))
    .execute();
  await db.schema
    .createTable("refunds")
    .addColumn("id", "text", (c) => c.primaryKey())
    .addColumn("pledge_id", "text", (c) => c.notNull().references("pledges.id"))
    .addColumn("campaign_id", "text", (c) => c.notNull().references("campaigns.id"))
    .addColumn("amount", "bigint", (c) => c.notNull())
    .addColumn("currency", "text", (c) => c.notNull())
    .addColumn("status", "text", (c) => c.notNull())
    .addColumn("origin", "text", (c) => c.notNull())
    .addColumn("reason", "text")
    .addColumn("actor_id", "text")
    .addColumn("actor_email", "text")
    .addColumn("gateway_refund_id", "text")
    .addColumn("failure_message", "text")
    .addColumn("created_at", "timestamptz", (c) => c.notNull())
    .addColumn("finished_at", "timestamptz")
    .addCheckConstraint("refunds_positive", sql`amount > 0`)
    .execute();
  await db.schema.createIndex("refunds_pledge").on("refunds").column("pledge_id").execute();
  // The job finds the reservations a crash left behind.
  await db.schema
    .createIndex("refunds_reserved")
    .on("refunds")
    .column("created_at")
    .where(sql<boolean>`status = 'reserved'`)
    .execute();
}

export async function down(db: Kysely<any>): Promise<void> {
  await db.schema.dropTable("refunds").execute();
  await db.schema.alterTable("pledges").dropColumn("refund_reserved").execute();
}
