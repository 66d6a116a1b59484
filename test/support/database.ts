// A fresh, migrated database for one test file, on the engine the vitest project names
// (TEST_ENGINE=sqlite or postgres). Never a mock: the same SQL the app runs, on a real engine.
// Under `vitest run` it is a copy of the template migrated once at the start of the run
// (template-database.ts); elsewhere (the mutation runs) it is migrated here.
import { randomBytes } from "node:crypto";
import { copyFileSync, mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import pg from "pg";
import { afterAll, beforeAll, inject } from "vitest";
import { openDatabase, type DatabaseHandle, type Engine } from "#db/connection.ts";
import { migrateToLatest } from "#db/migrate.ts";

export function testEngine(engine = process.env.TEST_ENGINE ?? "sqlite"): Engine {
  if (engine !== "sqlite" && engine !== "postgres") throw new Error(`Unknown TEST_ENGINE ${engine}`);
  return engine;
}

export interface TestDatabase extends DatabaseHandle {
  url: string;
  drop(): Promise<void>;
}

function postgresServerUrl(): URL {
  const url = process.env.TEST_DATABASE_URL;
  if (!url) throw new Error("TEST_ENGINE=postgres needs TEST_DATABASE_URL=postgres://user@host:port/name");
  return new URL(url);
}

/**
 * Creates a database and returns its URL and how to remove it: empty, or a copy of `template` (a
 * migrated database no one is connected to). `label` goes into its name.
 */
export async function createEmptyDatabase(
  engine: Engine = testEngine(),
  label = "test",
  template?: string,
): Promise<{ url: string; remove(): Promise<void> }> {
  if (engine === "sqlite") {
    const dir = mkdtempSync(join(tmpdir(), `tdt-${label}-`));
    const url = join(dir, "test.sqlite");
    // Closed, the template has no WAL left: the file is the whole database.
    if (template) copyFileSync(template, url);
    return { url, remove: async () => rmSync(dir, { recursive: true, force: true }) };
  }
  const server = postgresServerUrl();
  // The URL's database name is the prefix of each test file's own database.
  const prefix = server.pathname.slice(1) || "tourdetable_test";
  const name = `${prefix}_${label}_${randomBytes(5).toString("hex")}`
    .toLowerCase()
    .replace(/[^a-z0-9_]/g, "_");
  const admin = new URL(server);
  admin.pathname = "/postgres";
  const client = new pg.Client({ connectionString: admin.toString() });
  await client.connect();
  const from = template ? ` template "${new URL(template).pathname.slice(1)}"` : "";
  await client.query(`create database "${name}"${from}`);
  await client.end();
  const url = new URL(server);
  url.pathname = `/${name}`;
  return {
    url: url.toString(),
    remove: async () => {
      const dropper = new pg.Client({ connectionString: admin.toString() });
      await dropper.connect();
      try {
        // Closed pools may still be saying goodbye: wait for them rather than cut them off (a
        // forced drop terminates them mid-close, which pg reports as an uncaught error).
        for (let attempt = 0; ; attempt++) {
          try {
            await dropper.query(`drop database if exists "${name}"`);
            break;
          } catch (error) {
            if ((error as { code?: string }).code !== "55006" || attempt >= 50) throw error;
            await new Promise((resolve) => setTimeout(resolve, 100));
          }
        }
      } finally {
        await dropper.end();
      }
    },
  };
}

/** The run's migrated template, when the project's global setup made one. */
function providedTemplate(engine: Engine): string | undefined {
  try {
    return engine === testEngine() ? inject("templateDatabase") : undefined;
  } catch {
    return undefined; // not inside a vitest worker
  }
}

/** A fresh migrated database; `drop()` closes and removes it. */
export async function createTestDatabase(engine: Engine = testEngine()): Promise<TestDatabase> {
  const template = providedTemplate(engine);
  const { url, remove } = await createEmptyDatabase(engine, "test", template);
  const handle = openDatabase(url);
  if (!template) await migrateToLatest(handle.db);
  return {
    ...handle,
    url,
    drop: async () => {
      await handle.db.destroy();
      await remove();
    },
  };
}

/** One fresh database for the whole test file, dropped after its last test. */
export function useTestDatabase(): () => TestDatabase {
  let database: TestDatabase | undefined;
  beforeAll(async () => {
    database = await createTestDatabase();
  });
  afterAll(async () => {
    await database?.drop();
  });
  return () => {
    if (!database) throw new Error("The test database is created in beforeAll");
    return database;
  };
}
