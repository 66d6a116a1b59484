// Issue #14: on PostgreSQL the app's data statements are named, so that each connection parses and
// plans them once (db/connection.ts), and a table that gains a column under a kept `select *` (another
// instance's migration) costs at most the one transaction that was open on it.
import { sql } from "kysely";
import { expect, test } from "vitest";
import { useTestDatabase, testEngine } from "../support/database";

const database = useTestDatabase();
const onPostgres = test.skipIf(testEngine() !== "postgres");

onPostgres("a parameterised statement is prepared once on its connection and reused", async () => {
  const { db } = database();
  const text = "select $1::int + 1 as next";
  await db.transaction().execute(async (trx) => {
    for (const n of [1, 2, 3]) {
      const { rows } = await sql<{ next: number }>`select ${n}::int + 1 as next`.execute(trx);
      expect(rows[0]!.next).toBe(n + 1);
    }
    const prepared = await sql<{ name: string; count: number }>`
      select name, count(*)::int as count from pg_prepared_statements where statement = ${text} group by name
    `.execute(trx);
    expect(prepared.rows).toEqual([{ name: expect.stringMatching(/^tdt_\d+$/), count: 1 }]);
  });
});

onPostgres("statements without parameters and schema changes are not kept", async () => {
  const { db } = database();
  await db.transaction().execute(async (trx) => {
    await sql`create temporary table scratch (a int)`.execute(trx);
    await sql`select count(*) from scratch`.execute(trx);
    const kept = await sql<{ statement: string }>`
      select statement from pg_prepared_statements where statement not like '%pg_prepared_statements%'
        and (statement like '%scratch%')
    `.execute(trx);
    expect(kept.rows).toEqual([]);
  });
});

onPostgres("a column added under a kept select * is read at once outside a transaction", async () => {
  const { db } = database();
  await sql`create table widened (id int primary key, a int)`.execute(db);
  await sql`insert into widened values (1, 10)`.execute(db);
  // Every pooled connection may hold it: run it more often than the pool has connections, at once.
  const read = () => sql<Record<string, number>>`select * from widened where id = ${1}`.execute(db);
  await Promise.all(Array.from({ length: 20 }, read));
  await sql`alter table widened add column b int default 7`.execute(db);
  const after = await Promise.all(Array.from({ length: 20 }, read));
  for (const { rows } of after) expect(rows).toEqual([{ id: 1, a: 10, b: 7 }]);
});

onPostgres(
  "inside a transaction the stale plan fails that transaction only, and the next one reads the new column",
  async () => {
    const { db } = database();
    await sql`create table widened_trx (id int primary key, a int)`.execute(db);
    await sql`insert into widened_trx values (1, 10)`.execute(db);
    const read = (on: typeof db) =>
      sql<Record<string, number>>`select * from widened_trx where id = ${1}`.execute(on);
    // One connection, held by a transaction, prepares it; the column comes while it is kept there.
    await db.transaction().execute(async (trx) => {
      await read(trx);
    });
    await sql`alter table widened_trx add column b int default 7`.execute(db);
    const outcomes = await Promise.allSettled(
      Array.from({ length: 12 }, () => db.transaction().execute((trx) => read(trx))),
    );
    const failed = outcomes.filter((o) => o.status === "rejected");
    expect(failed.length).toBe(1);
    for (const o of failed) expect(String((o as PromiseRejectedResult).reason)).toMatch(/cached plan/);
    const { rows } = await db.transaction().execute((trx) => read(trx));
    expect(rows).toEqual([{ id: 1, a: 10, b: 7 }]);
  },
);
