// bench/pledges: N concurrent simulated backers pledge through HTTP against the production build
// on SQLite (pledge form → simulated checkout with 4242 → committed), then the totals are checked
// against the rows and no limited tier is oversold.
//
//   npm run build && npx tsx bench/pledges.ts [--backers 50] [--seconds 10]
//
// Prints committed pledges/s and p50/p99 latency of a whole pledge (both requests).
import { randomUUID } from "node:crypto";
import http from "node:http";
import { parseArgs } from "node:util";
import { openDatabase } from "#db/connection.ts";
import { recomputeTotals } from "~/campaigns/campaigns.server";
import { startServer } from "../test/support/server.ts";

const { values } = parseArgs({
  options: {
    backers: { type: "string", default: "50" },
    seconds: { type: "string", default: "10" },
    // Against a server already running (to profile it, say): its URL and its DATABASE_URL.
    url: { type: "string" },
    // false: the web process only takes pledges; emails wait for `npm run worker` (JOBS=false).
    jobs: { type: "string", default: "true" },
    database: { type: "string" },
  },
});
const backers = Number(values.backers);
const seconds = Number(values.seconds);

const server =
  values.url && values.database
    ? { url: values.url, databaseUrl: values.database, stop: async () => null }
    : await startServer({
        LOG_REQUESTS: "false",
        JOBS: values.jobs ?? "true",
        // Every simulated backer comes from 127.0.0.1 with few emails: the abuse limits would
        // measure themselves, not the pledge path.
        PLEDGE_LIMIT_PER_IP: "1000000",
        PLEDGE_LIMIT_PER_EMAIL: "1000000",
        HOLDS_PER_EMAIL: "1000000",
        HOLDS_PER_IP: "1000000",
      });
const database = openDatabase(server.databaseUrl);
const { db } = database;
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
const before = await db
  .selectFrom("campaigns")
  .select(["pledged_amount", "backer_count"])
  .where("id", "=", campaign.id)
  .executeTakeFirstOrThrow();

// Backers pick among the rewards on offer: none, the unlimited ones, and the limited ones, which
// run out during the run; a backer told "sold out" picks another, as a person would.
const choices = [
  "",
  ...tiers.filter((t) => t.stock_limit === null || t.claimed_count < t.stock_limit).map((t) => t.id),
];
const minimum = new Map(tiers.map((t) => [t.id, t.min_amount]));

// node:http with keep-alive: a lighter client than fetch, so the client takes less of the 2 cores.
const agent = new http.Agent({ keepAlive: true, maxSockets: 256 });
function post(path: string, form: URLSearchParams, headers: Record<string, string> = {}) {
  const body = form.toString();
  return new Promise<{ status: number; location: string | null }>((resolve, reject) => {
    const request = http.request(
      `${server.url}${path}`,
      {
        method: "POST",
        agent,
        headers: {
          "Content-Type": "application/x-www-form-urlencoded",
          "Content-Length": Buffer.byteLength(body),
          ...headers,
        },
      },
      (response) => {
        response.resume();
        response.on("end", () =>
          resolve({
            status: response.statusCode ?? 0,
            location: (response.headers.location as string | undefined) ?? null,
          }),
        );
      },
    );
    request.on("error", reject);
    request.end(body);
  });
}

const latencies: number[] = [];
let committed = 0;
let soldOut = 0;
let failures = 0;
const stopAt = performance.now() + seconds * 1000;

async function pledgeOnce(n: number): Promise<void> {
  const tierId = choices[n % choices.length]!;
  const amount = Math.max(minimum.get(tierId) ?? 1_000, 1_000) + (n % 7) * 100;
  const started = performance.now();
  const form = new URLSearchParams({
    tierId,
    amount: (amount / 100).toFixed(2),
    name: `Bench Backer ${n}`,
    email: `bench${n}@example.org`,
    comment: "",
    consent: "on",
    submissionKey: randomUUID(),
  });
  const pledge = await post(`/campaigns/${campaign.slug}/pledge`, form, { "Accept-Language": "en" });
  const checkout = pledge.location;
  if (pledge.status !== 302 || !checkout) {
    if (pledge.status === 400 || pledge.status === 409) {
      soldOut++;
      const index = choices.indexOf(tierId);
      if (index > 0) choices.splice(index, 1);
    } else failures++;
    return;
  }
  const pay = await post(
    checkout,
    new URLSearchParams({ cardNumber: "4242 4242 4242 4242", expiry: "12/30", cvc: "123", intent: "pay" }),
  );
  if (pay.status !== 302) {
    failures++;
    return;
  }
  latencies.push(performance.now() - started);
  committed++;
}

let counter = 0;
async function backer(): Promise<void> {
  while (performance.now() < stopAt) await pledgeOnce(counter++);
}

// A short warm-up so that the JIT and SQLite caches are in their steady state.
await Promise.all(
  Array.from({ length: 4 }, async () => {
    for (let i = 0; i < 20; i++) await pledgeOnce(counter++);
  }),
);
const warmCommitted = committed;
latencies.length = 0;
const t0 = performance.now();
await Promise.all(Array.from({ length: backers }, backer));
const elapsed = (performance.now() - t0) / 1000;
const measured = committed - warmCommitted;

latencies.sort((a, b) => a - b);
const pct = (p: number) =>
  latencies[Math.min(latencies.length - 1, Math.floor((p / 100) * latencies.length))] ?? NaN;

// Correctness after the storm: totals equal the rows, no tier oversold, stock equals holders.
const after = await db
  .selectFrom("campaigns")
  .select(["pledged_amount", "backer_count"])
  .where("id", "=", campaign.id)
  .executeTakeFirstOrThrow();
const recomputed = await recomputeTotals(db, campaign.id);
const tierRows = await db
  .selectFrom("reward_tiers")
  .leftJoin("pledges", (join) =>
    join.onRef("pledges.tier_id", "=", "reward_tiers.id").on("pledges.holds_stock", "=", 1),
  )
  .select((eb) => [
    "reward_tiers.id",
    "reward_tiers.stock_limit",
    "reward_tiers.claimed_count",
    eb.fn.count<number>("pledges.id").as("holders"),
  ])
  .where("reward_tiers.campaign_id", "=", campaign.id)
  .groupBy(["reward_tiers.id", "reward_tiers.stock_limit", "reward_tiers.claimed_count"])
  .execute();
const oversold = tierRows.filter((t) => t.stock_limit !== null && t.claimed_count > t.stock_limit);
const stockMismatch = tierRows.filter((t) => Number(t.holders) !== t.claimed_count);
const totalsExact = recomputed.pledged === after.pledged_amount && recomputed.backers === after.backer_count;
const addedBackers = after.backer_count - before.backer_count;

console.log(
  [
    `bench/pledges on ${process.platform}/${process.arch}, node ${process.version}, SQLite, production build, jobs in the web process: ${values.jobs}`,
    `backers (concurrent): ${backers}, measured for ${elapsed.toFixed(1)} s after ${warmCommitted} warm-up pledges`,
    `committed pledges: ${measured} → ${(measured / elapsed).toFixed(0)} pledges/s`,
    `latency of a whole pledge (form + checkout): p50 ${pct(50).toFixed(1)} ms, p99 ${pct(99).toFixed(1)} ms`,
    `refused as sold out: ${soldOut}; other failures: ${failures}`,
    `totals exact: ${totalsExact} (stored ${after.pledged_amount}/${after.backer_count}, rows ${recomputed.pledged}/${recomputed.backers}; +${addedBackers} backers)`,
    `oversold tiers: ${oversold.length}; tiers whose claimed stock differs from their holders: ${stockMismatch.length}`,
  ].join("\n"),
);

await database.db.destroy();
await server.stop();
if (!totalsExact || oversold.length || stockMismatch.length || failures || addedBackers !== committed)
  process.exit(1);
