// Reading campaigns for the public pages, on a real database.
import { expect, test } from "vitest";
import {
  getCampaignPage,
  listFundedCampaigns,
  listLiveCampaigns,
  recomputeTotals,
} from "~/campaigns/campaigns.server";
import { getPledgeOptions } from "~/pledges/pledge-options.server";
import { commitPledge, expirePledge, startPledge } from "~/pledges/pledges.server";
import { createCampaign, createPledge, createTier, pledgeRequest } from "../support/factories";
import { useTestDatabase } from "../support/database";

const siteUrl = "http://localhost:3000";

const database = useTestDatabase();
const now = new Date("2026-11-30T12:00:00.000Z");

test("only live campaigns are listed as live, the one ending soonest first", async () => {
  const { db } = database();
  const later = await createCampaign(db, { deadline_at: "2026-12-20T22:59:59.999Z" });
  const sooner = await createCampaign(db, { deadline_at: "2026-12-05T22:59:59.999Z" });
  await createCampaign(db, { status: "draft" });
  await createCampaign(db, { status: "in_review" });
  const funded = await createCampaign(db, { status: "succeeded", deadline_at: "2026-11-01T22:59:59.999Z" });
  const live = await listLiveCampaigns(db, { locale: "fr", now });
  expect(live.map((c) => c.id)).toEqual([sooner, later]);
  expect((await listFundedCampaigns(db, { locale: "fr", now })).map((c) => c.id)).toEqual([funded]);
});

test("drafts and campaigns in review have no public page", async () => {
  const { db } = database();
  const draft = await createCampaign(db, { status: "draft", slug: "secret-draft" });
  expect(draft).toBeTruthy();
  expect(await getCampaignPage(db, { siteUrl, slug: "secret-draft", locale: "fr", now })).toBeNull();
  expect(await getCampaignPage(db, { siteUrl, slug: "no-such-campaign", locale: "fr", now })).toBeNull();
});

test("progress shows the stored totals, the floored percent and the time left by the given clock", async () => {
  const { db } = database();
  await createCampaign(db, {
    slug: "progress",
    goal_amount: 1_500_000,
    pledged_amount: 612_000,
    backer_count: 97,
    deadline_at: "2026-12-08T22:59:59.999Z",
  });
  const page = await getCampaignPage(db, { siteUrl, slug: "progress", locale: "fr", now });
  expect(page?.progress).toEqual({
    raised: 612_000,
    goal: 1_500_000,
    currency: "EUR",
    percent: 40,
    backers: 97,
    deadline: "2026-12-08T22:59:59.999Z",
    timeLeft: { unit: "days", value: 8 },
  });
  const lastHours = await getCampaignPage(db, {
    siteUrl,
    slug: "progress",
    locale: "fr",
    now: new Date("2026-12-08T20:00:00Z"),
  });
  expect(lastHours?.progress.timeLeft).toEqual({ unit: "hours", value: 2 });
});

test("a closed campaign shows as ended whatever the clock says", async () => {
  const { db } = database();
  await createCampaign(db, { slug: "closed", status: "failed", deadline_at: "2026-12-08T22:59:59.999Z" });
  const page = await getCampaignPage(db, { siteUrl, slug: "closed", locale: "en", now });
  expect(page?.progress.timeLeft).toEqual({ unit: "ended", value: 0 });
});

test("tiers show what is left, and a fully claimed limited tier is sold out", async () => {
  const { db } = database();
  const campaign = await createCampaign(db, { slug: "tiers" });
  await createTier(db, campaign, { position: 2, title: "Épuisée", stock_limit: 3, claimed_count: 3 });
  await createTier(db, campaign, { position: 1, title: "Limitée", stock_limit: 10, claimed_count: 4 });
  await createTier(db, campaign, { position: 0, title: "Libre", stock_limit: null, claimed_count: 12 });
  const page = await getCampaignPage(db, { siteUrl, slug: "tiers", locale: "fr", now });
  expect(page?.tiers.map((t) => [t.title, t.remaining, t.soldOut])).toEqual([
    ["Libre", null, false],
    ["Limitée", 6, false],
    ["Épuisée", 0, true],
  ]);
});

test("a reward's backers are its counted pledges; its stock also holds the pending checkouts' units (#15 item 7)", async () => {
  const { db } = database();
  const campaign = await createCampaign(db, { slug: "holds" });
  const tier = await createTier(db, campaign, { title: "Établi", stock_limit: 3, min_amount: 5_000 });
  const pledge = () => startPledge(db, pledgeRequest(campaign, 5_000, { tierId: tier }), now);
  const paid = await pledge();
  expect(await commitPledge(db, paid.id, {}, now)).toBe("committed");
  const abandoned = await pledge();
  expect(await expirePledge(db, abandoned.id, "abandoned", now)).toBe(true);
  await pledge(); // a checkout still open: it holds a unit, it is no backer (yet)
  await pledge(); // the last unit, held too
  await expect(pledge()).rejects.toMatchObject({ code: "sold_out" });

  const page = await getCampaignPage(db, { siteUrl, slug: "holds", locale: "fr", now });
  expect(page?.tiers.map((t) => [t.claimed, t.remaining, t.soldOut])).toEqual([[1, 0, true]]);
  const options = await getPledgeOptions(db, { slug: "holds", locale: "fr", now });
  expect(options?.tiers.map((t) => [t.remaining, t.soldOut])).toEqual([[0, true]]);
  // The campaign's own backers agree with its rewards'.
  expect(page?.progress.backers).toBe(1);
});

test("texts fall back to the owner's language where no translation exists", async () => {
  const { db } = database();
  const campaign = await createCampaign(db, { slug: "bilingual", title: "Titre", tagline: "Accroche" });
  await db
    .insertInto("content_translations")
    .values({ subject_type: "campaign", subject_id: campaign, locale: "en", field: "title", value: "Title" })
    .execute();
  const page = await getCampaignPage(db, { siteUrl, slug: "bilingual", locale: "en", now });
  expect([page?.title, page?.tagline]).toEqual(["Title", "Accroche"]);
});

test("recomputed totals count committed and collected pledges, not pending or canceled ones", async () => {
  const { db } = database();
  const campaign = await createCampaign(db);
  await createPledge(db, campaign, { amount: 1_000, status: "committed" });
  await createPledge(db, campaign, { amount: 2_000, status: "collected" });
  await createPledge(db, campaign, { amount: 4_000, status: "pending" });
  await createPledge(db, campaign, { amount: 8_000, status: "canceled" });
  expect(await recomputeTotals(db, campaign)).toEqual({ pledged: 3_000, backers: 2 });
  expect(await recomputeTotals(db, "empty")).toEqual({ pledged: 0, backers: 0 });
});
