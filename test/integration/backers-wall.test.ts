// The backers' wall on a real database (SQLite and PostgreSQL): counted pledges only, newest first,
// names only when the backer allowed it, never an email or an amount; keyset pages that neither
// repeat nor skip a backer, both ways; read by index at any number of pledges (SQLite's plan).
import type { CompiledQuery, KyselyPlugin } from "kysely";
import { expect, test } from "vitest";
import { backersWall } from "~/campaigns/backers-wall.server";
import { renderCacheKey } from "~/lib/render-cache.server";
import type { PledgeStatus } from "#db/schema.ts";
import { createCampaign, createPledge } from "../support/factories";
import { testEngine, useTestDatabase } from "../support/database";

const database = useTestDatabase();

const minute = (n: number) => new Date(Date.UTC(2026, 10, 25, 10, n)).toISOString();

test("only counted pledges, newest first, an anonymous backer without a name, no email or amount", async () => {
  const { db } = database();
  const campaign = await createCampaign(db);
  const other = await createCampaign(db);
  await createPledge(db, other, { backer_name: "Ailleurs", created_at: minute(9) });
  await createPledge(db, campaign, {
    backer_name: "Camille Secret",
    backer_email: "camille.secret@example.org",
    anonymous: 1,
    comment: "Bravo à toute l'équipe",
    created_at: minute(1),
  });
  await createPledge(db, campaign, { backer_name: "Awa", status: "collected", created_at: minute(2) });
  await createPledge(db, campaign, { backer_name: "Bao", status: "payment_failed", created_at: minute(3) });
  const hidden: PledgeStatus[] = ["pending", "expired", "canceled", "refunded"];
  for (const [i, status] of hidden.entries())
    await createPledge(db, campaign, { backer_name: `Pas ${status}`, status, created_at: minute(4 + i) });
  await createPledge(db, campaign, {
    backer_name: "Dana",
    backer_email: "dana@example.org",
    comment: "  ",
    amount: 12_345,
    created_at: minute(20),
  });

  const wall = await backersWall(db, campaign);
  expect(wall.backers.map((b) => b.name)).toEqual(["Dana", "Bao", "Awa", null]);
  expect(wall.backers.map((b) => b.comment)).toEqual([null, null, null, "Bravo à toute l'équipe"]);
  expect(wall.backers[0]!.createdAt).toBe(minute(20));
  expect(wall).toMatchObject({ newer: null, older: null });
  const text = JSON.stringify(wall);
  expect(text).not.toMatch(/@|Secret|12345|2500|Pas /);
  for (const backer of wall.backers)
    expect(Object.keys(backer).sort()).toEqual(["comment", "createdAt", "id", "name"]);
});

test("pages of the wall neither repeat nor skip a backer, older and back to newer", async () => {
  const { db } = database();
  const campaign = await createCampaign(db);
  const names: string[] = [];
  // Two backers at the same instant: the id breaks the tie.
  for (let i = 0; i < 45; i++) {
    names.push(`Backer ${i}`);
    await createPledge(db, campaign, { backer_name: `Backer ${i}`, created_at: minute(i === 44 ? 43 : i) });
  }
  const seen: string[] = [];
  const pages: Awaited<ReturnType<typeof backersWall>>[] = [];
  let after: string | null = null;
  for (;;) {
    const page = await backersWall(db, campaign, { after });
    pages.push(page);
    seen.push(...page.backers.map((b) => b.name!));
    if (!page.older) break;
    after = page.older;
  }
  expect(pages.map((p) => p.backers.length)).toEqual([20, 20, 5]);
  expect(new Set(seen).size).toBe(45);
  expect([...seen].sort()).toEqual([...names].sort());
  expect(pages[0]!.newer).toBeNull();
  // Newest first throughout.
  const rows = pages.flatMap((p) => p.backers);
  for (let i = 1; i < rows.length; i++)
    expect(rows[i - 1]!.createdAt >= rows[i]!.createdAt, `${rows[i - 1]!.name} before ${rows[i]!.name}`).toBe(
      true,
    );

  // Back from the last page: the same second page, then the first.
  const back = await backersWall(db, campaign, { before: pages[2]!.newer });
  expect(back.backers.map((b) => b.id)).toEqual(pages[1]!.backers.map((b) => b.id));
  const top = await backersWall(db, campaign, { before: back.newer });
  expect(top.backers.map((b) => b.id)).toEqual(pages[0]!.backers.map((b) => b.id));
  expect(top.newer).toBeNull();

  // A cursor we did not write is the first page.
  expect((await backersWall(db, campaign, { after: "'; drop table pledges" })).backers[0]!.id).toBe(
    pages[0]!.backers[0]!.id,
  );
});

test("a page of the wall with a cursor is never shared by the render cache", () => {
  const request = (url: string) => ({ method: "GET", url, headers: {} });
  expect(renderCacheKey(request("/campaigns/la-machinerie"))).not.toBeNull();
  expect(renderCacheKey(request("/campaigns/la-machinerie?backers=2026-11-25T10:00:00.000Z_abc"))).toBeNull();
  expect(
    renderCacheKey(request("/campaigns/la-machinerie?backersBefore=2026-11-25T10:00:00.000Z_abc")),
  ).toBeNull();
});

test.skipIf(testEngine() !== "sqlite")("the wall reads pledges by index, never the whole table", async () => {
  const { db } = database();
  const campaign = await createCampaign(db);
  for (let i = 0; i < 3; i++) await createPledge(db, campaign, { created_at: minute(i) });
  const seen: CompiledQuery[] = [];
  const recorder: KyselyPlugin = {
    transformQuery(args) {
      seen.push(db.getExecutor().compileQuery(args.node, args.queryId));
      return args.node;
    },
    transformResult: async (args) => args.result,
  };
  const watched = db.withPlugin(recorder);
  const first = await backersWall(watched, campaign, { limit: 1 });
  const second = await backersWall(watched, campaign, { limit: 1, after: first.older });
  await backersWall(watched, campaign, { limit: 1, before: second.older });
  expect(seen.length).toBeGreaterThanOrEqual(5);
  for (const query of seen) {
    const plan = await db.executeQuery<{ detail: string }>({
      ...query,
      sql: `explain query plan ${query.sql}`,
    });
    const details = plan.rows.map((r) => r.detail).join("\n");
    expect(details, query.sql).not.toMatch(/^SCAN pledges\b|TEMP B-TREE/m);
    expect(details, query.sql).toMatch(/pledges_campaign_created/);
  }
});
