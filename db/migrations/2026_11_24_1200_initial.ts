// The first schema: users, campaigns with reward tiers and stretch goals, pledges, translated texts.
// Frozen in time: a later change is a new migration, never an edit here (and never an import of app code).
import { sql, type Kysely } from "kysely";

const campaignStatuses = "'draft','in_review','live','succeeded','failed','canceled'";
const pledgeStatuses =
  "'pending','committed','collected','refunded','canceled','expired','payment_failed','dropped'";

export async function up(db: Kysely<any>): Promise<void> {
  await db.schema
    .createTable("users")
    .addColumn("id", "text", (c) => c.primaryKey())
    .addColumn("email", "text", (c) => c.notNull().unique())
    .addColumn("name", "text", (c) => c.notNull())
    .addColumn("locale", "text", (c) => c.notNull().defaultTo("fr"))
    .addColumn("created_at", "timestamptz", (c) => c.notNull())
    .execute();

  await db.schema
    .createTable("campaigns")
    .addColumn("id", "text", (c) => c.primaryKey())
    .addColumn("slug", "text", (c) => c.notNull().unique())
    .addColumn("owner_id", "text", (c) => c.notNull().references("users.id"))
    .addColumn("status", "text", (c) => c.notNull().defaultTo("draft"))
    .addColumn("language", "text", (c) => c.notNull())
    .addColumn("title", "text", (c) => c.notNull())
    .addColumn("tagline", "text", (c) => c.notNull())
    .addColumn("story_md", "text", (c) => c.notNull())
    .addColumn("cover_image", "text")
    .addColumn("goal_amount", "bigint", (c) => c.notNull())
    .addColumn("currency", "text", (c) => c.notNull())
    .addColumn("funding_model", "text", (c) => c.notNull().defaultTo("all_or_nothing"))
    .addColumn("time_zone", "text", (c) => c.notNull().defaultTo("Europe/Paris"))
    .addColumn("duration_days", "integer", (c) => c.notNull())
    .addColumn("launched_at", "timestamptz")
    .addColumn("deadline_at", "timestamptz")
    .addColumn("closed_at", "timestamptz")
    .addColumn("pledged_amount", "bigint", (c) => c.notNull().defaultTo(0))
    .addColumn("backer_count", "integer", (c) => c.notNull().defaultTo(0))
    .addColumn("created_at", "timestamptz", (c) => c.notNull())
    .addColumn("updated_at", "timestamptz", (c) => c.notNull())
    .addCheckConstraint("campaigns_status", sql.raw(`status in (${campaignStatuses})`))
    .addCheckConstraint("campaigns_funding_model", sql`funding_model in ('all_or_nothing','flexible')`)
    .addCheckConstraint("campaigns_goal_positive", sql`goal_amount > 0`)
    .addCheckConstraint("campaigns_currency_iso", sql`length(currency) = 3`)
    .addCheckConstraint("campaigns_duration", sql`duration_days between 1 and 60`)
    .addCheckConstraint("campaigns_totals", sql`pledged_amount >= 0 and backer_count >= 0`)
    .execute();
  await db.schema
    .createIndex("campaigns_status_deadline")
    .on("campaigns")
    .columns(["status", "deadline_at"])
    .execute();

  await db.schema
    .createTable("reward_tiers")
    .addColumn("id", "text", (c) => c.primaryKey())
    .addColumn("campaign_id", "text", (c) => c.notNull().references("campaigns.id").onDelete("cascade"))
    .addColumn("position", "integer", (c) => c.notNull())
    .addColumn("title", "text", (c) => c.notNull())
    .addColumn("description", "text", (c) => c.notNull())
    .addColumn("min_amount", "bigint", (c) => c.notNull())
    .addColumn("stock_limit", "integer")
    .addColumn("claimed_count", "integer", (c) => c.notNull().defaultTo(0))
    .addColumn("estimated_delivery", "text")
    .addColumn("shipping_required", "integer", (c) => c.notNull().defaultTo(0))
    .addColumn("created_at", "timestamptz", (c) => c.notNull())
    .addCheckConstraint("reward_tiers_min_positive", sql`min_amount > 0`)
    // The last line of defence against overselling a limited tier.
    .addCheckConstraint(
      "reward_tiers_stock",
      sql`claimed_count >= 0 and (stock_limit is null or claimed_count <= stock_limit)`,
    )
    .execute();
  await db.schema
    .createIndex("reward_tiers_campaign")
    .on("reward_tiers")
    .columns(["campaign_id", "position"])
    .execute();

  await db.schema
    .createTable("stretch_goals")
    .addColumn("id", "text", (c) => c.primaryKey())
    .addColumn("campaign_id", "text", (c) => c.notNull().references("campaigns.id").onDelete("cascade"))
    .addColumn("position", "integer", (c) => c.notNull())
    .addColumn("target_amount", "bigint", (c) => c.notNull())
    .addColumn("title", "text", (c) => c.notNull())
    .addColumn("description", "text", (c) => c.notNull())
    .addColumn("reached_at", "timestamptz")
    .addCheckConstraint("stretch_goals_target_positive", sql`target_amount > 0`)
    .execute();
  await db.schema
    .createIndex("stretch_goals_campaign")
    .on("stretch_goals")
    .columns(["campaign_id", "position"])
    .execute();

  await db.schema
    .createTable("pledges")
    .addColumn("id", "text", (c) => c.primaryKey())
    .addColumn("campaign_id", "text", (c) => c.notNull().references("campaigns.id"))
    .addColumn("tier_id", "text", (c) => c.references("reward_tiers.id"))
    .addColumn("user_id", "text", (c) => c.references("users.id"))
    .addColumn("backer_name", "text", (c) => c.notNull())
    .addColumn("backer_email", "text", (c) => c.notNull())
    .addColumn("amount", "bigint", (c) => c.notNull())
    .addColumn("currency", "text", (c) => c.notNull())
    .addColumn("status", "text", (c) => c.notNull().defaultTo("pending"))
    .addColumn("anonymous", "integer", (c) => c.notNull().defaultTo(0))
    .addColumn("comment", "text")
    .addColumn("locale", "text", (c) => c.notNull().defaultTo("fr"))
    .addColumn("created_at", "timestamptz", (c) => c.notNull())
    .addColumn("committed_at", "timestamptz")
    .addColumn("updated_at", "timestamptz", (c) => c.notNull())
    .addCheckConstraint("pledges_status", sql.raw(`status in (${pledgeStatuses})`))
    .addCheckConstraint("pledges_amount_positive", sql`amount > 0`)
    .execute();
  await db.schema
    .createIndex("pledges_campaign_status")
    .on("pledges")
    .columns(["campaign_id", "status"])
    .execute();
  await db.schema.createIndex("pledges_tier").on("pledges").column("tier_id").execute();

  await db.schema
    .createTable("content_translations")
    .addColumn("subject_type", "text", (c) => c.notNull())
    .addColumn("subject_id", "text", (c) => c.notNull())
    .addColumn("locale", "text", (c) => c.notNull())
    .addColumn("field", "text", (c) => c.notNull())
    .addColumn("value", "text", (c) => c.notNull())
    .addPrimaryKeyConstraint("content_translations_pk", ["subject_type", "subject_id", "locale", "field"])
    .execute();
}

export async function down(db: Kysely<any>): Promise<void> {
  for (const table of [
    "content_translations",
    "pledges",
    "stretch_goals",
    "reward_tiers",
    "campaigns",
    "users",
  ]) {
    await db.schema.dropTable(table).execute();
  }
}
