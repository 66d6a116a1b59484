// Owners' side: updates posted to a campaign, the reviewer's message when a draft is sent back, and
// a launch scheduled by the admin who approved it. Frozen in time: a later change is a new migration.
import type { Kysely } from "kysely";

export async function up(db: Kysely<any>): Promise<void> {
  await db.schema.alterTable("campaigns").addColumn("review_message", "text").execute();
  await db.schema.alterTable("campaigns").addColumn("launch_at", "timestamptz").execute();
  await db.schema
    .createTable("campaign_updates")
    .addColumn("id", "text", (c) => c.primaryKey())
    .addColumn("campaign_id", "text", (c) => c.notNull().references("campaigns.id").onDelete("cascade"))
    .addColumn("title", "text", (c) => c.notNull())
    .addColumn("body_md", "text", (c) => c.notNull())
    .addColumn("visibility", "text", (c) => c.notNull())
    .addColumn("created_at", "timestamptz", (c) => c.notNull())
    .execute();
  await db.schema
    .createIndex("campaign_updates_campaign")
    .on("campaign_updates")
    .columns(["campaign_id", "created_at"])
    .execute();
}

export async function down(db: Kysely<any>): Promise<void> {
  await db.schema.dropTable("campaign_updates").execute();
  await db.schema.alterTable("campaigns").dropColumn("launch_at").execute();
  await db.schema.alterTable("campaigns").dropColumn("review_message").execute();
}
