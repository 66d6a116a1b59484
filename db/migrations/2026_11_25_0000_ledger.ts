// The ledger: append-only, double-entry. Every money movement is one transaction of entries that
// sum to zero, unique by its source key so that replaying an event writes nothing new.
// Frozen in time: a later change is a new migration.
import { sql, type Kysely } from "kysely";

export async function up(db: Kysely<any>): Promise<void> {
  await db.schema
    .createTable("ledger_transactions")
    .addColumn("id", "text", (c) => c.primaryKey())
    .addColumn("source_key", "text", (c) => c.notNull().unique())
    .addColumn("campaign_id", "text", (c) => c.references("campaigns.id"))
    .addColumn("pledge_id", "text")
    .addColumn("kind", "text", (c) => c.notNull())
    .addColumn("currency", "text", (c) => c.notNull())
    .addColumn("created_at", "timestamptz", (c) => c.notNull())
    .execute();
  await db.schema
    .createTable("ledger_entries")
    .addColumn("id", "text", (c) => c.primaryKey())
    .addColumn("transaction_id", "text", (c) => c.notNull().references("ledger_transactions.id"))
    .addColumn("account", "text", (c) => c.notNull())
    .addColumn("amount", "bigint", (c) => c.notNull())
    .addCheckConstraint("ledger_entries_nonzero", sql`amount <> 0`)
    .execute();
  await db.schema.createIndex("ledger_entries_account").on("ledger_entries").column("account").execute();
  await db.schema
    .createIndex("ledger_transactions_campaign")
    .on("ledger_transactions")
    .column("campaign_id")
    .execute();
  await db.schema.alterTable("campaigns").addColumn("platform_fee_bps", "integer").execute();
}

export async function down(db: Kysely<any>): Promise<void> {
  await db.schema.alterTable("campaigns").dropColumn("platform_fee_bps").execute();
  await db.schema.dropTable("ledger_entries").execute();
  await db.schema.dropTable("ledger_transactions").execute();
}
