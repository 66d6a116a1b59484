// bench/pages: the anonymous campaign page against a bare Remix resource route, in the same run, on
// the production build (SQLite, simulated gateway, request log off). The bare route is added to a
// scratch copy of the server build (a module re-exporting the real one with one more route), so the
// app itself carries no benchmark route. Rounds alternate the two targets (page, bare, bare, page…)
// so that the machine's other load falls on both alike.
//
//   npm run build && npx tsx bench/pages.ts [--rounds 4] [--seconds 5] [--connections 50] [--render-cache-ms 1000]
//
// Prints requests/s and p99 of each target, the ratio of the page's requests/s to the bare route's,
// and the ratio of their p99s; checks every page answer was a 200 with the campaign on it.
import { loadavg } from "node:os";
import { parseArgs } from "node:util";
import autocannon from "autocannon";
import { startServer } from "../test/support/server.ts";
import { bareRouteBuild, loadLine, median } from "./support.ts";

const { values } = parseArgs({
  options: {
    rounds: { type: "string", default: "4" },
    seconds: { type: "string", default: "5" },
    connections: { type: "string", default: "50" },
    "render-cache-ms": { type: "string", default: "1000" },
    // Accept-Encoding for the page (autocannon sends none by default): e.g. "br" or "gzip".
    encoding: { type: "string" },
  },
});
const rounds = Number(values.rounds);
const seconds = Number(values.seconds);
const connections = Number(values.connections);

const bare = bareRouteBuild();

const server = await startServer({
  LOG_REQUESTS: "false",
  JOBS: "false",
  SERVER_BUILD: bare.build,
  RENDER_CACHE_MS: values["render-cache-ms"]!,
});

interface Run {
  requests: number;
  seconds: number;
  p99: number;
  p50: number;
  bad: number;
}
const runs: Record<"page" | "bare", Run[]> = { page: [], bare: [] };
const paths = { page: "/campaigns/la-machinerie", bare: "/bench-bare" };

async function load(target: "page" | "bare", duration: number): Promise<Run> {
  const result = await autocannon({
    url: `${server.url}${paths[target]}`,
    connections,
    duration,
    headers: target === "page" && values.encoding ? { "Accept-Encoding": values.encoding } : {},
  });
  return {
    requests: result.requests.total,
    seconds: result.duration,
    p99: result.latency.p99,
    p50: result.latency.p50,
    bad: result.non2xx + result.errors + result.timeouts,
  };
}

let exitCode = 0;
try {
  // The answers first: the page must be the page (a 200 with the campaign), the bare route "ok".
  const page = await fetch(`${server.url}${paths.page}`);
  const html = await page.text();
  const bare = await fetch(`${server.url}${paths.bare}`);
  if (page.status !== 200 || !html.includes("La Machinerie") || (await bare.text()) !== "ok")
    throw new Error(`Unexpected answers: page ${page.status}, bare ${bare.status}`);

  const loadBefore = loadavg();
  // Warm-up (JIT, caches), not counted.
  await load("page", 2);
  await load("bare", 2);
  for (let round = 0; round < rounds; round++) {
    const order: ("page" | "bare")[] = round % 2 === 0 ? ["page", "bare"] : ["bare", "page"];
    for (const target of order) runs[target].push(await load(target, seconds));
  }
  const loadAfter = loadavg();

  const summary = (target: "page" | "bare") => {
    const all = runs[target];
    const requests = all.reduce((n, r) => n + r.requests, 0);
    const time = all.reduce((n, r) => n + r.seconds, 0);
    return {
      rps: requests / time,
      p50: median(all.map((r) => r.p50)),
      p99: median(all.map((r) => r.p99)),
      bad: all.reduce((n, r) => n + r.bad, 0),
    };
  };
  const p = summary("page");
  const b = summary("bare");
  console.log(
    `bench/pages: ${rounds} rounds × ${seconds} s per target, ${connections} connections, render cache ${values["render-cache-ms"]} ms${values.encoding ? `, page with Accept-Encoding: ${values.encoding}` : ""}`,
  );
  console.log(loadLine(loadBefore, loadAfter));
  for (const [name, s] of [
    ["campaign page", p],
    ["bare route", b],
  ] as const)
    console.log(
      `${name.padEnd(14)} ${s.rps.toFixed(0).padStart(6)} requests/s  p50 ${s.p50} ms  p99 ${s.p99} ms  non-2xx or errors ${s.bad}`,
    );
  console.log(
    `ratio (page / bare): requests/s ${((p.rps / b.rps) * 100).toFixed(1)} %, p99 ${(p.p99 / b.p99).toFixed(2)}×`,
  );
  if (p.bad || b.bad) {
    console.error("Some answers were not 2xx: the figures do not count");
    exitCode = 1;
  }
} catch (error) {
  console.error(error);
  exitCode = 1;
} finally {
  await server.stop();
  bare.remove();
}
process.exit(exitCode);
