// Online backups while the app runs. SQLite: better-sqlite3's backup API on a connection of its own;
// with WAL, readers never block the app's writers, and the whole file is copied in one step, so the
// copy is one consistent snapshot. PostgreSQL: pg_dump, which reads one snapshot too.
import { spawn } from "node:child_process";
import { chmodSync, existsSync, mkdirSync, renameSync, rmSync, statSync } from "node:fs";
import { dirname, join } from "node:path";
import { SQLite } from "./sqlite-driver.ts";

/** `tourdetable-2026-12-01T201500Z`: sorts by date, and is a valid file name everywhere. */
export function backupName(now: Date): string {
  const iso = now.toISOString(); // 2026-12-01T20:15:00.123Z
  return `tourdetable-${iso.slice(0, 10)}T${iso.slice(11, 19).replaceAll(":", "")}Z`;
}

export interface BackupResult {
  path: string;
  bytes: number;
}

/**
 * Copies the SQLite database at `databasePath` to `outPath` while others keep writing to it. The copy
 * is written beside as `.partial` and renamed once checked, so a file with the final name is always a
 * complete, intact database; an existing backup is never overwritten.
 */
export async function backupSqlite(databasePath: string, outPath: string): Promise<BackupResult> {
  if (existsSync(outPath)) throw new Error(`${outPath} already exists: a backup is never overwritten`);
  mkdirSync(dirname(outPath), { recursive: true });
  const partial = `${outPath}.partial`;
  rmSync(partial, { force: true });
  const source = new SQLite(databasePath, { fileMustExist: true });
  try {
    source.pragma("busy_timeout = 5000");
    // Every page in one step: a step is one read transaction, hence one snapshot. In smaller steps, a
    // write by the app between two of them would restart the copy, possibly forever under load.
    await source.backup(partial, { progress: () => 0x7fffffff });
  } catch (error) {
    rmSync(partial, { force: true });
    throw error;
  } finally {
    source.close();
  }
  const copy = new SQLite(partial);
  try {
    // One self-contained file: no -wal or -shm beside it.
    copy.pragma("journal_mode = DELETE");
    const integrity = copy.pragma("integrity_check", { simple: true });
    if (integrity !== "ok") throw new Error(`The copy failed its integrity check: ${String(integrity)}`);
  } catch (error) {
    copy.close();
    rmSync(partial, { force: true });
    throw error;
  }
  copy.close();
  return finish(partial, outPath);
}

/**
 * Runs pg_dump (custom format, for pg_restore) on `url` into `outPath`. Rejects with a message saying
 * what to install when pg_dump is not on the PATH.
 */
export async function backupPostgres(url: string, outPath: string): Promise<BackupResult> {
  if (existsSync(outPath)) throw new Error(`${outPath} already exists: a backup is never overwritten`);
  mkdirSync(dirname(outPath), { recursive: true });
  const partial = `${outPath}.partial`;
  // The password goes through the environment: a command line is readable by every user (ps).
  const withoutPassword = new URL(url);
  const password = decodeURIComponent(withoutPassword.password);
  withoutPassword.password = "";
  await new Promise<void>((resolve, reject) => {
    const args = ["--format=custom", "--no-owner", `--file=${partial}`, `--dbname=${withoutPassword}`];
    const child = spawn("pg_dump", args, {
      stdio: ["ignore", "inherit", "inherit"],
      env: password ? { ...process.env, PGPASSWORD: password } : process.env,
    });
    child.on("error", (error: NodeJS.ErrnoException) => {
      reject(
        error.code === "ENOENT"
          ? new Error(
              "pg_dump was not found: install PostgreSQL's client tools (Debian: apt-get install postgresql-client, of the server's major version or newer)",
            )
          : error,
      );
    });
    child.on("exit", (code) =>
      code === 0 ? resolve() : reject(new Error(`pg_dump exited with code ${code}`)),
    );
  }).catch((error: unknown) => {
    rmSync(partial, { force: true });
    throw error;
  });
  return finish(partial, outPath);
}

/** A backup holds every backer's name and email: readable by its owner only, under its final name. */
function finish(partial: string, outPath: string): BackupResult {
  chmodSync(partial, 0o600);
  renameSync(partial, outPath);
  return { path: outPath, bytes: statSync(outPath).size };
}

/** Where `npm run db:backup` writes when no --out is given. */
export function defaultBackupPath(dataDir: string, engine: "sqlite" | "postgres", now: Date): string {
  return join(dataDir, "backups", `${backupName(now)}.${engine === "sqlite" ? "sqlite" : "dump"}`);
}
