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
      pool.connect().then(withNamedStatements, (error: unknown) => {
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

// PostgreSQL parses and plans every unnamed statement it is sent; Kysely sends them all unnamed. A
// statement given a name is parsed once per connection and its plan kept (PostgreSQL replans it
// when the schema changes), which on the pledge path takes a fifth off both processes' CPU. Names
// are per SQL text, process-wide: each connection prepares a name the first time it meets it.
const NAMED_MAX = 500;
const statementNames = new Map<string, string>();
let namesGiven = 0;
/** Only parameterised data statements: a one-off or a schema change is no use kept. */
const preparable = /^\s*(select|insert|update|delete|with)\b/i;

/** The name of a statement's text, or undefined past NAMED_MAX texts (Kysely's `in (…)` lists vary). */
function statementName(text: string, renew = false): string | undefined {
  let name = statementNames.get(text);
  if (renew || (!name && statementNames.size < NAMED_MAX)) {
    name = `tdt_${namesGiven++}`;
    statementNames.set(text, name);
  }
  return name;
}

/**
 * A table gaining a column (another instance's migration) makes PostgreSQL refuse a kept
 * `select *` or `returning *`: the statement's text gets a new name, so that each connection
 * prepares it again, and it is run again at once when no transaction was open on that connection.
 * Inside one, the transaction is lost already: the error goes up, once per text and process.
 */
const isStalePlan = (error: unknown) =>
  (error as { code?: string }).code === "0A000" &&
  /cached plan must not change result type/.test((error as Error).message ?? "");

type Query = (config: pg.QueryConfig) => Promise<pg.QueryResult>;

function withNamedStatements(client: pg.PoolClient): pg.PoolClient {
  const marked = client as pg.PoolClient & { namedStatements?: true };
  if (marked.namedStatements) return client;
  marked.namedStatements = true;
  const query = client.query.bind(client) as unknown as (...args: unknown[]) => Promise<pg.QueryResult>;
  let inTransaction = false;
  const run: Query = (config) => query(config);
  (client as unknown as { query: unknown }).query = async (text: unknown, values?: unknown[]) => {
    if (typeof text !== "string" || !values?.length || !preparable.test(text)) {
      if (typeof text === "string") {
        if (/^\s*(begin|start transaction)\b/i.test(text)) inTransaction = true;
        else if (/^\s*(commit|end|rollback(?!\s+to\b))\b/i.test(text)) inTransaction = false;
      }
      return values === undefined ? query(text) : query(text, values);
    }
    const name = statementName(text);
    try {
      return await run(name ? { name, text, values } : { text, values });
    } catch (error) {
      if (!name || !isStalePlan(error)) throw error;
      const renamed = statementName(text, true)!;
      if (inTransaction) throw error;
      return run({ name: renamed, text, values });
    }
  };
  return client;
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
