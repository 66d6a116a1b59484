// PostgreSQL only: a change to a campaign's live numbers (raised, backers, status) sends
// NOTIFY campaign_progress with the campaign's id, delivered to every listening app instance when the
// transaction commits (never on a rollback; repeats within one transaction are merged by PostgreSQL).
// SQLite has no NOTIFY: there the process that commits tells its own hub, and the others poll.
// Frozen in time: a later change is a new migration.
import { PostgresAdapter, sql, type Kysely } from "kysely";

const isPostgres = (db: Kysely<any>) => db.getExecutor().adapter instanceof PostgresAdapter;

export async function up(db: Kysely<any>): Promise<void> {
  if (!isPostgres(db)) return;
  await sql`
    create function campaign_progress_notify() returns trigger language plpgsql as $$
    begin
      perform pg_notify('campaign_progress', new.id);
      return null;
    end
    $$
  `.execute(db);
  // UPDATE OF lists the columns a statement sets; WHEN keeps out updates that set them unchanged.
  await sql`
    create trigger campaigns_progress_notify
    after update of pledged_amount, backer_count, status on campaigns
    for each row
    when (
      old.pledged_amount is distinct from new.pledged_amount
      or old.backer_count is distinct from new.backer_count
      or old.status is distinct from new.status
    )
    execute function campaign_progress_notify()
  `.execute(db);
}

export async function down(db: Kysely<any>): Promise<void> {
  if (!isPostgres(db)) return;
  await sql`drop trigger if exists campaigns_progress_notify on campaigns`.execute(db);
  await sql`drop function if exists campaign_progress_notify()`.execute(db);
}
