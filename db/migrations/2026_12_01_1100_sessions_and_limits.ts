// Sessions kept on the server: the cookie holds only a random token, and this table holds its
// SHA-256, so signing out ends a session for good and a database leak gives no working cookie.
// Abuse limits: rate-limiter-flexible's counters (`rate_limits`, its own SQLite/PostgreSQL layout)
// and where each pledge came from (`pledge_origins`), to cap the pending holds per IP address.
// Frozen in time: a later change is a new migration.
import type { Kysely } from "kysely";

export async function up(db: Kysely<any>): Promise<void> {
  await db.schema
    .createTable("sessions")
    .addColumn("id", "text", (c) => c.primaryKey())
    .addColumn("user_id", "text", (c) => c.notNull().references("users.id").onDelete("cascade"))
    .addColumn("created_at", "timestamptz", (c) => c.notNull())
    .addColumn("last_seen_at", "timestamptz", (c) => c.notNull())
    .addColumn("expires_at", "timestamptz", (c) => c.notNull())
    .execute();
  await db.schema.createIndex("sessions_user_id").on("sessions").column("user_id").execute();

  await db.schema
    .createTable("rate_limits")
    .addColumn("key", "text", (c) => c.primaryKey())
    .addColumn("points", "integer", (c) => c.notNull().defaultTo(0))
    // Milliseconds since the epoch, as the library counts; null never expires.
    .addColumn("expire", "bigint")
    .execute();
  await db.schema.createIndex("rate_limits_expire").on("rate_limits").column("expire").execute();

  await db.schema
    .createTable("pledge_origins")
    .addColumn("pledge_id", "text", (c) => c.primaryKey().references("pledges.id").onDelete("cascade"))
    .addColumn("client_ip", "text", (c) => c.notNull())
    .addColumn("created_at", "timestamptz", (c) => c.notNull())
    .execute();
  await db.schema.createIndex("pledge_origins_client_ip").on("pledge_origins").column("client_ip").execute();
}

export async function down(db: Kysely<any>): Promise<void> {
  await db.schema.dropTable("pledge_origins").execute();
  await db.schema.dropTable("rate_limits").execute();
  await db.schema.dropTable("sessions").execute();
}
