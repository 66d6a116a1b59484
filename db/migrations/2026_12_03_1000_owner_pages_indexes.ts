// What the owners' and backers' pages ask of a campaign with 100 000 pledges, by index (issue #14):
// - is this signed-in person a backer (the backers-only updates on the campaign page): by email
//   within the campaign, not a walk through every counted pledge of it;
// - the dashboard's pledges, newest first, a page at a time (keyset on created_at, id), and the
//   backers' CSV read in the same order in chunks.
// Frozen in time: a later change is a new migration.
import type { Kysely } from "kysely";

export async function up(db: Kysely<any>): Promise<void> {
  await db.schema
    .createIndex("pledges_campaign_backer_email")
    .on("pledges")
    .columns(["campaign_id", "backer_email"])
    .execute();
  await db.schema
    .createIndex("pledges_campaign_created")
    .on("pledges")
    .columns(["campaign_id", "created_at", "id"])
    .execute();
}

export async function down(db: Kysely<any>): Promise<void> {
  await db.schema.dropIndex("pledges_campaign_created").execute();
  await db.schema.dropIndex("pledges_campaign_backer_email").execute();
}
