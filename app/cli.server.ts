// The command line: `npm run db:migrate` and `npm run db:seed`, with the same config as the server.
import { migrateToLatest } from "#db/migrate.ts";
import { openDatabase } from "#db/connection.ts";
import { seedDemoData } from "~/boot.server";
import { ConfigError, loadConfig } from "~/lib/config.server";

async function main(command: string | undefined): Promise<void> {
  const config = loadConfig();
  const handle = openDatabase(config.DATABASE_URL);
  try {
    const results = await migrateToLatest(handle.db);
    console.log(
      results.length
        ? `Migrated ${handle.description}: ${results.map((r) => r.migrationName).join(", ")}`
        : `${handle.description} is up to date.`,
    );
    if (command === "seed") {
      const { created, skipped } = await seedDemoData(handle, new Date());
      console.log(
        `Demo data: created ${created.join(", ") || "nothing"}; already there: ${skipped.join(", ") || "nothing"}.`,
      );
    } else if (command !== "migrate") {
      throw new Error(`Unknown command ${command}: use migrate or seed`);
    }
  } finally {
    await handle.db.destroy();
  }
}

main(process.argv[2]).catch((error: unknown) => {
  console.error(error instanceof ConfigError ? error.message : error);
  process.exit(1);
});
