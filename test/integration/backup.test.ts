// `npm run db:backup` while pledges keep coming in: the command runs as its own process, as a
// self-hoster would run it beside the app; the copy is restored the way the README says, and the
// money invariants hold on it. SQLite: better-sqlite3's backup API; PostgreSQL: pg_dump/pg_restore.
import { spawn, spawnSync } from "node:child_process";
import { randomUUID } from "node:crypto";
import { copyFileSync, existsSync, mkdtempSync, readdirSync, rmSync, statSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { SQLite } from "#db/sqlite-driver.ts";
import type { Kysely } from "kysely";
import { afterAll, expect, test } from "vitest";
import { backupName } from "#db/backup.ts";
import { openDatabase } from "#db/connection.ts";
import { migrateToLatest } from "#db/migrate.ts";
import type { Database } from "#db/schema.ts";
import { collectPledge, commitPledge, startPledge } from "~/pledges/pledges.server";
import { createEmptyDatabase, useTestDatabase } from "../support/database";
import { createCampaign, createTier } from "../support/factories";
import { invariantViolations } from "../support/invariants";

const root = resolve(import.meta.dirname, "../..");
const database = useTestDatabase();
const dirs: string[] = [];
afterAll(() => {
  for (const dir of dirs) rmSync(dir, { recursive: true, force: true });
});
const now = new Date("2026-11-25T12:00:00.000Z");

/** One pledge of each kind in turn: pending (holding a unit), committed, collected (in the ledger). */
async function pledge(db: Kysely<Database>, campaignId: string, tierId: string, n: number) {
  const started = await startPledge(
    db,
    {
      campaignId,
      tierId: n % 2 ? tierId : null,
      amount: 1_500 + (n % 5) * 100,
      backerName: `Backer ${n}`,
      backerEmail: `backer${n}@example.org`,
      comment: null,
      anonymous: false,
      locale: "fr",
      submissionKey: randomUUID(),
      gateway: "simulated",
    },
    now,
  );
  if (n % 3 === 0) return;
  await commitPledge(db, started.id, {}, now);
  if (n % 3 === 2) await collectPledge(db, started.id, { paymentIntentId: `sim_pi_${started.id}` }, now);
}

function runBackup(env: Record<string, string>, out: string) {
  return new Promise<{ code: number | null; output: string }>((resolveRun) => {
    const child = spawn(join(root, "node_modules/.bin/tsx"), ["app/cli.server.ts", "backup", "--out", out], {
      cwd: root,
      env: { ...process.env, ...env },
    });
    let output = "";
    child.stdout.on("data", (chunk: Buffer) => (output += chunk.toString()));
    child.stderr.on("data", (chunk: Buffer) => (output += chunk.toString()));
    child.on("exit", (code) => resolveRun({ code, output }));
  });
}

const pledgeCount = async (db: Kysely<Database>) =>
  Number(
    (
      await db
        .selectFrom("pledges")
        .select((eb) => eb.fn.countAll().as("n"))
        .executeTakeFirstOrThrow()
    ).n,
  );

test("a backup taken in the middle of a pledge load restores to a database whose invariants hold", async () => {
  const { db, engine, url } = database();
  const campaignId = await createCampaign(db);
  const tierId = await createTier(db, campaignId, { stock_limit: 10_000 });
  let written = 0;
  let stopped = false;
  const writer = (async () => {
    while (!stopped) {
      await pledge(db, campaignId, tierId, written++);
      // better-sqlite3 answers synchronously: let timers and the child's events in between.
      await new Promise((r) => setImmediate(r));
    }
  })();
  while (written < 30) await new Promise((r) => setTimeout(r, 10));

  const dir = mkdtempSync(join(tmpdir(), "tdt-backup-"));
  dirs.push(dir);
  const out = join(dir, `${backupName(new Date())}.${engine === "sqlite" ? "sqlite" : "dump"}`);
  const before = written;
  const backup = await runBackup({ DATABASE_URL: url, DATA_DIR: dir }, out);
  const during = written - before;
  // And a little more after it, so that the copy is a moment of a database still being written.
  const target = written + 20;
  while (written < target) await new Promise((r) => setTimeout(r, 10));
  stopped = true;
  await writer;

  expect(backup.output).toContain(`Backup written: ${out}`);
  expect(backup.code).toBe(0);
  expect(during).toBeGreaterThan(0);
  expect(readdirSync(dir).filter((f) => f.endsWith(".partial"))).toEqual([]);

  // Restore as the README says: SQLite, the file copied over the app's (no -wal/-shm beside it);
  // PostgreSQL, pg_restore into an empty database.
  let restoredUrl: string;
  let removeRestored = async () => undefined as void;
  if (engine === "sqlite") {
    const check = new SQLite(out, { readonly: true });
    expect(check.pragma("integrity_check", { simple: true })).toBe("ok");
    expect(check.pragma("journal_mode", { simple: true })).toBe("delete");
    check.close();
    restoredUrl = join(dir, "tourdetable.sqlite");
    copyFileSync(out, restoredUrl);
    expect(existsSync(`${restoredUrl}-wal`)).toBe(false);
  } else {
    const empty = await createEmptyDatabase("postgres");
    restoredUrl = empty.url;
    removeRestored = empty.remove;
    const restore = spawnSync("pg_restore", ["--no-owner", `--dbname=${empty.url}`, out], {
      encoding: "utf8",
    });
    expect(restore.stderr).toBe("");
    expect(restore.status).toBe(0);
  }
  const restored = openDatabase(restoredUrl);
  try {
    // Fully migrated already, and a moment of the load: more than before it began, less than all.
    expect(await migrateToLatest(restored.db)).toEqual([]);
    const copied = await pledgeCount(restored.db);
    expect(copied).toBeGreaterThanOrEqual(before);
    expect(copied).toBeLessThan(written);
    expect(await invariantViolations(restored.db)).toEqual([]);
    // And the app can go on with it.
    await pledge(restored.db, campaignId, tierId, written + 1);
    expect(await invariantViolations(restored.db)).toEqual([]);
  } finally {
    await restored.db.destroy();
    await removeRestored();
  }
  expect(await invariantViolations(db)).toEqual([]);
}, 90_000);

test("the default name is dated under DATA_DIR/backups, and a backup is never overwritten", async () => {
  const { url, engine } = database();
  const dir = mkdtempSync(join(tmpdir(), "tdt-backup-"));
  dirs.push(dir);
  expect(backupName(new Date("2026-12-01T20:15:07.123Z"))).toBe("tourdetable-2026-12-01T201507Z");
  const first = spawnSync(join(root, "node_modules/.bin/tsx"), ["app/cli.server.ts", "backup"], {
    cwd: root,
    env: { ...process.env, DATABASE_URL: url, DATA_DIR: dir },
    encoding: "utf8",
  });
  expect(first.status).toBe(0);
  const extension = engine === "sqlite" ? "sqlite" : "dump";
  const files = readdirSync(join(dir, "backups"));
  expect(files).toEqual([
    expect.stringMatching(new RegExp(`^tourdetable-\\d{4}-\\d{2}-\\d{2}T\\d{6}Z\\.${extension}$`)),
  ]);
  expect(statSync(join(dir, "backups", files[0]!)).mode & 0o777).toBe(0o600);

  const again = await runBackup({ DATABASE_URL: url, DATA_DIR: dir }, join(dir, "backups", files[0]!));
  expect(again.code).toBe(1);
  expect(again.output).toContain("already exists: a backup is never overwritten");
}, 90_000);
