// Which errors mean "the database is unreachable": real errors from real drivers and sockets, and
// PostgreSQL's SQLSTATEs, against the ones that must stay what they are (SQLITE_BUSY, a conflict).
import { createServer, type AddressInfo } from "node:net";
import { SQLite } from "#db/sqlite-driver.ts";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { sql } from "kysely";
import pg from "pg";
import { expect, test } from "vitest";
import { DatabaseUnavailableError, isConnectionError } from "#db/connection-errors.ts";
import { openDatabase } from "#db/connection.ts";

async function closedPort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const { port } = server.address() as AddressInfo;
  await new Promise((resolve) => server.close(resolve));
  return port;
}

test("a refused connection through the app's pool is a DatabaseUnavailableError", async () => {
  const handle = openDatabase(`postgres://postgres@127.0.0.1:${await closedPort()}/nowhere`);
  const error = await sql`select 1`.execute(handle.db).catch((e: unknown) => e);
  await handle.db.destroy();
  expect(error).toBeInstanceOf(DatabaseUnavailableError);
  expect((error as Error).cause).toMatchObject({ code: "ECONNREFUSED" });
  expect(isConnectionError(error)).toBe(true);
  expect(isConnectionError((error as Error).cause)).toBe(true);
});

test("a server that closes the socket gives pg's 'Connection terminated unexpectedly'", async () => {
  const server = createServer((socket) => socket.destroy());
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const client = new pg.Client({
    connectionString: `postgres://postgres@127.0.0.1:${(server.address() as AddressInfo).port}/x`,
  });
  const error = await client.connect().catch((e: unknown) => e);
  await new Promise((resolve) => server.close(resolve));
  expect((error as Error).message).toMatch(/^Connection terminated/);
  expect(isConnectionError(error)).toBe(true);
});

test.each([
  ["57P01", "terminating connection due to administrator command", true],
  ["57P02", "terminating connection due to crash of another server process", true],
  ["57P03", "the database system is starting up", true],
  ["53300", "sorry, too many clients already", true],
  ["08006", "connection failure", true],
  ["08P01", "protocol violation", true],
  ["23505", "duplicate key value violates unique constraint", false],
  ["40001", "could not serialize access due to concurrent update", false],
  ["42P01", 'relation "nope" does not exist', false],
  ["57014", "canceling statement due to statement timeout", false],
])("PostgreSQL %s (%s) is a connection error: %s", (code, message, expected) => {
  const error = new pg.DatabaseError(message, message.length, "error");
  error.code = code;
  expect(isConnectionError(error)).toBe(expected);
});

test("SQLite's SQLITE_BUSY, a unique violation and plain errors are not connection errors", () => {
  const dir = mkdtempSync(join(tmpdir(), "tdt-busy-"));
  const writer = new SQLite(join(dir, "busy.sqlite"));
  const other = new SQLite(join(dir, "busy.sqlite"), { timeout: 0 });
  try {
    writer.exec("create table t (id integer primary key)");
    writer.exec("begin immediate");
    let busy: unknown;
    try {
      other.exec("begin immediate");
    } catch (error) {
      busy = error;
    }
    expect(busy).toMatchObject({ code: "SQLITE_BUSY" });
    expect(isConnectionError(busy)).toBe(false);
    writer.exec("insert into t values (1)");
    let unique: unknown;
    try {
      writer.exec("insert into t values (1)");
    } catch (error) {
      unique = error;
    }
    expect(unique).toMatchObject({ code: "SQLITE_CONSTRAINT_PRIMARYKEY" });
    expect(isConnectionError(unique)).toBe(false);
    writer.exec("rollback");
  } finally {
    other.close();
    writer.close();
    rmSync(dir, { recursive: true, force: true });
  }
  expect(isConnectionError(new Error("boom"))).toBe(false);
  expect(isConnectionError(new TypeError("Cannot read properties of undefined"))).toBe(false);
  expect(isConnectionError(undefined)).toBe(false);
  expect(isConnectionError("Connection terminated unexpectedly")).toBe(false);
});
