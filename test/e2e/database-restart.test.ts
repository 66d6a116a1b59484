// The report's own attack on #11 item 3: a PostgreSQL restart (`pg_ctl -m immediate stop`, then
// start) in the middle of a pledge load crashed the server 4 times out of 4. The test runs its own
// PostgreSQL cluster (initdb in a temporary folder, on a free port) so that it can stop and start a
// whole server without touching the machine's; the production server takes the load through two
// restarts, answers 503 meanwhile (never 500, never a reset), and lives on by itself.
import { execFileSync, spawnSync } from "node:child_process";
import { chownSync, existsSync, mkdtempSync, rmSync } from "node:fs";
import { createServer } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import pg from "pg";
import { afterAll, beforeAll, describe, expect, test } from "vitest";
import { openDatabase } from "#db/connection.ts";
import { invariantViolations } from "../support/invariants";
import { startPledgeLoad, type Answer, type Choice } from "../support/pledge-load";
import { startServer, type RunningServer } from "../support/server";

const postgresUrl = process.env.TEST_DATABASE_URL;
// Debian's server binaries (the machine's PostgreSQL is installed from its packages).
const bin = ["17", "16", "15", "14"]
  .map((v) => `/usr/lib/postgresql/${v}/bin`)
  .find((dir) => existsSync(join(dir, "pg_ctl")));

/** Runs a server binary as the postgres user when we are root (initdb and postgres refuse root). */
function asPostgres(command: string, args: string[]) {
  const [file, argv] =
    process.getuid?.() === 0
      ? ["runuser", ["-u", "postgres", "--", join(bin!, command), ...args]]
      : [join(bin!, command), args];
  const run = spawnSync(file, argv, { encoding: "utf8" });
  if (run.status !== 0) throw new Error(`${command} ${args.join(" ")}: ${run.stderr}${run.stdout}`);
  return run.stdout;
}

function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const probe = createServer().listen(0, "127.0.0.1", () => {
      const { port } = probe.address() as { port: number };
      probe.close(() => resolve(port));
    });
    probe.on("error", reject);
  });
}

// PostgreSQL only, as database-outage.test.ts; CI sets TEST_DATABASE_URL and has the server binaries.
describe.skipIf(!postgresUrl)("a PostgreSQL restart under load", () => {
  let dir: string;
  let port: number;
  let url: string;
  let server: RunningServer;
  let choices: Choice[];
  const pgCtl = (...args: string[]) => asPostgres("pg_ctl", ["-D", join(dir, "data"), ...args]);

  beforeAll(async () => {
    expect(bin, "PostgreSQL's server binaries (pg_ctl, initdb) under /usr/lib/postgresql").toBeDefined();
    dir = mkdtempSync(join(tmpdir(), "tdt-pg-"));
    if (process.getuid?.() === 0)
      chownSync(dir, Number(execFileSync("id", ["-u", "postgres"], { encoding: "utf8" })), 0);
    port = await freePort();
    asPostgres("initdb", ["-D", join(dir, "data"), "-A", "trust", "-U", "postgres", "--no-sync"]);
    pgCtl(
      "-o",
      `-p ${port} -k ${dir} -c listen_addresses=127.0.0.1 -c fsync=off`,
      "-l",
      join(dir, "log"),
      "-w",
      "start",
    );
    const admin = new pg.Client({ connectionString: `postgres://postgres@127.0.0.1:${port}/postgres` });
    await admin.connect();
    await admin.query("create database tdt");
    await admin.end();
    url = `postgres://postgres@127.0.0.1:${port}/tdt`;
    server = await startServer({
      DATABASE_URL: url,
      LOG_REQUESTS: "false",
      PLEDGE_LIMIT_PER_IP: "1000000",
      PLEDGE_LIMIT_PER_EMAIL: "1000000",
      HOLDS_PER_EMAIL: "1000000",
      HOLDS_PER_IP: "1000000",
    });
    const handle = openDatabase(url);
    const tiers = await handle.db
      .selectFrom("reward_tiers")
      .innerJoin("campaigns", "campaigns.id", "reward_tiers.campaign_id")
      .select(["reward_tiers.id", "reward_tiers.min_amount"])
      .where("campaigns.slug", "=", "la-machinerie")
      .where("reward_tiers.stock_limit", "is", null)
      .execute();
    await handle.db.destroy();
    choices = [{ tierId: "", amount: 1_500 }, ...tiers.map((t) => ({ tierId: t.id, amount: t.min_amount }))];
  });

  afterAll(async () => {
    await server?.stop();
    if (dir) {
      try {
        pgCtl("-m", "immediate", "stop");
      } catch {
        // Already stopped.
      }
      rmSync(dir, { recursive: true, force: true });
    }
  });

  async function until(condition: () => boolean, timeoutMs: number) {
    const deadline = Date.now() + timeoutMs;
    while (!condition()) {
      if (Date.now() > deadline)
        throw new Error(`Not in ${timeoutMs} ms; server output:\n${server.output()}`);
      await new Promise((r) => setTimeout(r, 50));
    }
  }

  test("pg_ctl -m immediate stop twice mid-load: no 500, no reset, the process lives, totals hold", async () => {
    const load = startPledgeLoad(server.url, { slug: "la-machinerie", backers: 6, choices });
    const unavailable = () => load.answers.filter((a) => a.status === 503).length;
    for (let restart = 0; restart < 2; restart++) {
      const answered = load.answers.length;
      await until(() => load.answers.length >= answered + 12, 60_000);
      pgCtl("-m", "immediate", "stop");
      // The server answers 503 while its database is gone...
      const before = unavailable();
      await until(() => unavailable() > before, 30_000);
      pgCtl(
        "-o",
        `-p ${port} -k ${dir} -c listen_addresses=127.0.0.1 -c fsync=off`,
        "-l",
        join(dir, "log"),
        "-w",
        "start",
      );
      // ...and commits pledges again once it is back, on new connections.
      const committed = load.committed;
      await until(() => load.committed >= committed + 2, 60_000);
    }
    load.stop();
    await load.done;

    const unexpected = (answers: Answer[]) =>
      answers.filter((a) => !((a.status >= 200 && a.status < 400) || a.status === 503));
    expect(unexpected(load.answers)).toEqual([]);
    expect(server.output()).not.toMatch(/Unhandled 'error' event|Connection terminated unexpectedly\n\s+at/);
    expect((await fetch(`${server.url}/healthz`)).status).toBe(200);
    const handle = openDatabase(url);
    try {
      expect(await invariantViolations(handle.db)).toEqual([]);
    } finally {
      await handle.db.destroy();
    }
  });
});
