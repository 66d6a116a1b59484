// A checkout completed at the gateway whose news came after its pledge was expired (a late webhook):
// when it can no longer count, what is left to undo at the gateway (`late_release`: cancel the
// authorisation, or refund the payment) is written down before the gateway is asked, and
// `late_released_at` says it was done, so a crash or a network failure is finished by a job.
// Frozen in time: a later change is a new migration.
import { sql, type Kysely } from "kysely";

export async function up(db: Kysely<any>): Promise<void> {
  await db.schema.alterTable("pledges").addColumn("late_release", "text").execute();
  await db.schema.alterTable("pledges").addColumn("late_released_at", "timestamptz").execute();
  // The job finds the releases still to do.
  await db.schema
    .createIndex("pledges_late_release_due")
    .on("pledges")
    .column("updated_at")
    .where(sql<boolean>`late_release is not null and late_released_at is null`)
    .execute();
}

export async function down(db: Kysely<any>): Promise<void> {
  await db.schema.dropIndex("pledges_late_release_due").execute();
  await db.schema.alterTable("pledges").dropColumn("late_released_at").execute();
  await db.schema.alterTable("pledges").dropColumn("late_release").execute();
}
