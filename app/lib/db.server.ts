// The database handle domain functions take: the app's Kysely, or a transaction already open; and
// what waits for a transaction's commit (afterCommit), for news that must not leave before it.
import type { Kysely, Transaction } from "kysely";
import type { Database } from "#db/schema.ts";

export type Db = Kysely<Database> | Transaction<Database>;

// The work to do once each outermost transaction opened by inTransaction has committed. Keyed by the
// transaction object, which Kysely hands to `work` and which the nested calls share.
const committed = new WeakMap<Transaction<Database>, (() => void)[]>();

/** Runs `work` in a transaction: the caller's when it has one open, else a new one. */
export async function inTransaction<T>(db: Db, work: (trx: Transaction<Database>) => Promise<T>): Promise<T> {
  if (db.isTransaction) return work(db as Transaction<Database>);
  const after: (() => void)[] = [];
  const result = await db.transaction().execute((trx) => {
    committed.set(trx, after);
    return work(trx);
  });
  // Committed: a rollback threw above, and its callbacks are dropped with it.
  for (const fn of after) runAfterCommit(fn);
  return result;
}

/**
 * Runs `fn` once what `db` wrote is committed: at once outside a transaction (each statement commits
 * by itself), after the outermost commit inside one opened by inTransaction, never on a rollback. A
 * transaction opened some other way (db.transaction() in a test) cannot be followed: `fn` is dropped,
 * and whoever relies on it must have a fallback (live progress polls).
 */
export function afterCommit(db: Db, fn: () => void): void {
  if (!db.isTransaction) return runAfterCommit(fn);
  committed.get(db as Transaction<Database>)?.push(fn);
}

// What comes after the commit never undoes it: a failing callback is reported, not thrown at the
// caller whose transaction succeeded.
function runAfterCommit(fn: () => void): void {
  try {
    fn();
  } catch (error) {
    console.error("An after-commit callback failed:", error);
  }
}

/** True when an error is a unique-key violation, on SQLite or PostgreSQL. */
export function isUniqueViolation(error: unknown): boolean {
  const e = error as { code?: string; message?: string };
  return (
    e?.code === "23505" ||
    e?.code === "SQLITE_CONSTRAINT_UNIQUE" ||
    /UNIQUE constraint failed/.test(e?.message ?? "")
  );
}
