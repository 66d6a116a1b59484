// What the owners' and backers' pages ask of a campaign with 100 000 pledges, by index (issue #14):
// - is this signed-in person a backer (the backers-only updates on the campaign page): by email
//   within the campaign, not a walk through every counted pledge of it;
// - the dashboard's pledges, newest first, a page at a time (keyset on created_at, id), and the
//   backers' CSV read in the same order in chunks;
// - the dashboard's sums (the funding curve by hour or day, the charge summary by status) read from
//   the index alone: (campaign_id, status) grows the columns those sums read, and replaces the old
//   index it extends, so a pledge still updates as many indexes as before.
// Frozen in time: a later change is a new migration.
import type { Kysely } from "kysely";

export async function up(db: Kysely<any>): Promise<void> {
  await db.schema
    .createIndex("pledges_campaign_backer_email")
    .on("pledges")
    .columns(["campaign_id", "backer_email", "status"])
    .execute();
  await db.schema
    .createIndex("pledges_campaign_created")
    .on("pledges")
    .columns(["campaign_id", "created_at", "id"])
    .execute();
  await db.schema
    .createIndex("pledges_campaign_status_sums")
    .on("pledges")
    .columns(["campaign_id", "status", "committed_at", "amount", "refunded_amount", "payment_processing_at"])
    .execute();
  await db.schema.dropIndex("pledges_campaign_status").execute();
}

export async function down(db: Kysely<any>): Promise<void> {
  await db.schema
    .createIndex("pledges_campaign_status")
    .on("pledges")
    .columns(["campaign_id", "status"])
    .execute();
  await db.schema.dropIndex("pledges_campaign_status_sums").execute();
  await db.schema.dropIndex("pledges_campaign_created").execute();
  await db.schema.dropIndex("pledges_campaign_backer_email").execute();
}
