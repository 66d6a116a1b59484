// The database handle domain functions take: the app's Kysely, or a transaction already open.
import type { Kysely, Transaction } from "kysely";
import type { Database } from "#db/schema.ts";

export type Db = Kysely<Database> | Transaction<Database>;

/** Runs `work` in a transaction: the caller's when it has one open, else a new one. */
export function inTransaction<T>(db: Db, work: (trx: Transaction<Database>) => Promise<T>): Promise<T> {
  if (db.isTransaction) return work(db as Transaction<Database>);
  return db.transaction().execute(work);
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
