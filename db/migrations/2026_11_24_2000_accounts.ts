// Accounts: people sign in with a one-time link sent by email; the link's token is stored hashed,
// used once, and expires. Frozen in time: a later change is a new migration.
import type { Kysely } from "kysely";

export async function up(db: Kysely<any>): Promise<void> {
  await db.schema
    .createTable("sign_in_tokens")
    .addColumn("id", "text", (c) => c.primaryKey())
    .addColumn("email", "text", (c) => c.notNull())
    .addColumn("token_hash", "text", (c) => c.notNull().unique())
    .addColumn("ip", "text")
    .addColumn("redirect_to", "text")
    .addColumn("created_at", "timestamptz", (c) => c.notNull())
    .addColumn("expires_at", "timestamptz", (c) => c.notNull())
    .addColumn("used_at", "timestamptz")
    .execute();
  await db.schema
    .createIndex("sign_in_tokens_email")
    .on("sign_in_tokens")
    .columns(["email", "created_at"])
    .execute();
  await db.schema
    .createIndex("sign_in_tokens_ip")
    .on("sign_in_tokens")
    .columns(["ip", "created_at"])
    .execute();
}

export async function down(db: Kysely<any>): Promise<void> {
  await db.schema.dropTable("sign_in_tokens").execute();
}
