// A campaign may end on a chosen date (the end of that day in its time zone) instead of after a
// number of days. Frozen in time: a later change is a new migration.
import type { Kysely } from "kysely";

export async function up(db: Kysely<any>): Promise<void> {
  await db.schema.alterTable("campaigns").addColumn("end_date", "text").execute();
}

export async function down(db: Kysely<any>): Promise<void> {
  await db.schema.alterTable("campaigns").dropColumn("end_date").execute();
}
