// bench/live: live progress to many open campaign pages. N Server-Sent Events streams are opened on
// the production build (by child processes, bench/live-clients.ts, so that the clients do not take the
// measuring process's event loop), then pledges are committed through HTTP (pledge form → simulated
// checkout with 4242) a few times, spaced out; for each commit, how long until every stream got the
// new total. The bare Remix route of the same build is measured in the same run, idle and with every
// stream open, and probed during the fan-outs (a blocked event loop would show there).
//
//   npm run build && npx tsx bench/live.ts [--clients 10000] [--commits 5] [--gap-ms 1500]
//     [--database postgres://postgres@127.0.0.1:5432/tdt_bench] [--instances 2]
//
// On PostgreSQL a fresh database is made beside the one named (and dropped after). With --instances 2
// the streams are on the first instance and the pledges go through the second: they reach the first
// by NOTIFY only (its poll is every 5 s then). Delays run from the moment the checkout's POST is sent,
// so they include that request (its own duration is printed too).
import { fork, type ChildProcess } from "node:child_process";
import { randomBytes, randomUUID } from "node:crypto";
import { loadavg } from "node:os";
import { parseArgs } from "node:util";
import autocannon from "autocannon";
import pg from "pg";
import { openDatabase } from "#db/connection.ts";
import { startServer, type RunningServer } from "../test/support/server.ts";
import { bareRouteBuild, loadLine, median, postForm } from "./support.ts";

const { values } = parseArgs({
  options: {
    clients: { type: "string", default: "10000" },
    "client-processes": { type: "string", default: "2" },
    commits: { type: "string", default: "5" },
    "gap-ms": { type: "string", default: "1500" },
    database: { type: "string" },
    instances: { type: "string", default: "1" },
  },
});
const clients = Number(values.clients);
const clientProcesses = Number(values["client-processes"]);
const commits = Number(values.commits);
const gapMs = Number(values["gap-ms"]);
const instances = Number(values.instances);
if (instances !== 1 && instances !== 2) throw new Error("--instances is 1 or 2");
if (instances === 2 && !values.database) throw new Error("--instances 2 needs --database postgres://…");

const now = () => performance.timeOrigin + performance.now();
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));
const percentile = (sorted: number[], p: number) =>
  sorted.length ? sorted[Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)]! : NaN;
const ms = (x: number) => `${x.toFixed(0)} ms`;

// A fresh PostgreSQL database beside the one named, dropped at the end.
async function freshPostgres(url: string): Promise<{ url: string; drop: () => Promise<void> }> {
  const admin = new URL(url);
  admin.pathname = "/postgres";
  const name = `tdt_bench_live_${randomBytes(4).toString("hex")}`;
  const run = async (statement: string) => {
    const client = new pg.Client({ connectionString: admin.toString() });
    await client.connect();
    try {
      await client.query(statement);
    } finally {
      await client.end();
    }
  };
  await run(`create database "${name}"`);
  const target = new URL(url);
  target.pathname = `/${name}`;
  return { url: target.toString(), drop: () => run(`drop database if exists "${name}" with (force)`) };
}

const bare = bareRouteBuild();
const metricsToken = randomBytes(16).toString("hex");
const postgres = values.database ? await freshPostgres(values.database) : undefined;
const serverEnv = {
  LOG_REQUESTS: "false",
  JOBS: "false",
  SERVER_BUILD: bare.build,
  METRICS_TOKEN: metricsToken,
  // Every pledge comes from 127.0.0.1: the abuse limits would measure themselves.
  PLEDGE_LIMIT_PER_IP: "1000000",
  PLEDGE_LIMIT_PER_EMAIL: "1000000",
  HOLDS_PER_EMAIL: "1000000",
  HOLDS_PER_IP: "1000000",
  ...(postgres ? { DATABASE_URL: postgres.url } : {}),
};
const servers: RunningServer[] = [];
const children: ChildProcess[] = [];
let exitCode = 0;

const post = (base: string, path: string, form: URLSearchParams) =>
  postForm(`${base}${path}`, form, { "Accept-Language": "en" });

async function bareRate(url: string, seconds: number) {
  const result = await autocannon({ url: `${url}/bench-bare`, connections: 10, duration: seconds });
  return { rps: result.requests.total / result.duration, p99: result.latency.p99 };
}

async function sseGauge(url: string): Promise<number> {
  const text = await fetch(`${url}/metrics`, { headers: { Authorization: `Bearer ${metricsToken}` } }).then(
    (r) => r.text(),
  );
  return Number(/^tdt_sse_clients (\d+)/m.exec(text)?.[1] ?? NaN);
}

function nextMessage<T>(child: ChildProcess, type: string): Promise<T> {
  return new Promise((resolve, reject) => {
    const listener = (message: unknown) => {
      if ((message as { type?: string }).type !== type) return;
      child.off("message", listener);
      resolve(message as T);
    };
    child.on("message", listener);
    child.once("exit", () => reject(new Error(`A client process exited while waiting for ${type}`)));
  });
}

try {
  const first = await startServer(serverEnv);
  servers.push(first);
  // The second starts once the first has migrated and seeded the database.
  const second = instances === 2 ? await startServer(serverEnv) : first;
  if (second !== first) servers.push(second);
  const database = openDatabase(first.databaseUrl);
  const campaign = await database.db
    .selectFrom("campaigns")
    .select(["id", "slug"])
    .where("slug", "=", "la-machinerie")
    .executeTakeFirstOrThrow();
  const total = () =>
    database.db
      .selectFrom("campaigns")
      .select("pledged_amount")
      .where("id", "=", campaign.id)
      .executeTakeFirstOrThrow()
      .then((r) => r.pledged_amount);

  const loadBefore = loadavg();
  await bareRate(first.url, 1); // warm-up
  const idle = await bareRate(first.url, 3);

  // The streams, half in each client process.
  const opened = performance.now();
  const streamUrl = `${first.url}/campaigns/${campaign.slug}/live`;
  for (let i = 0; i < clientProcesses; i++) {
    children.push(fork(new URL("./live-clients.ts", import.meta.url), { execArgv: ["--import", "tsx"] }));
  }
  const readies = children.map((child, i) => {
    const count = Math.floor(clients / clientProcesses) + (i < clients % clientProcesses ? 1 : 0);
    const waiting = nextMessage<{ ready: number; failed: number }>(child, "ready");
    child.send({ type: "open", url: streamUrl, count, concurrency: 50 });
    return waiting;
  });
  const ready = await Promise.all(readies);
  const connected = ready.reduce((n, r) => n + r.ready, 0);
  const refused = ready.reduce((n, r) => n + r.failed, 0);
  const openSeconds = (performance.now() - opened) / 1000;
  const gaugeOpen = await sseGauge(first.url);
  const busy = await bareRate(first.url, 3);

  // The bare route probed one request at a time during the fan-outs.
  let probing = true;
  const probes: number[] = [];
  const probe = (async () => {
    while (probing) {
      const started = performance.now();
      await fetch(`${first.url}/bench-bare`).then((r) => r.text());
      probes.push(performance.now() - started);
      await sleep(10);
    }
  })();

  interface Measured {
    raised: number;
    checkoutMs: number;
    delays: number[];
    missing: number;
  }
  const measured: Measured[] = [];
  for (let i = 0; i < commits; i++) {
    await sleep(gapMs);
    const pledge = await post(
      second.url,
      `/campaigns/${campaign.slug}/pledge`,
      new URLSearchParams({
        tierId: "",
        amount: (25 + i).toFixed(2),
        name: `Live Bench ${i}`,
        email: `live${i}@example.org`,
        comment: "",
        consent: "on",
        submissionKey: randomUUID(),
      }),
    );
    if (pledge.status !== 302 || !pledge.location)
      throw new Error(`The pledge form answered ${pledge.status}`);
    const t0 = now();
    const pay = await post(
      second.url,
      pledge.location,
      new URLSearchParams({ cardNumber: "4242 4242 4242 4242", expiry: "12/30", cvc: "123", intent: "pay" }),
    );
    const checkoutMs = now() - t0;
    if (pay.status !== 302) throw new Error(`The checkout answered ${pay.status}`);
    const raised = await total();
    const answers = await Promise.all(
      children.map((child) => {
        const waiting = nextMessage<{ delays: number[]; missing: number }>(child, "delays");
        child.send({ type: "measure", raised, t0, timeoutMs: 5_000 });
        return waiting;
      }),
    );
    measured.push({
      raised,
      checkoutMs,
      delays: answers.flatMap((a) => a.delays).sort((a, b) => a - b),
      missing: answers.reduce((n, a) => n + a.missing, 0),
    });
  }
  probing = false;
  await probe;
  const loadAfter = loadavg();

  await Promise.all(
    children.map((child) => {
      const closed = nextMessage(child, "closed");
      child.send({ type: "close" });
      return closed;
    }),
  );
  // The server hears of 10 000 closed sockets over a few seconds: the gauge must come back to 0.
  const closing = performance.now();
  let gaugeClosed = await sseGauge(first.url);
  while (gaugeClosed !== 0 && performance.now() - closing < 30_000) {
    await sleep(200);
    gaugeClosed = await sseGauge(first.url);
  }
  const closeSeconds = (performance.now() - closing) / 1000;
  await database.db.destroy();

  const engine = postgres
    ? `PostgreSQL, ${instances} instance${instances > 1 ? "s (streams on the first, pledges through the second)" : ""}`
    : "SQLite";
  console.log(
    `bench/live: ${clients} SSE clients in ${clientProcesses} processes, ${commits} commits ${gapMs} ms apart, ${engine}`,
  );
  console.log(loadLine(loadBefore, loadAfter));
  console.log(
    `streams: ${connected} got their first event (${refused} refused) in ${openSeconds.toFixed(1)} s; tdt_sse_clients ${gaugeOpen} open, ${gaugeClosed} ${closeSeconds.toFixed(1)} s after closing them`,
  );
  console.log(
    `bare route: ${idle.rps.toFixed(0)} requests/s idle (p99 ${idle.p99} ms), ${busy.rps.toFixed(0)} with the streams open (p99 ${busy.p99} ms) = ${((busy.rps / idle.rps) * 100).toFixed(0)} %`,
  );
  const sortedProbes = [...probes].sort((a, b) => a - b);
  console.log(
    `bare route during the fan-outs, one at a time: ${probes.length} requests, p50 ${ms(percentile(sortedProbes, 50))}, p99 ${ms(percentile(sortedProbes, 99))}, max ${ms(sortedProbes.at(-1) ?? NaN)}`,
  );
  for (const [i, m] of measured.entries()) {
    console.log(
      `commit ${i + 1}: total ${m.raised}, checkout POST ${ms(m.checkoutMs)}; ${m.delays.length}/${connected} clients got it: p50 ${ms(percentile(m.delays, 50))} p95 ${ms(percentile(m.delays, 95))} p99 ${ms(percentile(m.delays, 99))} max ${ms(m.delays.at(-1) ?? NaN)}`,
    );
  }
  const all = measured.flatMap((m) => m.delays).sort((a, b) => a - b);
  const missing = measured.reduce((n, m) => n + m.missing, 0);
  console.log(
    `all commits: ${all.length} deliveries, ${missing} missing after 5 s; p50 ${ms(percentile(all, 50))} p95 ${ms(percentile(all, 95))} p99 ${ms(percentile(all, 99))} max ${ms(all.at(-1) ?? NaN)}; checkout POST median ${ms(median(measured.map((m) => m.checkoutMs)))}`,
  );
  if (connected !== clients || missing || gaugeOpen !== clients || gaugeClosed !== 0) {
    console.error("Not every stream opened, got every change, or was counted: the figures do not count");
    exitCode = 1;
  }
} catch (error) {
  console.error(error);
  exitCode = 1;
} finally {
  for (const child of children) if (child.connected) child.kill();
  for (const server of servers.reverse()) await server.stop();
  await postgres?.drop();
  bare.remove();
}
process.exit(exitCode);
