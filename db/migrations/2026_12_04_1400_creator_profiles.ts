// A creator's profile, shown on their campaigns' pages (issue #15 item 10): the name they go by, the
// organisation they act for, a short bio, a place and a website. All optional (null until set): a
// person who never fills it in is still named after their address, as before.
// Frozen in time: a later change is a new migration.
import type { Kysely } from "kysely";

const columns = ["display_name", "organisation", "bio", "place", "website"] as const;

export async function up(db: Kysely<any>): Promise<void> {
  for (const column of columns) await db.schema.alterTable("users").addColumn(column, "text").execute();
}

export async function down(db: Kysely<any>): Promise<void> {
  for (const column of [...columns].reverse())
    await db.schema.alterTable("users").dropColumn(column).execute();
}
