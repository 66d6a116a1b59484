// The owners' pages and the signed-in campaign page at any number of pledges: every query they run
// on pledges finds its rows by index (SQLite's plan names no scan of the table, no sort of it), so
// their cost does not grow with the campaign (issue #14: 100 000 pledges). SQLite's plans follow
// the schema, not the data; PostgreSQL's follow its statistics, so a tiny test table says nothing
// there: bench/dashboard measures both.
import type { CompiledQuery, KyselyPlugin } from "kysely";
import { expect, test } from "vitest";
import { backersCsv, backersCsvFormat, fundingCurve, pledgePage } from "~/campaigns/dashboard.server";
import { getCampaignPage } from "~/campaigns/campaigns.server";
import { chargeSummary } from "~/pledges/charging.server";
import { createCampaign, createPledge, createTier } from "../support/factories";
import { testEngine, useTestDatabase } from "../support/database";

const database = useTestDatabase();

/** The database handle, recording each statement it runs. */
function recording(db: ReturnType<typeof database>["db"]) {
  const seen: CompiledQuery[] = [];
  const recorder: KyselyPlugin = {
    transformQuery(args) {
      seen.push(db.getExecutor().compileQuery(args.node, args.queryId));
      return args.node;
    },
    transformResult: async (args) => args.result,
  };
  return { db: db.withPlugin(recorder), seen };
}

test.skipIf(testEngine() !== "sqlite")(
  "the dashboard, the CSV and the signed-in campaign page read pledges by index, never the whole table",
  async () => {
    const { db, engine } = database();
    const campaign = await createCampaign(db, { slug: "par-index" });
    const tier = await createTier(db, campaign);
    await db
      .insertInto("campaign_updates")
      .values({
        id: "update-1",
        campaign_id: campaign,
        title: "Pour les contributeurs",
        body_md: "Merci",
        visibility: "backers",
        created_at: "2026-11-25T10:00:00.000Z",
      })
      .execute();
    for (let i = 0; i < 3; i++) await createPledge(db, campaign, { tier_id: tier });
    const { db: watched, seen } = recording(db);
    const row = await db
      .selectFrom("campaigns")
      .selectAll()
      .where("id", "=", campaign)
      .executeTakeFirstOrThrow();

    await getCampaignPage(watched, {
      slug: "par-index",
      locale: "fr",
      now: new Date("2026-11-26T10:00:00.000Z"),
      viewerEmail: "personne@example.org",
      siteUrl: "http://localhost",
    });
    await fundingCurve(watched, engine, row, "hour");
    await fundingCurve(watched, engine, row, "day");
    await chargeSummary(watched, campaign);
    const first = await pledgePage(watched, campaign, { limit: 1 });
    await pledgePage(watched, campaign, { limit: 1, after: first.older });
    await pledgePage(watched, campaign, { limit: 1, before: first.older, filter: { status: "committed" } });
    await pledgePage(watched, campaign, { limit: 1, filter: { tierId: tier } });
    for await (const chunk of backersCsv(watched, campaign, backersCsvFormat("fr", "Europe/Paris"), {
      chunkRows: 2,
    }))
      void chunk;

    const onPledges = seen.filter((q) => /from "pledges"|exists \(select/i.test(q.sql));
    expect(onPledges.length).toBeGreaterThanOrEqual(10);
    for (const query of onPledges) {
      // The statement as the app prepares it, parameters bound: the plan does not depend on their values.
      const plan = await db.executeQuery<{ detail: string }>({
        ...query,
        sql: `explain query plan ${query.sql}`,
      });
      const details = plan.rows.map((r) => r.detail);
      expect(
        details.filter((d) => /^SCAN pledges\b/.test(d)),
        query.sql,
      ).toEqual([]);
      expect(
        details.filter((d) => /TEMP B-TREE FOR ORDER BY/.test(d)),
        query.sql,
      ).toEqual([]);
      if (query.sql.includes('"backer_email" = ?'))
        expect(details.join("\n"), query.sql).toMatch(/pledges_campaign_backer_email/);
    }
  },
);
