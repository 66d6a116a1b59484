// Payouts (issue #7, second part): owners' Stripe Express accounts, payouts and their states, the
// Stripe balance lines imported for reconciliation, and the audit log of admins' money actions.
// Frozen in time: a later change is a new migration.
import { sql, type Kysely } from "kysely";

export async function up(db: Kysely<any>): Promise<void> {
  await db.schema
    .createTable("payout_accounts")
    .addColumn("user_id", "text", (c) => c.primaryKey().references("users.id"))
    .addColumn("stripe_account_id", "text", (c) => c.notNull().unique())
    .addColumn("payouts_enabled", "integer", (c) => c.notNull().defaultTo(0))
    .addColumn("details_submitted", "integer", (c) => c.notNull().defaultTo(0))
    .addColumn("created_at", "timestamptz", (c) => c.notNull())
    .addColumn("updated_at", "timestamptz", (c) => c.notNull())
    .execute();

  await db.schema
    .createTable("payouts")
    .addColumn("id", "text", (c) => c.primaryKey())
    .addColumn("campaign_id", "text", (c) => c.notNull().references("campaigns.id"))
    .addColumn("number", "integer", (c) => c.notNull())
    .addColumn("currency", "text", (c) => c.notNull())
    .addColumn("amount", "bigint", (c) => c.notNull())
    .addColumn("method", "text", (c) => c.notNull())
    .addColumn("status", "text", (c) => c.notNull())
    .addColumn("destination", "text")
    .addColumn("transfer_id", "text", (c) => c.unique())
    .addColumn("reference", "text")
    .addColumn("failure_message", "text")
    .addColumn("approved_by", "text", (c) => c.notNull())
    .addColumn("approved_at", "timestamptz", (c) => c.notNull())
    .addColumn("sent_at", "timestamptz")
    .addColumn("paid_at", "timestamptz")
    .addColumn("failed_at", "timestamptz")
    .addColumn("updated_at", "timestamptz", (c) => c.notNull())
    .addUniqueConstraint("payouts_campaign_number", ["campaign_id", "number"])
    .addCheckConstraint("payouts_positive", sql`amount > 0`)
    .execute();
  // One payout in flight per campaign: a second approval (a double click, two admins) is refused.
  await db.schema
    .createIndex("payouts_one_in_flight")
    .on("payouts")
    .column("campaign_id")
    .unique()
    .where(sql<boolean>`status in ('approved', 'sent')`)
    .execute();

  await db.schema
    .createTable("stripe_balance_lines")
    .addColumn("id", "text", (c) => c.primaryKey())
    .addColumn("created_at", "timestamptz", (c) => c.notNull())
    .addColumn("type", "text", (c) => c.notNull())
    .addColumn("category", "text", (c) => c.notNull())
    .addColumn("amount", "bigint", (c) => c.notNull())
    .addColumn("fee", "bigint", (c) => c.notNull())
    .addColumn("net", "bigint", (c) => c.notNull())
    .addColumn("currency", "text", (c) => c.notNull())
    .addColumn("source_id", "text")
    .addColumn("match_ref", "text")
    .addColumn("payout_id", "text")
    .addColumn("imported_at", "timestamptz", (c) => c.notNull())
    .execute();
  await db.schema
    .createIndex("stripe_balance_lines_ref")
    .on("stripe_balance_lines")
    .column("match_ref")
    .execute();
  await db.schema
    .createIndex("stripe_balance_lines_payout")
    .on("stripe_balance_lines")
    .column("payout_id")
    .execute();

  await db.schema
    .createTable("audit_log")
    .addColumn("id", "text", (c) => c.primaryKey())
    .addColumn("actor_id", "text")
    .addColumn("actor_email", "text", (c) => c.notNull())
    .addColumn("action", "text", (c) => c.notNull())
    .addColumn("campaign_id", "text")
    .addColumn("subject_id", "text")
    .addColumn("details", "text", (c) => c.notNull())
    .addColumn("created_at", "timestamptz", (c) => c.notNull())
    .execute();
  await db.schema
    .createIndex("audit_log_campaign")
    .on("audit_log")
    .columns(["campaign_id", "created_at"])
    .execute();

  // The Stripe object a movement is matched against when it is not a pledge's payment (a transfer).
  await db.schema.alterTable("ledger_transactions").addColumn("provider_ref", "text").execute();
  await db.schema
    .createIndex("ledger_transactions_provider_ref")
    .on("ledger_transactions")
    .column("provider_ref")
    .execute();
}

export async function down(db: Kysely<any>): Promise<void> {
  await db.schema.dropIndex("ledger_transactions_provider_ref").execute();
  await db.schema.alterTable("ledger_transactions").dropColumn("provider_ref").execute();
  await db.schema.dropTable("audit_log").execute();
  await db.schema.dropTable("stripe_balance_lines").execute();
  await db.schema.dropTable("payouts").execute();
  await db.schema.dropTable("payout_accounts").execute();
}
