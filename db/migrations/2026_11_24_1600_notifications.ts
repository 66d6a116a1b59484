// Notifications: the email outbox (a row per email, queued in the transaction of its cause, unique
// by dedupe key), unsubscribes, milestones reached (each crossed once), and the local mailbox.
// Frozen in time: a later change is a new migration.
import type { Kysely } from "kysely";

export async function up(db: Kysely<any>): Promise<void> {
  await db.schema
    .createTable("email_outbox")
    .addColumn("id", "text", (c) => c.primaryKey())
    .addColumn("dedupe_key", "text", (c) => c.notNull().unique())
    .addColumn("kind", "text", (c) => c.notNull())
    .addColumn("to_email", "text", (c) => c.notNull())
    .addColumn("to_name", "text")
    .addColumn("locale", "text", (c) => c.notNull())
    .addColumn("props", "text", (c) => c.notNull())
    .addColumn("campaign_id", "text")
    .addColumn("pledge_id", "text")
    .addColumn("status", "text", (c) => c.notNull().defaultTo("queued"))
    .addColumn("attempts", "integer", (c) => c.notNull().defaultTo(0))
    .addColumn("next_attempt_at", "timestamptz", (c) => c.notNull())
    .addColumn("claimed_by", "text")
    .addColumn("claimed_at", "timestamptz")
    .addColumn("last_error", "text")
    .addColumn("message_id", "text")
    .addColumn("created_at", "timestamptz", (c) => c.notNull())
    .addColumn("sent_at", "timestamptz")
    .execute();
  await db.schema
    .createIndex("email_outbox_due")
    .on("email_outbox")
    .columns(["status", "next_attempt_at"])
    .execute();

  await db.schema
    .createTable("email_unsubscribes")
    .addColumn("email", "text", (c) => c.notNull())
    .addColumn("kind", "text", (c) => c.notNull())
    .addColumn("created_at", "timestamptz", (c) => c.notNull())
    .addPrimaryKeyConstraint("email_unsubscribes_pk", ["email", "kind"])
    .execute();

  await db.schema
    .createTable("campaign_milestones")
    .addColumn("campaign_id", "text", (c) => c.notNull().references("campaigns.id").onDelete("cascade"))
    .addColumn("milestone", "text", (c) => c.notNull())
    .addColumn("reached_at", "timestamptz", (c) => c.notNull())
    .addPrimaryKeyConstraint("campaign_milestones_pk", ["campaign_id", "milestone"])
    .execute();

  await db.schema
    .createTable("mailbox_messages")
    .addColumn("id", "text", (c) => c.primaryKey())
    .addColumn("outbox_id", "text")
    .addColumn("to_email", "text", (c) => c.notNull())
    .addColumn("subject", "text", (c) => c.notNull())
    .addColumn("raw", "text", (c) => c.notNull())
    .addColumn("created_at", "timestamptz", (c) => c.notNull())
    .execute();
  await db.schema
    .createIndex("mailbox_messages_created")
    .on("mailbox_messages")
    .column("created_at")
    .execute();
}

export async function down(db: Kysely<any>): Promise<void> {
  for (const table of ["mailbox_messages", "campaign_milestones", "email_unsubscribes", "email_outbox"]) {
    await db.schema.dropTable(table).execute();
  }
}
