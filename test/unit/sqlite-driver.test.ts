// The SQLite driver must survive the garbage collector on every Node the project runs on:
// better-sqlite3 12 aborts the process (SIGABRT) when the collector frees a statement on Node ≥ 24.19,
// and 13 cannot load on Node 20. Each case runs in a child process on this Node, as the server does.
import { spawnSync } from "node:child_process";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { expect, test } from "vitest";
import { sqliteDriverFor } from "#db/sqlite-driver.ts";

const root = resolve(import.meta.dirname, "../..");

function runOnThisNode(script: string) {
  const dir = mkdtempSync(join(tmpdir(), "tdt-driver-"));
  try {
    const child = spawnSync(process.execPath, ["--import", "tsx", "--input-type=module", "-e", script], {
      cwd: root,
      env: {
        PATH: process.env.PATH,
        HOME: process.env.HOME,
        NODE_ENV: "test",
        DB_FILE: join(dir, "driver.sqlite"),
      },
      encoding: "utf8",
      timeout: 60_000,
    });
    return { status: child.status, signal: child.signal, stdout: child.stdout, stderr: child.stderr };
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

test("Node 24 and 22.14+ (Node-API 10) load better-sqlite3 13; Node 20 (Node-API 9) loads 12", () => {
  expect(sqliteDriverFor(10)).toBe("better-sqlite3");
  expect(sqliteDriverFor(9)).toBe("better-sqlite3-node20");
});

// Statements left to the garbage collector, collected while the process waits on a timer: where
// better-sqlite3 12 aborted on Node 24.21 every time.
test("statements the garbage collector takes while the process waits do not abort it", () => {
  const result = runOnThisNode(`
    import { SQLite } from "./db/sqlite-driver.ts";
    const sqlite = new SQLite(process.env.DB_FILE);
    for (let round = 0; round < 20; round++) {
      for (let i = 0; i < 2000; i++) sqlite.prepare("select " + i + " as n").get();
      globalThis.garbage = Array.from({ length: 20000 }, (_, i) => ({ i, text: "x".repeat(50) }));
      await new Promise((resolve) => setTimeout(resolve, 50));
    }
    sqlite.close();
    console.log("done");
  `);
  expect(result).toMatchObject({ status: 0, signal: null, stdout: "done\n" });
});

// The app's own connection keeps 500 prepared statements and lets older ones go, as a long-running
// server does with many distinct queries.
test("more distinct queries than the connection keeps prepared do not abort the process", () => {
  const result = runOnThisNode(`
    import { sql } from "kysely";
    import { openDatabase } from "./db/connection.ts";
    const { db } = openDatabase(process.env.DB_FILE);
    let total = 0;
    for (let round = 0; round < 10; round++) {
      for (let i = 0; i < 600; i++) {
        const { rows } = await sql\`select \${sql.lit(round * 600 + i)} as n\`.execute(db);
        total += rows.length;
      }
      globalThis.garbage = Array.from({ length: 20000 }, (_, i) => ({ i, text: "x".repeat(50) }));
      await new Promise((resolve) => setTimeout(resolve, 50));
    }
    await db.destroy();
    console.log(total);
  `);
  expect(result).toMatchObject({ status: 0, signal: null, stdout: "6000\n" });
});
