// Routes stay thin (docs/decisions/028): who asks → parse → one domain call → render. No route file
// reaches the database itself (no Kysely, no database handle type, no query builder, no raw SQL), and none is so long
// that its page's pieces belong in app/components or its rules in a domain folder.
import { readdirSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { expect, test } from "vitest";

const routes = join(import.meta.dirname, "../../app/routes");
const MAX_LINES = 250;

const routeFiles = () =>
  readdirSync(routes)
    .filter((name) => /\.tsx?$/.test(name))
    .map((name) => ({ name, source: readFileSync(join(routes, name), "utf8") }));

const importsOf = (source: string): string[] =>
  [...source.matchAll(/(?:^|\n)\s*(?:import|export)\b[^;]*?\bfrom\s+["']([^"']+)["']/g)].map((m) => m[1]!);

// The connection's own health check (healthz.ts asks it) is a function, not a query: allowed.
const databaseModules = /^(~\/lib\/db\.server|kysely(\/.*)?)$/;

/** What a route must not do: reach the database through a module, a query builder or raw SQL. */
function sqlIn(source: string): string[] {
  const found = importsOf(source).filter((specifier) => databaseModules.test(specifier));
  for (const call of source.matchAll(/\.(selectFrom|updateTable|insertInto|deleteFrom)\(|\bsql`|\bgetDb\(/g))
    found.push(call[0]);
  return found;
}

test("no route imports the database or runs a query", () => {
  const files = routeFiles();
  expect(files.length).toBeGreaterThan(30);
  const offending = files.flatMap(({ name, source }) => sqlIn(source).map((what) => `${name}: ${what}`));
  expect(offending).toEqual([]);
});

test("the check sees the imports and queries it is looking for", () => {
  const sample = [
    'import type { Db } from "~/lib/db.server";',
    'import { sql } from "kysely";',
    'import type { PledgeStatus } from "#db/schema.ts";',
    'import { listPledges } from "~/campaigns/dashboard.server";',
    "const rows = await context.db.selectFrom('pledges').selectAll().execute();",
    "await db.updateTable('campaigns').set({}).execute();",
    "await trx\n  .insertInto('refunds')\n  .values(row)\n  .execute();",
    "await db.deleteFrom('sessions').execute();",
    "await sql`select 1`.execute(db);",
  ].join("\n");
  expect(sqlIn(sample)).toEqual([
    "~/lib/db.server",
    "kysely",
    ".selectFrom(",
    ".updateTable(",
    ".insertInto(",
    ".deleteFrom(",
    "sql`",
  ]);
  // Handing the request's database to a domain function is what routes do.
  expect(sqlIn("await listPledges(context.db, campaign.id);")).toEqual([]);
});

/** Lines as `wc -l` counts them: a last line without its newline counts too. */
const linesOf = (source: string) => source.split("\n").length - (source.endsWith("\n") ? 1 : 0);

test(`no route file is longer than ${MAX_LINES} lines`, () => {
  expect([linesOf("a\nb\n"), linesOf("a\nb")]).toEqual([2, 2]);
  const long = routeFiles()
    .map(({ name, source }) => ({ name, lines: linesOf(source) }))
    .filter((file) => file.lines > MAX_LINES)
    .map((file) => `${file.name}: ${file.lines} lines`);
  expect(long).toEqual([]);
});
