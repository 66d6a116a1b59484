// The command line: `npm run db:migrate`, `npm run db:seed` and `npm run db:backup [-- --out path]`,
// with the same config as the server.
import { parseArgs } from "node:util";
import { backupPostgres, backupSqlite, defaultBackupPath } from "#db/backup.ts";
import { migrateToLatest } from "#db/migrate.ts";
import { engineOf, openDatabase, sqlitePath } from "#db/connection.ts";
import { seedDemo } from "~/demo/demo.server";
import { ConfigError, loadConfig, type Config } from "~/lib/config.server";

/** An online copy of the database, safe while the app runs; see "Backups" in the README. */
async function backup(config: Config, args: string[]): Promise<void> {
  const { values } = parseArgs({ args, options: { out: { type: "string" } } });
  const engine = engineOf(config.DATABASE_URL);
  const out = values.out ?? defaultBackupPath(config.DATA_DIR, engine, new Date());
  const { path, bytes } =
    engine === "sqlite"
      ? await backupSqlite(sqlitePath(config.DATABASE_URL), out)
      : await backupPostgres(config.DATABASE_URL, out);
  console.log(`Backup written: ${path} (${(bytes / 1024).toFixed(0)} KiB)`);
}

async function main(command: string | undefined, args: string[]): Promise<void> {
  const config = loadConfig();
  // A backup copies what is there: it neither migrates nor seeds.
  if (command === "backup") return backup(config, args);
  const handle = openDatabase(config.DATABASE_URL);
  try {
    const results = await migrateToLatest(handle.db);
    console.log(
      results.length
        ? `Migrated ${handle.description}: ${results.map((r) => r.migrationName).join(", ")}`
        : `${handle.description} is up to date.`,
    );
    if (command === "seed") {
      const { created, skipped } = await seedDemo(handle, new Date());
      console.log(
        `Demo data: created ${created.join(", ") || "nothing"}; already there: ${skipped.join(", ") || "nothing"}.`,
      );
    } else if (command !== "migrate") {
      throw new Error(`Unknown command ${command}: use migrate, seed or backup`);
    }
  } finally {
    await handle.db.destroy();
  }
}

main(process.argv[2], process.argv.slice(3)).catch((error: unknown) => {
  console.error(error instanceof ConfigError ? error.message : error);
  process.exit(1);
});
