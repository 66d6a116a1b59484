// The campaign as a community (#15): the owner's "risks and challenges" text (Markdown, like the
// story; empty until written), and the questions and answers of the campaign's FAQ, in the order the
// owner gives them. Frozen in time: a later change is a new migration.
import type { Kysely } from "kysely";

export async function up(db: Kysely<any>): Promise<void> {
  await db.schema
    .alterTable("campaigns")
    .addColumn("risks_md", "text", (c) => c.notNull().defaultTo(""))
    .execute();
  await db.schema
    .createTable("campaign_faq")
    .addColumn("id", "text", (c) => c.primaryKey())
    .addColumn("campaign_id", "text", (c) => c.notNull().references("campaigns.id").onDelete("cascade"))
    .addColumn("position", "integer", (c) => c.notNull())
    .addColumn("question", "text", (c) => c.notNull())
    .addColumn("answer_md", "text", (c) => c.notNull())
    .addColumn("created_at", "timestamptz", (c) => c.notNull())
    .execute();
  await db.schema
    .createIndex("campaign_faq_campaign")
    .on("campaign_faq")
    .columns(["campaign_id", "position"])
    .execute();
}

export async function down(db: Kysely<any>): Promise<void> {
  await db.schema.dropTable("campaign_faq").execute();
  await db.schema.alterTable("campaigns").dropColumn("risks_md").execute();
}
