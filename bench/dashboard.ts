// bench/dashboard: an owner's pages on a campaign of 100 000 pledges (issue #14), on the production
// build (SQLite by default, simulated gateway, request log off), signed in as the campaign's owner
// with a session written the way sign-in writes one:
// - the dashboard (/admin/campaigns/:id): p50/p99 and page size, while a probe asks the bare route
//   every ~10 ms and reports the longest it waited (the event loop held up by the dashboard);
// - the backers' CSV: total time, size, chunks, with the same probe; its rows checked against the
//   campaign (every pledge once, amounts summing to the total);
// - the signed-in campaign page of a campaign of 100 pledges and of the one of 100 000 (same owner,
//   same shape): p50 and requests/s (autocannon), "flat" when the ratio stays within noise (≤ 1.3×);
// - the bare Remix resource route's requests/s in the same run, and each page's ratio to it.
// Rounds alternate the three targets (bare, small, large, then large, small, bare…) so that the
// machine's other load falls on all alike. Each campaign has a backers-only update, so its page
// asks whether the owner (no backer) backed it.
//
//   npm run build && npx tsx bench/dashboard.ts [--pledges 100000] [--rounds 3] [--seconds 3]
//                      [--connections 10] [--dashboards 20] [--database postgres://… (empty)]
import { randomBytes, randomUUID } from "node:crypto";
import { readdirSync, readFileSync } from "node:fs";
import http from "node:http";
import { loadavg } from "node:os";
import { parseArgs } from "node:util";
import autocannon from "autocannon";
import { sql } from "kysely";
import { openDatabase } from "#db/connection.ts";
import { createSession, sessionCookieHeader } from "~/auth/session.server";
import { startServer } from "../test/support/server.ts";
import { bareRouteBuild, benchCampaign, benchPledges, loadLine, median } from "./support.ts";

const { values } = parseArgs({
  options: {
    pledges: { type: "string", default: "100000" },
    rounds: { type: "string", default: "3" },
    seconds: { type: "string", default: "3" },
    connections: { type: "string", default: "10" },
    dashboards: { type: "string", default: "20" },
    // An empty PostgreSQL database (created beforehand) instead of a fresh SQLite file.
    database: { type: "string" },
  },
});
const total = Number(values.pledges);
const small = 100;
const rounds = Number(values.rounds);
const seconds = Number(values.seconds);
const connections = Number(values.connections);
const dashboards = Number(values.dashboards);

const SESSION_SECRET = randomBytes(32).toString("hex");
const PUBLIC_URL = "http://localhost:0";
const bare = bareRouteBuild();
const server = await startServer({
  LOG_REQUESTS: "false",
  JOBS: "false",
  SERVER_BUILD: bare.build,
  SESSION_SECRET,
  PUBLIC_URL,
  ...(values.database ? { DATABASE_URL: values.database } : {}),
});
const database = openDatabase(server.databaseUrl);
const { db } = database;

// Two 15-day campaigns launched 10 days ago, of the same owner: "bench" gets the 100 000 pledges,
// "bench-small" 100; their pledges spread evenly over those 10 days.
const now = Date.now();
const launched = now - 10 * 86_400_000;
const { campaign, owner } = await benchCampaign(db, {
  launched_at: new Date(launched).toISOString(),
  deadline_at: new Date(now + 5 * 86_400_000).toISOString(),
  goal_amount: 100_000_000,
});
const template = await db
  .selectFrom("campaigns")
  .selectAll()
  .where("id", "=", campaign)
  .executeTakeFirstOrThrow();
const smallCampaign = randomUUID();
await db
  .insertInto("campaigns")
  .values({ ...template, id: smallCampaign, slug: "bench-small" })
  .execute();
async function addPledges(id: string, count: number) {
  await benchPledges(db, id, count, (i) => {
    const at = new Date(launched + Math.floor((i * 10 * 86_400_000) / count)).toISOString();
    return {
      created_at: at,
      committed_at: at,
      backer_name: `Backer ${i}`,
      backer_email: `backer${i}@bench.example`,
    };
  });
  await db
    .updateTable("campaigns")
    .set({ pledged_amount: count * 1_000, backer_count: count })
    .where("id", "=", id)
    .execute();
}
for (const id of [campaign, smallCampaign])
  await db
    .insertInto("campaign_updates")
    .values({
      id: randomUUID(),
      campaign_id: id,
      title: "Pour les contributeurs",
      body_md: "Merci !",
      visibility: "backers",
      created_at: new Date(now).toISOString(),
    })
    .execute();
const session = await createSession(db, owner, new Date());
const cookie = await sessionCookieHeader({ SESSION_SECRET, PUBLIC_URL }, session.token);

const agent = new http.Agent({ keepAlive: true, maxSockets: 16 });
interface Answer {
  status: number;
  ms: number;
  bytes: number;
  chunks: number;
  headers: http.IncomingHttpHeaders;
  body: string;
}
function get(
  path: string,
  {
    keep = false,
    signedIn = true,
    via = agent,
  }: { keep?: boolean; signedIn?: boolean; via?: http.Agent } = {},
): Promise<Answer> {
  const started = performance.now();
  return new Promise((resolve, reject) => {
    const request = http.get(
      `${server.url}${path}`,
      { agent: via, headers: signedIn ? { Cookie: cookie, "Accept-Language": "fr" } : {} },
      (response) => {
        let bytes = 0;
        let chunks = 0;
        const parts: Buffer[] = [];
        response.on("data", (chunk: Buffer) => {
          bytes += chunk.length;
          chunks++;
          if (keep) parts.push(chunk);
        });
        response.on("end", () =>
          resolve({
            status: response.statusCode ?? 0,
            ms: performance.now() - started,
            bytes,
            chunks,
            headers: response.headers,
            body: Buffer.concat(parts).toString("utf8"),
          }),
        );
      },
    );
    request.on("error", reject);
  });
}

/**
 * Asks the bare route every 10 ms while `work` runs (a new request each time, on its own sockets,
 * whether or not the previous one was answered); returns the work's result and the longest any of
 * them waited: how long the server held other requests up.
 */
async function withProbe<T>(
  work: () => Promise<T>,
): Promise<{ result: T; maxWait: number; p99Wait: number; probes: number }> {
  // At most 5 waiting at once: when the server stalls, those already sent measure the stall, and
  // no queue of probes builds up here to add waits of its own.
  const probeAgent = new http.Agent({ keepAlive: true });
  const answers: Promise<Answer | null>[] = [];
  let waiting = 0;
  const probe = async () => {
    waiting++;
    try {
      return await get("/bench-bare", { signedIn: false, via: probeAgent });
    } catch {
      return null;
    } finally {
      waiting--;
    }
  };
  const timer = setInterval(() => {
    if (waiting < 5) answers.push(probe());
  }, 10);
  let result: T;
  try {
    result = await work();
  } finally {
    clearInterval(timer);
  }
  const answered = await Promise.all(answers);
  probeAgent.destroy();
  if (answered.some((a) => a === null || a.status !== 200))
    throw new Error(`the bare route failed ${answered.filter((a) => a?.status !== 200).length} probes`);
  const waits = answered.map((a) => a!.ms).sort((a, b) => a - b);
  return {
    result,
    maxWait: waits.at(-1) ?? 0,
    p99Wait: waits[Math.max(0, Math.ceil(0.99 * waits.length) - 1)] ?? 0,
    probes: waits.length,
  };
}

async function rate(path: string, signedIn: boolean, duration = seconds) {
  const result = await autocannon({
    url: `${server.url}${path}`,
    connections,
    duration,
    headers: signedIn ? { Cookie: cookie, "Accept-Language": "fr" } : {},
  });
  const bad = result.non2xx + result.errors + result.timeouts;
  if (bad) throw new Error(`${path}: ${bad} answers not 2xx`);
  return {
    requests: result.requests.total,
    seconds: result.duration,
    p50: result.latency.p50,
    p99: result.latency.p99,
  };
}

async function dashboardTimes(id: string) {
  const times: number[] = [];
  let bytes = 0;
  for (let i = 0; i < dashboards; i++) {
    const answer = await get(`/admin/campaigns/${id}`, { keep: i === 0 });
    if (answer.status !== 200) throw new Error(`dashboard answered ${answer.status}`);
    if (i === 0 && !answer.body.includes("Bench")) throw new Error("the dashboard is not the campaign's");
    times.push(answer.ms);
    bytes = answer.bytes;
  }
  times.sort((a, b) => a - b);
  return {
    p50: median(times),
    p99: times[Math.min(times.length - 1, Math.ceil(0.99 * times.length) - 1)]!,
    rps: (1000 * times.length) / times.reduce((n, t) => n + t, 0),
    bytes,
  };
}

// The server's own CPU time (user + system, from /proc): what a request costs it, whatever the
// machine's other load does to the wall-clock figures. The server is this process's child.
const serverPid = readdirSync("/proc")
  .filter((name) => /^\d+$/.test(name))
  .find((pid) => {
    try {
      const stat = readFileSync(`/proc/${pid}/stat`, "utf8");
      return (
        Number(stat.slice(stat.lastIndexOf(")") + 2).split(" ")[1]) === process.pid &&
        readFileSync(`/proc/${pid}/cmdline`, "utf8").includes("server.ts")
      );
    } catch {
      return false;
    }
  });
/** CPU milliseconds the server has used so far (clock ticks of 10 ms). */
function serverCpuMs(): number {
  if (!serverPid) return NaN;
  const stat = readFileSync(`/proc/${serverPid}/stat`, "utf8");
  const fields = stat.slice(stat.lastIndexOf(")") + 2).split(" ");
  return (Number(fields[11]) + Number(fields[12])) * 10;
}
async function cpuPer<T>(count: number, work: () => Promise<T>): Promise<{ result: T; cpu: number }> {
  const before = serverCpuMs();
  const result = await work();
  return { result, cpu: (serverCpuMs() - before) / count };
}

const f = (ms: number) => `${ms.toFixed(1)} ms`;
let exitCode = 0;
try {
  await addPledges(smallCampaign, small);
  const t0 = performance.now();
  await addPledges(campaign, total);
  const written = performance.now() - t0;
  // As autovacuum leaves a table that grew over days: statistics, and the visibility map that lets
  // the dashboard's sums read the covering index alone.
  if (database.engine === "postgres") await sql`vacuum analyze pledges`.execute(db);
  const targets = {
    bare: { path: "/bench-bare", signedIn: false },
    small: { path: "/campaigns/bench-small", signedIn: true },
    large: { path: "/campaigns/bench", signedIn: true },
  } as const;
  // The owner is signed in (the header says so) and no backer: the backers-only update stays hidden.
  for (const target of [targets.small, targets.large]) {
    const check = await get(target.path, { keep: true });
    if (check.status !== 200 || !check.body.includes("owner@bench.example"))
      throw new Error(
        `${target.path} answered ${check.status}, signed in: ${check.body.includes("owner@bench.example")}`,
      );
    if (check.body.includes("Pour les contributeurs"))
      throw new Error("a backers-only update shown to a non-backer");
  }

  const loadBefore = loadavg();
  // Warm-up (JIT, caches), not counted.
  for (const target of Object.values(targets)) await rate(target.path, target.signedIn, 2);
  const runs: Record<keyof typeof targets, Awaited<ReturnType<typeof rate>>[]> = {
    bare: [],
    small: [],
    large: [],
  };
  for (let round = 0; round < rounds; round++) {
    const order: (keyof typeof targets)[] =
      round % 2 === 0 ? ["bare", "small", "large"] : ["large", "small", "bare"];
    for (const name of order) runs[name].push(await rate(targets[name].path, targets[name].signedIn));
  }
  const summary = (name: keyof typeof targets) => ({
    rps: runs[name].reduce((n, r) => n + r.requests, 0) / runs[name].reduce((n, r) => n + r.seconds, 0),
    p50: median(runs[name].map((r) => r.p50)),
    p99: median(runs[name].map((r) => r.p99)),
  });
  const bareRun = summary("bare");
  const pageSmall = summary("small");
  const pageLarge = summary("large");

  // CPU per request, 50 in a row each (the two campaign pages), then the dashboards and the CSV.
  const sequential = async (path: string) => {
    for (let i = 0; i < 50; i++) await get(path);
  };
  const cpuSmall = await cpuPer(50, () => sequential(targets.small.path));
  const cpuLarge = await cpuPer(50, () => sequential(targets.large.path));
  const cpuBare = await cpuPer(50, () => sequential(targets.bare.path));

  await dashboardTimes(smallCampaign);
  const { result: dashboardSmall, cpu: cpuDashboardSmall } = await cpuPer(dashboards, () =>
    dashboardTimes(smallCampaign),
  );
  await get(`/admin/campaigns/${campaign}`);
  // The probe alone first: what this machine's other load makes the bare route wait anyway.
  const idle = await withProbe(() => new Promise((r) => setTimeout(r, 3_000)));
  const { result: dashboardLarge, cpu: cpuDashboardLarge } = await cpuPer(dashboards, () =>
    withProbe(() => dashboardTimes(campaign)),
  );
  const { result: csv, cpu: cpuCsv } = await cpuPer(1, () =>
    withProbe(() => get(`/admin/campaigns/${campaign}/backers.csv`, { keep: true })),
  );
  const loadAfter = loadavg();

  // The CSV is the campaign: a header, then each pledge once, amounts summing to the total.
  const lines = csv.result.body.split("\r\n").slice(1, -1);
  const emails = new Set(lines.map((line) => line.split(",")[1]));
  const cents = lines.reduce((n, line) => n + Math.round(Number(line.split(",")[3]) * 100), 0);
  const csvExact =
    csv.result.status === 200 && lines.length === total && emails.size === total && cents === total * 1_000;

  const bareRps = bareRun.rps;
  const pct = (rps: number) => `${((rps / bareRps) * 100).toFixed(1)} % of the bare route`;
  console.log(
    [
      `bench/dashboard on ${process.platform}/${process.arch}, node ${process.version}, ${database.engine === "postgres" ? "PostgreSQL" : "SQLite"}, production build; ${total} pledges written in ${(written / 1000).toFixed(1)} s`,
      loadLine(loadBefore, loadAfter),
      `${rounds} rounds × ${seconds} s per target, autocannon -c ${connections}`,
      `bare route                                ${bareRun.rps.toFixed(0)} requests/s  p50 ${bareRun.p50} ms  p99 ${bareRun.p99} ms`,
      `campaign page, signed in, ${small} pledges     p50 ${pageSmall.p50} ms  p99 ${pageSmall.p99} ms  ${pageSmall.rps.toFixed(0)} requests/s = ${pct(pageSmall.rps)}`,
      `campaign page, signed in, ${total} pledges  p50 ${pageLarge.p50} ms  p99 ${pageLarge.p99} ms  ${pageLarge.rps.toFixed(0)} requests/s = ${pct(pageLarge.rps)}`,
      `  ratio ${total} / ${small} pledges: p50 ${(pageLarge.p50 / pageSmall.p50).toFixed(2)}×, requests/s ${(pageLarge.rps / pageSmall.rps).toFixed(2)}× (flat: p50 ≤ 1.3×)`,
      `server CPU per request (50 in a row; the probes' share included below): bare route ${cpuBare.cpu.toFixed(1)} ms, campaign page ${small} pledges ${cpuSmall.cpu.toFixed(1)} ms, ${total} pledges ${cpuLarge.cpu.toFixed(1)} ms (${(cpuLarge.cpu / cpuSmall.cpu).toFixed(2)}×)`,
      `dashboard, ${small} pledges      p50 ${f(dashboardSmall.p50)}  p99 ${f(dashboardSmall.p99)}  ${(dashboardSmall.bytes / 1024).toFixed(1)} KB  (${dashboards} in a row, ${dashboardSmall.rps.toFixed(1)} requests/s = ${pct(dashboardSmall.rps)})`,
      `dashboard, ${total} pledges   p50 ${f(dashboardLarge.result.p50)}  p99 ${f(dashboardLarge.result.p99)}  ${(dashboardLarge.result.bytes / 1024).toFixed(1)} KB  (${dashboardLarge.result.rps.toFixed(1)} requests/s = ${pct(dashboardLarge.result.rps)})`,
      `probe alone (3 s, nothing else asked)  the bare route waited at most ${f(idle.maxWait)}, p99 ${f(idle.p99Wait)} (${idle.probes} probes)`,
      `  server CPU per dashboard ${cpuDashboardSmall.toFixed(1)} ms (${small} pledges), ${cpuDashboardLarge.toFixed(1)} ms (${total}, with its share of the probes)`,
      `  meanwhile the bare route waited at most ${f(dashboardLarge.maxWait)}, p99 ${f(dashboardLarge.p99Wait)} (${dashboardLarge.probes} probes, target ≤ 100 ms)`,
      `backers CSV, ${total} pledges  ${f(csv.result.ms)}  ${(csv.result.bytes / 1024 / 1024).toFixed(1)} MB (${csv.result.chunks} socket reads), transfer-encoding ${csv.result.headers["transfer-encoding"] ?? "none"}`,
      `  server CPU for the CSV ${cpuCsv.toFixed(0)} ms (with the probes')`,
      `  meanwhile the bare route waited at most ${f(csv.maxWait)}, p99 ${f(csv.p99Wait)} (${csv.probes} probes, target ≤ 100 ms)`,
      `targets: dashboard ≤ 300 ms ${dashboardLarge.result.p99 <= 300 ? "met" : "missed"} (p99), other requests wait ≤ 100 ms ${Math.max(dashboardLarge.maxWait, csv.maxWait) <= 100 ? "met" : "missed"}, campaign page flat ${pageLarge.p50 / pageSmall.p50 <= 1.3 ? "met" : "missed"}`,
      `  rows exact: ${csvExact} (${lines.length} rows, ${emails.size} backers, ${(cents / 100).toFixed(2)} € of ${((total * 1_000) / 100).toFixed(2)} €)`,
    ].join("\n"),
  );
  if (!csvExact) exitCode = 1;
} catch (error) {
  console.error(error);
  exitCode = 1;
} finally {
  agent.destroy();
  await db.destroy();
  await server.stop();
  bare.remove();
}
process.exit(exitCode);
