// bench/pledges: N concurrent simulated backers pledge through HTTP against the production build
// (pledge form → simulated checkout with 4242 → committed), measured against a bare Remix resource
// route in the same run, then the WHOLE database is checked: every campaign's stored totals equal
// its rows, no tier oversold, each tier's claimed stock equals the pledges holding it, and no email
// queued twice (each committed pledge has exactly one confirmation).
//
//   npm run build && npx tsx bench/pledges.ts [--backers 50] [--seconds 5] [--rounds 2] [--jobs true]
//       [--database postgres://postgres@127.0.0.1:5432/bench] [--instances 2] [--compare]
//
// --database postgres://…  the servers run on PostgreSQL, in a fresh database made for the run
//                          (named after the URL's, dropped at the end); SQLite otherwise.
// --instances N            N servers on one database, measured against one server (on a database
//                          of its own) in the same run; backer i pledges on server i mod N.
// --compare                SQLite and PostgreSQL (--database, or the local server) in the same run,
//                          rounds interleaved, and prints PostgreSQL / SQLite.
// --url U --database D     against a server already running (to profile it, say): no baseline.
// --profile DIR            each server writes a CPU profile into DIR (read it with bench/profile.ts).
//
// Rounds alternate the targets (bare, sqlite, postgres, then the reverse…) so that the machine's
// other load falls on each alike. Prints pledges/s, p50/p99 of a whole pledge (both requests), the
// bare route's requests/s, their ratio, and the load average.
import { randomBytes, randomUUID } from "node:crypto";
import http from "node:http";
import { loadavg } from "node:os";
import { parseArgs } from "node:util";
import autocannon from "autocannon";
import pg from "pg";
import { engineOf, openDatabase, type DatabaseHandle } from "#db/connection.ts";
import { invariantViolations } from "../test/support/invariants.ts";
import { startServer, type RunningServer } from "../test/support/server.ts";
import { bareRouteBuild, loadLine, median, postForm } from "./support.ts";

const { values } = parseArgs({
  options: {
    backers: { type: "string", default: "50" },
    seconds: { type: "string", default: "5" },
    rounds: { type: "string", default: "2" },
    connections: { type: "string", default: "50" },
    url: { type: "string" },
    // false: the web process only takes pledges; emails wait for `npm run worker` (JOBS=false).
    jobs: { type: "string", default: "true" },
    database: { type: "string" },
    instances: { type: "string", default: "1" },
    compare: { type: "boolean", default: false },
    // A directory: every server writes a V8 CPU profile there when it stops (node --cpu-prof).
    profile: { type: "string" },
  },
});
const backers = Number(values.backers);
const seconds = Number(values.seconds);
const rounds = Number(values.rounds);
const instances = Number(values.instances);
const postgresUrl =
  values.database && engineOf(values.database) === "postgres"
    ? values.database
    : values.compare
      ? "postgres://postgres@127.0.0.1:5432/tourdetable_bench"
      : undefined;

const serverEnv = {
  LOG_REQUESTS: "false",
  JOBS: values.jobs ?? "true",
  // Each simulated backer sends its own address (X-Forwarded-For, one proxy trusted), and the
  // limits are lifted: the abuse limits would measure themselves, not the pledge path.
  TRUST_PROXY: "1",
  PLEDGE_LIMIT_PER_IP: "1000000",
  PLEDGE_LIMIT_PER_EMAIL: "1000000",
  HOLDS_PER_EMAIL: "1000000",
  HOLDS_PER_IP: "1000000",
};

/** A fresh PostgreSQL database beside the one the URL names, and how to drop it. */
async function freshPostgres(url: string): Promise<{ url: string; drop: () => Promise<void> }> {
  const base = new URL(url);
  const name = `${base.pathname.slice(1) || "tourdetable_bench"}_${randomBytes(4).toString("hex")}`;
  const admin = new URL(base);
  admin.pathname = "/postgres";
  const run = async (query: string) => {
    const client = new pg.Client({ connectionString: admin.toString() });
    await client.connect();
    try {
      await client.query(query);
    } finally {
      await client.end();
    }
  };
  await run(`create database "${name}"`);
  const fresh = new URL(base);
  fresh.pathname = `/${name}`;
  return { url: fresh.toString(), drop: () => run(`drop database if exists "${name}" with (force)`) };
}

interface Target {
  name: string;
  urls: string[];
  handle: DatabaseHandle;
  engine: "SQLite" | "PostgreSQL";
  stop: () => Promise<void>;
}

const bare = bareRouteBuild();

async function startTarget(engine: "SQLite" | "PostgreSQL", count: number): Promise<Target> {
  const database = engine === "PostgreSQL" ? await freshPostgres(postgresUrl!) : null;
  const servers: RunningServer[] = [];
  // One after the other: the first migrates the empty database and seeds the demo.
  for (let i = 0; i < count; i++)
    servers.push(
      await startServer(
        {
          ...serverEnv,
          SERVER_BUILD: bare.build,
          ...(database ? { DATABASE_URL: database.url } : {}),
        },
        { nodeArgs: values.profile ? ["--cpu-prof", `--cpu-prof-dir=${values.profile}`] : [] },
      ),
    );
  const handle = openDatabase(servers[0]!.databaseUrl);
  return {
    name: count > 1 ? `${engine} ×${count}` : engine,
    urls: servers.map((s) => s.url),
    handle,
    engine,
    stop: async () => {
      await handle.db.destroy();
      for (const server of servers) await server.stop();
      await database?.drop();
    },
  };
}

// node:http with keep-alive: a lighter client than fetch, so the client takes less of the 2 cores.
const agent = new http.Agent({ keepAlive: true, maxSockets: 256 });
const post = (url: string, form: URLSearchParams, headers: Record<string, string> = {}) =>
  postForm(url, form, headers, agent);

/** What a target's backers pledge to: the demo's open campaign and its rewards. */
async function pledgePlan(target: Target) {
  const { db } = target.handle;
  const campaign = await db
    .selectFrom("campaigns")
    .select(["id", "slug"])
    .where("slug", "=", "la-machinerie")
    .executeTakeFirstOrThrow();
  const tiers = await db
    .selectFrom("reward_tiers")
    .select(["id", "min_amount", "stock_limit", "claimed_count"])
    .where("campaign_id", "=", campaign.id)
    .orderBy("position")
    .execute();
  // Backers pick among the rewards on offer: none, the unlimited ones, and the limited ones, which
  // run out during the run; a backer told "sold out" picks another, as a person would.
  const choices = [
    "",
    ...tiers.filter((t) => t.stock_limit === null || t.claimed_count < t.stock_limit).map((t) => t.id),
  ];
  return { slug: campaign.slug, choices, minimum: new Map(tiers.map((t) => [t.id, t.min_amount])) };
}

interface PledgeRun {
  committed: number;
  seconds: number;
  latencies: number[];
  soldOut: number;
  failures: number;
}

const plans = new Map<Target, Awaited<ReturnType<typeof pledgePlan>>>();
let counter = 0;
/** Committed pledges by target over the whole run, warm-up included: what the database must show. */
const committedBy = new Map<Target, number>();

async function pledgeLoad(target: Target, duration: number, concurrency = backers): Promise<PledgeRun> {
  const plan = plans.get(target)!;
  const run: PledgeRun = { committed: 0, seconds: 0, latencies: [], soldOut: 0, failures: 0 };
  const stopAt = performance.now() + duration * 1000;
  // Each simulated backer has an address of their own, sent as a proxy in front would send it
  // (TRUST_PROXY=1): 50 backers are 50 people, not one machine hammering one rate-limit row.
  async function pledgeOnce(n: number, ip: string): Promise<void> {
    const server = target.urls[n % target.urls.length]!;
    const tierId = plan.choices[n % plan.choices.length]!;
    const amount = Math.max(plan.minimum.get(tierId) ?? 1_000, 1_000) + (n % 7) * 100;
    const started = performance.now();
    const form = new URLSearchParams({
      tierId,
      amount: (amount / 100).toFixed(2),
      name: `Bench Backer ${n}`,
      email: `bench${n}@example.org`,
      comment: "",
      consent: "on",
      submissionKey: randomUUID(),
      // A postal reward asks for an address; the others ignore it.
      delivery: "post",
      shipName: "Camille Dupont",
      shipLine1: "12 rue des Jacobins",
      shipPostalCode: "80000",
      shipCity: "Amiens",
      shipCountry: "FR",
    });
    const pledge = await post(`${server}/campaigns/${plan.slug}/pledge`, form, {
      "Accept-Language": "en",
      "X-Forwarded-For": ip,
    });
    const checkout = pledge.location;
    if (pledge.status !== 302 || !checkout) {
      if (pledge.status === 400 || pledge.status === 409) {
        run.soldOut++;
        const index = plan.choices.indexOf(tierId);
        if (index > 0) plan.choices.splice(index, 1);
      } else run.failures++;
      return;
    }
    const pay = await post(
      `${server}${checkout}`,
      new URLSearchParams({ cardNumber: "4242 4242 4242 4242", expiry: "12/30", cvc: "123", intent: "pay" }),
      { "X-Forwarded-For": ip },
    );
    if (pay.status !== 302) {
      run.failures++;
      return;
    }
    run.latencies.push(performance.now() - started);
    run.committed++;
    committedBy.set(target, (committedBy.get(target) ?? 0) + 1);
  }
  const t0 = performance.now();
  await Promise.all(
    Array.from({ length: concurrency }, async (_, backer) => {
      const ip = `10.${(backer >> 8) & 255}.${backer & 255}.${1 + (backer % 250)}`;
      while (performance.now() < stopAt) await pledgeOnce(counter++, ip);
    }),
  );
  run.seconds = (performance.now() - t0) / 1000;
  return run;
}

interface BareRun {
  requests: number;
  seconds: number;
  p50: number;
  p99: number;
  bad: number;
}

/**
 * The bare resource route (GET, answers `ok`), or with `action` the framework's floor for one pledge
 * request: a POST of a small form to an empty route action that reads it and redirects, as a
 * document request (the route has a component), which is what each of a pledge's two requests is.
 */
async function bareLoad(url: string, duration: number, { action = false } = {}): Promise<BareRun> {
  const result = await autocannon({
    url: `${url}${action ? "/bench-bare-action" : "/bench-bare"}`,
    connections: Number(values.connections),
    duration,
    ...(action
      ? {
          method: "POST",
          body: "tierId=t&amount=10.00&name=Bench&email=bench%40example.org&consent=on",
          headers: { "Content-Type": "application/x-www-form-urlencoded" },
        }
      : {}),
  });
  return {
    requests: result.requests.total,
    seconds: result.duration,
    p50: result.latency.p50,
    p99: result.latency.p99,
    // The action answers its redirect; anything else is wrong.
    bad: (action ? result.non2xx - result["3xx"] : result.non2xx) + result.errors + result.timeouts,
  };
}

/** The whole database after the storm: what every benchmark must leave true. */
async function checkDatabase(target: Target) {
  const { db } = target.handle;
  const campaigns = await db
    .selectFrom("campaigns")
    .select(["id", "pledged_amount", "backer_count"])
    .execute();
  let backerCount = 0;
  for (const campaign of campaigns) backerCount += campaign.backer_count;
  // The money invariants the crash and outage tests check: totals = rows, stock = holders ≤ limit,
  // the ledger balanced.
  const broken = await invariantViolations(db);
  const twice = await db
    .selectFrom("email_outbox")
    .select("dedupe_key")
    .groupBy("dedupe_key")
    .having((eb) => eb.fn.countAll(), ">", 1)
    .execute();
  // Each counted pledge of this run got its confirmation once: none missing, none doubled.
  const confirmations = await db
    .selectFrom("pledges")
    .leftJoin("email_outbox", (join) =>
      join
        .onRef("email_outbox.pledge_id", "=", "pledges.id")
        .on("email_outbox.kind", "=", "pledge_confirmation"),
    )
    .select(["pledges.id", (eb) => eb.fn.count<number>("email_outbox.id").as("n")])
    .where("pledges.committed_at", "is not", null)
    .where("pledges.backer_email", "like", "bench%@example.org")
    .groupBy("pledges.id")
    .execute();
  const confirmationsWrong = confirmations.filter((c) => Number(c.n) !== 1).length;
  return {
    campaigns: campaigns.length,
    broken,
    backerCount,
    emailsTwice: twice.length,
    confirmationsWrong,
  };
}

const pct = (xs: number[], p: number) => {
  const sorted = [...xs].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))] ?? NaN;
};

const targets: Target[] = [];
let exitCode = 0;
try {
  if (values.url && values.database) {
    // Someone else's server (being profiled): its pledges/s, no baseline of ours.
    const handle = openDatabase(values.database);
    targets.push({
      name: "external",
      urls: [values.url],
      handle,
      engine: engineOf(values.database) === "postgres" ? "PostgreSQL" : "SQLite",
      stop: () => handle.db.destroy(),
    });
  } else {
    if (values.compare || !postgresUrl)
      targets.push(await startTarget("SQLite", values.compare ? 1 : instances));
    if (postgresUrl) {
      // N instances are measured against one, in the same run, each on a database of its own.
      if (instances > 1) targets.push(await startTarget("PostgreSQL", 1));
      targets.push(await startTarget("PostgreSQL", instances));
    }
  }
  const before = new Map<Target, number>();
  for (const target of targets) {
    plans.set(target, await pledgePlan(target));
    before.set(target, (await checkDatabase(target)).backerCount);
  }

  const loadBefore = loadavg();
  // A short warm-up (JIT, caches, pools), not counted.
  // At full concurrency, so that every backer's connection is open before the rounds: a burst of new
  // connections waits on a busy server (server.ts, keepAliveTimeout), which measures accept, not pledges.
  for (const target of targets) await pledgeLoad(target, 2);
  const bareUrl = values.url ? null : targets[0]!.urls[0]!;
  if (bareUrl) {
    await bareLoad(bareUrl, 2);
    await bareLoad(bareUrl, 2, { action: true });
  }

  const pledgeRuns = new Map<Target, PledgeRun[]>(targets.map((t) => [t, []]));
  const bareRuns: BareRun[] = [];
  const actionRuns: BareRun[] = [];
  for (let round = 0; round < rounds; round++) {
    const order: (Target | "bare" | "action")[] = [
      ...targets,
      ...(bareUrl ? (["bare", "action"] as const) : []),
    ];
    if (round % 2) order.reverse();
    for (const item of order) {
      if (item === "bare") bareRuns.push(await bareLoad(bareUrl!, seconds));
      else if (item === "action") actionRuns.push(await bareLoad(bareUrl!, seconds, { action: true }));
      else pledgeRuns.get(item)!.push(await pledgeLoad(item, seconds));
    }
  }
  const loadAfter = loadavg();

  const rateOf = (runs: BareRun[]) =>
    runs.reduce((n, r) => n + r.requests, 0) / runs.reduce((n, r) => n + r.seconds, 0);
  const bareRps = rateOf(bareRuns);
  const actionRps = rateOf(actionRuns);
  console.log(
    `bench/pledges on ${process.platform}/${process.arch}, node ${process.version}, production build, jobs in the web process: ${values.jobs}`,
  );
  console.log(
    `${rounds} rounds × ${seconds} s per target, ${backers} concurrent backers (each pledge: form POST + checkout POST)${bareUrl ? `, bare route with autocannon -c ${values.connections}` : ""}`,
  );
  console.log(loadLine(loadBefore, loadAfter));
  if (bareUrl)
    console.log(
      `bare route       ${bareRps.toFixed(0).padStart(6)} requests/s  p50 ${median(bareRuns.map((r) => r.p50))} ms  p99 ${median(bareRuns.map((r) => r.p99))} ms  non-2xx or errors ${bareRuns.reduce((n, r) => n + r.bad, 0)}`,
    );
  if (bareUrl) {
    // A pledge is two such requests: half this rate is what a pledge doing nothing else would reach.
    console.log(
      `empty action     ${actionRps.toFixed(0).padStart(6)} requests/s  p50 ${median(actionRuns.map((r) => r.p50))} ms  p99 ${median(actionRuns.map((r) => r.p99))} ms  wrong answers ${actionRuns.reduce((n, r) => n + r.bad, 0)}  → two of them, the framework's floor for a pledge: ${((actionRps / 2 / bareRps) * 100).toFixed(1)} % of the bare route`,
    );
    if (actionRuns.some((r) => r.bad)) exitCode = 1;
  }
  const rates = new Map<Target, number>();
  for (const target of targets) {
    const runs = pledgeRuns.get(target)!;
    const committed = runs.reduce((n, r) => n + r.committed, 0);
    const rate = committed / runs.reduce((n, r) => n + r.seconds, 0);
    rates.set(target, rate);
    const latencies = runs.flatMap((r) => r.latencies);
    const failures = runs.reduce((n, r) => n + r.failures, 0);
    console.log(
      `${target.name.padEnd(16)} ${rate.toFixed(0).padStart(6)} pledges/s   p50 ${pct(latencies, 50).toFixed(1)} ms  p90 ${pct(latencies, 90).toFixed(0)} ms  p99 ${pct(latencies, 99).toFixed(1)} ms  max ${pct(latencies, 100).toFixed(0)} ms  sold out ${runs.reduce((n, r) => n + r.soldOut, 0)}, other failures ${failures}` +
        (bareUrl
          ? `  → ${((rate / bareRps) * 100).toFixed(1)} % of the bare route, ${((rate / (actionRps / 2)) * 100).toFixed(0)} % of the floor`
          : ""),
    );
    if (failures) exitCode = 1;
  }
  const single = (engine: Target["engine"]) =>
    targets.find((t) => t.engine === engine && t.urls.length === 1);
  const sqlite = single("SQLite");
  const postgres = single("PostgreSQL");
  const several = targets.find((t) => t.engine === "PostgreSQL" && t.urls.length > 1);
  if (sqlite && postgres && !values.url)
    console.log(
      `PostgreSQL / SQLite in the same run: ${((rates.get(postgres)! / rates.get(sqlite)!) * 100).toFixed(1)} %`,
    );
  if (postgres && several)
    console.log(
      `${several.urls.length} instances / one instance on PostgreSQL in the same run: ${(rates.get(several)! / rates.get(postgres)!).toFixed(2)}×`,
    );

  for (const target of targets) {
    const check = await checkDatabase(target);
    const added = check.backerCount - before.get(target)!;
    const expected = committedBy.get(target) ?? 0;
    const ok =
      check.broken.length === 0 &&
      !check.emailsTwice &&
      !check.confirmationsWrong &&
      (values.url ? true : added === expected);
    console.log(
      `${target.name}: whole database ${ok ? "correct" : "WRONG"}: ${check.campaigns} campaigns, money invariants broken ${check.broken.length}${check.broken.length ? ` (${check.broken.slice(0, 5).join("; ")})` : ""} (totals = rows, claimed stock = holders ≤ limit, ledger balanced); emails queued twice ${check.emailsTwice}; committed bench pledges without exactly one confirmation ${check.confirmationsWrong}; backers +${added} (committed by this run: ${expected})`,
    );
    if (!ok) exitCode = 1;
  }
} catch (error) {
  console.error(error);
  exitCode = 1;
} finally {
  for (const target of targets) await target.stop();
  bare.remove();
}
process.exit(exitCode);
