// The campaign as a community (#15): comments and questions on a campaign's page, with its owner's
// reply in the comment's own row (one per comment, which they may rewrite: `owner_reply`,
// `replied_at`), and reports (one per person and comment: `comment_reports`' key is both; the
// comment keeps their count). A comment hidden by the owner or an admin keeps its row, with when and
// by whom. The page reads a campaign's comments newest first, a page at a time (keyset on
// created_at, id), through (campaign_id, created_at, id).
// Frozen in time: a later change is a new migration.
import { sql, type Kysely } from "kysely";

export async function up(db: Kysely<any>): Promise<void> {
  await db.schema
    .createTable("campaign_comments")
    .addColumn("id", "text", (c) => c.primaryKey())
    .addColumn("campaign_id", "text", (c) => c.notNull().references("campaigns.id").onDelete("cascade"))
    .addColumn("author_user_id", "text", (c) => c.notNull().references("users.id"))
    .addColumn("kind", "text", (c) => c.notNull().check(sql`kind in ('comment', 'question')`))
    .addColumn("body", "text", (c) => c.notNull())
    .addColumn("created_at", "timestamptz", (c) => c.notNull())
    .addColumn("owner_reply", "text")
    .addColumn("replied_at", "timestamptz")
    .addColumn("hidden_at", "timestamptz")
    .addColumn("hidden_by", "text", (c) => c.references("users.id"))
    .addColumn("report_count", "integer", (c) =>
      c
        .notNull()
        .defaultTo(0)
        .check(sql`report_count >= 0`),
    )
    .execute();
  await db.schema
    .createIndex("campaign_comments_campaign_created")
    .on("campaign_comments")
    .columns(["campaign_id", "created_at", "id"])
    .execute();
  await db.schema
    .createTable("comment_reports")
    .addColumn("comment_id", "text", (c) =>
      c.notNull().references("campaign_comments.id").onDelete("cascade"),
    )
    .addColumn("user_id", "text", (c) => c.notNull().references("users.id"))
    .addColumn("created_at", "timestamptz", (c) => c.notNull())
    .addPrimaryKeyConstraint("comment_reports_pk", ["comment_id", "user_id"])
    .execute();
}

export async function down(db: Kysely<any>): Promise<void> {
  await db.schema.dropTable("comment_reports").execute();
  await db.schema.dropTable("campaign_comments").execute();
}
