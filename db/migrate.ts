// Runs the migrations in db/migrations/ with Kysely's Migrator, on SQLite and PostgreSQL alike.
// Used at server start, by `npm run db:migrate`, and by the tests' fresh databases.
import { promises as fs } from "node:fs";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { FileMigrationProvider, Migrator, type Kysely, type MigrationResult } from "kysely";
import type { Database } from "./schema.ts";

const migrationFolder = fileURLToPath(new URL("./migrations", import.meta.url));

export function createMigrator(db: Kysely<Database>): Migrator {
  return new Migrator({
    db,
    provider: new FileMigrationProvider({ fs, path, migrationFolder }),
  });
}

export async function migrateToLatest(db: Kysely<Database>): Promise<MigrationResult[]> {
  const { error, results = [] } = await createMigrator(db).migrateToLatest();
  if (error) {
    const failed = results.find((r) => r.status === "Error");
    const where = failed ? ` in ${failed.migrationName}` : "";
    throw new Error(`Migration failed${where}: ${String(error)}`, { cause: error });
  }
  return results;
}
