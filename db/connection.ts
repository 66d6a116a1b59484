// Opens the database named by DATABASE_URL: a path or file: URL is SQLite (better-sqlite3),
// postgres:// is PostgreSQL (pg). Both give the same Kysely<Database> and the same value types.
import { mkdirSync } from "node:fs";
import { dirname, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import { SQLite, type SQLiteDatabase, type SQLiteStatement } from "./sqlite-driver.ts";
import { Kysely, PostgresDialect, SqliteDialect, sql, type LogConfig } from "kysely";
import pg from "pg";
import { DatabaseUnavailableError } from "./connection-errors.ts";
import { listenPostgres, type Listen } from "./listen.ts";
import type { Database } from "./schema.ts";

export type Engine = "sqlite" | "postgres";

export interface DatabaseHandle {
  db: Kysely<Database>;
  engine: Engine;
  /** Where it is, with any password hidden: fit for a log line. */
  description: string;
  /** PostgreSQL's pool, for the metrics: connections open, idle, requests waiting, the maximum. */
  poolStats?: () => { total: number; idle: number; waiting: number; max: number };
  /** PostgreSQL only: LISTEN on a channel, on a connection of its own (db/listen.ts). */
  listen?: Listen;
}

export const defaultDatabaseUrl = "./data/tourdetable.sqlite";

export function engineOf(url: string): Engine {
  return /^postgres(ql)?:\/\//i.test(url) ? "postgres" : "sqlite";
}

/** A path or `file:` URL to an absolute file path (`:memory:` stays as it is). */
export function sqlitePath(url: string): string {
  if (url === ":memory:") return url;
  if (url.startsWith("file://")) return fileURLToPath(url);
  if (url.startsWith("file:")) return resolve(url.slice("file:".length));
  return resolve(url);
}

export interface OpenOptions {
  /** Kysely's query log: a test counts the statements a domain function sends. */
  log?: LogConfig;
}

export function openDatabase(url: string = defaultDatabaseUrl, options: OpenOptions = {}): DatabaseHandle {
  return engineOf(url) === "postgres" ? openPostgres(url, options) : openSqlite(url, options);
}

function openSqlite(url: string, { log }: OpenOptions): DatabaseHandle {
  const path = sqlitePath(url);
  if (path !== ":memory:") mkdirSync(dirname(path), { recursive: true });
  const sqlite = new SQLite(path);
  sqlite.pragma("journal_mode = WAL");
  sqlite.pragma("foreign_keys = ON");
  sqlite.pragma("busy_timeout = 5000");
  sqlite.pragma("synchronous = NORMAL");
  return {
    db: new Kysely<Database>({ dialect: new SqliteDialect({ database: withStatementCache(sqlite) }), log }),
    engine: "sqlite",
    description: `sqlite:${path}`,
  };
}

const STATEMENTS_KEPT = 500;

/**
 * Kysely prepares every query anew; preparing is a good part of a small query's cost in SQLite.
 * Statements are kept by their SQL text (queries are parameterised, so the set is small) and reused:
 * Kysely only runs them with all()/run(), never leaves one iterating.
 */
function withStatementCache(sqlite: SQLiteDatabase) {
  const statements = new Map<string, SQLiteStatement>();
  return {
    close: () => sqlite.close(),
    prepare(sql: string) {
      let statement = statements.get(sql);
      if (!statement) {
        statement = sqlite.prepare(sql);
        if (statements.size >= STATEMENTS_KEPT) statements.delete(statements.keys().next().value!);
        statements.set(sql, statement);
      }
      return statement;
    },
  };
}

const pgTypes = {
  INT8: 20,
  NUMERIC: 1700,
  TIMESTAMPTZ: 1184,
} as const;

/** Integers arrive as strings from pg; money and counts fit a JS number far beyond any campaign. */
function parseSafeInteger(text: string): number {
  const value = Number(text);
  if (!Number.isSafeInteger(value)) {
    throw new RangeError(`Integer ${text} does not fit a JavaScript number exactly`);
  }
  return value;
}

const parseTimestamp = pg.types.getTypeParser(pgTypes.TIMESTAMPTZ);

/** Type parsers for this pool only, so that PostgreSQL returns the same values as SQLite does. */
const sameValuesAsSqlite = {
  getTypeParser(oid: number, format?: "text" | "binary") {
    if (oid === pgTypes.INT8) return parseSafeInteger;
    if (oid === pgTypes.NUMERIC) return (text: string) => Number(text);
    if (oid === pgTypes.TIMESTAMPTZ) {
      return (text: string) => (parseTimestamp(text) as Date).toISOString();
    }
    return pg.types.getTypeParser(oid, format);
  },
} as pg.CustomTypesConfig;

const POOL_MAX = 10;

function openPostgres(url: string, { log }: OpenOptions): DatabaseHandle {
  const pool = new pg.Pool({
    connectionString: url,
    max: POOL_MAX,
    types: sameValuesAsSqlite,
    // A server that vanished without closing the socket: find out rather than wait for the system's
    // TCP timeout. Generous, because the wait for a free client in a busy pool counts too.
    connectionTimeoutMillis: 30_000,
    keepAlive: true,
  });
  // A connection the server closes (a restart, a failover, pg_terminate_backend) must not crash the
  // process. An idle one is reported to the pool's listener and dropped. A checked-out one has no
  // listener of the pool's: without its own, pg's 'error' event would be unhandled and kill the
  // process. Its query in flight (or its next one) fails instead, the request answers 503, and the
  // pool drops the client when it is released.
  const warn = oncePerBurst((message) => console.warn(`PostgreSQL connection lost: ${message}`));
  pool.on("error", (error) => warn(error.message));
  pool.on("connect", (client) => client.on("error", (error) => warn(error.message)));
  const parsed = new URL(url);
  parsed.password = parsed.password ? "***" : "";
  // Failing to open a connection is told apart from a query failing: the database is unavailable.
  const dialectPool = {
    connect: () =>
      pool.connect().catch((error: unknown) => {
        throw new DatabaseUnavailableError(error);
      }),
    end: () => pool.end(),
  };
  return {
    db: new Kysely<Database>({ dialect: new PostgresDialect({ pool: dialectPool }), log }),
    engine: "postgres",
    description: parsed.toString(),
    poolStats: () => ({
      total: pool.totalCount,
      idle: pool.idleCount,
      waiting: pool.waitingCount,
      max: POOL_MAX,
    }),
    listen: (channel, handlers) => listenPostgres(url, channel, handlers),
  };
}

/** One line for a burst of lost connections (ten pooled ones die at once), not one per connection. */
function oncePerBurst(log: (message: string) => void, quietMs = 5_000): (message: string) => void {
  let last = -Infinity;
  return (message) => {
    const now = performance.now();
    if (now - last >= quietMs) log(message);
    last = now;
  };
}

/** True when the database answers a trivial query. */
export async function isDatabaseReachable(db: Kysely<Database>): Promise<boolean> {
  try {
    await sql`select 1`.execute(db);
    return true;
  } catch {
    return false;
  }
}
