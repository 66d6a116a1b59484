// Prometheus metrics at GET /metrics, behind a bearer token (METRICS_TOKEN): request durations by
// route, and, read when scraped, pledges committed, the email outbox's depth and age, how late the
// deadline jobs are, open live-progress streams, and the PostgreSQL pool's use.
import { createHash, timingSafeEqual } from "node:crypto";
import type { RequestHandler } from "express";
import { sql } from "kysely";
import { Counter, Gauge, Histogram, Registry, collectDefaultMetrics } from "prom-client";
import type { Db } from "./db.server";
import type { Clock } from "./time";

export interface PoolStats {
  total: number;
  idle: number;
  waiting: number;
  max: number;
}

export interface JobStat {
  name: string;
  /** How late its last run started after it was due (a busy event loop delays timers). */
  lagMs: number;
}

export interface MetricsSources {
  db: Db;
  clock: Clock;
  /** Open Server-Sent Events streams (the live-progress hub's listeners). */
  sseClients: () => number;
  /** PostgreSQL's pool; SQLite has one connection and none. */
  pool?: () => PoolStats;
  /** The job runner of this process, when it runs one (JOBS=true). */
  jobs?: () => JobStat[];
}

export interface Metrics {
  registry: Registry;
  observeRequest(method: string, route: string, status: number, seconds: number): void;
}

/** A scrape while the database is away keeps the last values (tdt_database_up says why). */
async function quietly<T>(read: () => Promise<T>): Promise<T | undefined> {
  try {
    return await read();
  } catch {
    return undefined;
  }
}

const secondsSince = (iso: string | null | undefined, now: Date) =>
  iso ? Math.max(0, (now.getTime() - new Date(iso).getTime()) / 1000) : 0;

export function createMetrics(sources: MetricsSources): Metrics {
  const registry = new Registry();
  const registers = [registry];
  // Process CPU, memory, event-loop lag, GC: what a self-hoster looks at first.
  collectDefaultMetrics({ register: registry, prefix: "tdt_" });

  const requests = new Histogram({
    name: "tdt_http_request_duration_seconds",
    help: "Time to answer a request, by route pattern, method and status",
    labelNames: ["method", "route", "status"] as const,
    buckets: [0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10],
    registers,
  });

  // Read from the database: true for every instance and across restarts (rate() works as on a counter).
  new Counter({
    name: "tdt_pledges_committed_total",
    help: "Pledges ever committed (card saved or payment authorised), all campaigns, from the database",
    registers,
    async collect() {
      const row = await quietly(() =>
        sources.db
          .selectFrom("pledges")
          .select((eb) => eb.fn.countAll<number>().as("n"))
          .where("committed_at", "is not", null)
          .executeTakeFirst(),
      );
      if (!row) return;
      this.reset();
      this.inc(Number(row?.n ?? 0));
    },
  });

  const outboxAge = new Gauge({
    name: "tdt_outbox_oldest_due_seconds",
    help: "How long the oldest email due for delivery has been waiting (0 when none)",
    registers,
  });
  new Gauge({
    name: "tdt_outbox_depth",
    help: "Emails in the outbox not yet delivered, by status (queued, sending)",
    labelNames: ["status"] as const,
    registers,
    async collect() {
      const now = sources.clock();
      const rows = await quietly(() =>
        sources.db
          .selectFrom("email_outbox")
          .select((eb) => ["status", eb.fn.countAll<number>().as("n")])
          .where("status", "in", ["queued", "sending"])
          .groupBy("status")
          .execute(),
      );
      if (!rows) return;
      this.reset();
      this.set({ status: "queued" }, 0);
      this.set({ status: "sending" }, 0);
      for (const row of rows) this.set({ status: row.status }, Number(row.n));
      const oldest = await quietly(() =>
        sources.db
          .selectFrom("email_outbox")
          .select((eb) => eb.fn.min("next_attempt_at").as("due"))
          .where("status", "=", "queued")
          .where("next_attempt_at", "<=", now.toISOString())
          .executeTakeFirst(),
      );
      if (oldest) outboxAge.set(secondsSince(oldest?.due as string | null | undefined, now));
    },
  });

  new Gauge({
    name: "tdt_job_lag_seconds",
    help: "How late the work of the deadline jobs is (oldest live campaign past its deadline, oldest launch past due), wherever the jobs run",
    labelNames: ["job"] as const,
    registers,
    async collect() {
      const now = sources.clock().toISOString();
      const both = await quietly(() =>
        Promise.all([
          sources.db
            .selectFrom("campaigns")
            .select((eb) => eb.fn.min("deadline_at").as("due"))
            .where("status", "=", "live")
            .where("deadline_at", "<=", now)
            .executeTakeFirst(),
          sources.db
            .selectFrom("campaigns")
            .select((eb) => eb.fn.min("launch_at").as("due"))
            .where("status", "=", "in_review")
            .where("launch_at", "<=", now)
            .executeTakeFirst(),
        ]),
      );
      if (!both) return;
      const [close, launch] = both;
      this.set(
        { job: "close-campaigns" },
        secondsSince(close?.due as string | null | undefined, sources.clock()),
      );
      this.set(
        { job: "launch-scheduled" },
        secondsSince(launch?.due as string | null | undefined, sources.clock()),
      );
    },
  });

  if (sources.jobs) {
    const jobs = sources.jobs;
    new Gauge({
      name: "tdt_job_start_lag_seconds",
      help: "How late each job of this process's runner last started after it was due",
      labelNames: ["job"] as const,
      registers,
      collect() {
        for (const job of jobs()) this.set({ job: job.name }, job.lagMs / 1000);
      },
    });
  }

  new Gauge({
    name: "tdt_sse_clients",
    help: "Open live-progress streams (Server-Sent Events) on this process",
    registers,
    collect() {
      this.set(sources.sseClients());
    },
  });

  if (sources.pool) {
    const pool = sources.pool;
    new Gauge({
      name: "tdt_db_pool_connections",
      help: "PostgreSQL pool: connections open (total), idle, requests waiting for one, and the maximum",
      labelNames: ["state"] as const,
      registers,
      collect() {
        const stats = pool();
        this.set({ state: "total" }, stats.total);
        this.set({ state: "idle" }, stats.idle);
        this.set({ state: "in_use" }, stats.total - stats.idle);
        this.set({ state: "waiting" }, stats.waiting);
        this.set({ state: "max" }, stats.max);
      },
    });
  }

  new Gauge({
    name: "tdt_database_up",
    help: "1 when the database answered this scrape's queries",
    registers,
    async collect() {
      try {
        await sql`select 1`.execute(sources.db);
        this.set(1);
      } catch {
        this.set(0);
      }
    },
  });

  return {
    registry,
    observeRequest(method, route, status, seconds) {
      requests.observe({ method, route, status: String(status) }, seconds);
    },
  };
}

const digest = (text: string) => createHash("sha256").update(text).digest();

/** GET /metrics: 404 without METRICS_TOKEN, 401 without the right bearer token, else the text format. */
export function metricsEndpoint(token: string | undefined, metrics: Metrics): RequestHandler {
  return async (req, res, next) => {
    if (!token) return next();
    const given = /^Bearer\s+(\S+)$/i.exec(req.get("Authorization") ?? "")?.[1] ?? "";
    if (!timingSafeEqual(digest(given), digest(token))) {
      res
        .status(401)
        .set("WWW-Authenticate", 'Bearer realm="metrics"')
        .set("Cache-Control", "no-store")
        .type("text/plain")
        .send("A bearer token is needed (METRICS_TOKEN).\n");
      return;
    }
    try {
      const text = await metrics.registry.metrics();
      res.set("Content-Type", metrics.registry.contentType).set("Cache-Control", "no-store").send(text);
    } catch (error) {
      next(error);
    }
  };
}
