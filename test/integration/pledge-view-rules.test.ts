// A backer's view of their pledge at its edges (issue #11 item 15): what it may still do (change it
// only while committed to an open all-or-nothing campaign; cancel it while committed or pending, not
// being debited, the campaign open, and on a flexible campaign only before checkout), fix a failed
// payment only when no debit is on its way, its tier's title, and their list without unfinished
// checkouts.
import { randomUUID } from "node:crypto";
import { expect, test } from "vitest";
import type { FundingModel, PledgeStatus } from "#db/schema.ts";
import { getPledgeView, pledgesOfBacker } from "~/pledges/pledge-view.server";
import { createCampaign, createPledge, createTier } from "../support/factories";
import { useTestDatabase } from "../support/database";

const database = useTestDatabase();
const now = new Date("2026-12-01T12:00:00.000Z");
const open = "2026-12-08T22:59:59.999Z";
const closed = "2026-11-30T22:59:59.999Z";

async function view(
  pledge: { status: PledgeStatus; processing?: boolean },
  campaign: { funding_model?: FundingModel; deadline_at?: string } = {},
) {
  const { db } = database();
  const id = await createCampaign(db, { deadline_at: open, ...campaign });
  const pledgeId = await createPledge(db, id, {
    status: pledge.status,
    payment_processing_at: pledge.processing ? now.toISOString() : null,
  });
  return (await getPledgeView(db, { pledgeId, locale: "fr", now }))!;
}

test("a pledge can be changed only while committed to an open all-or-nothing campaign", async () => {
  expect((await view({ status: "committed" })).changeable).toBe(true);
  expect((await view({ status: "committed" }, { funding_model: "flexible" })).changeable).toBe(false);
  expect((await view({ status: "committed" }, { deadline_at: closed })).changeable).toBe(false);
  expect((await view({ status: "collected" })).changeable).toBe(false);
  expect((await view({ status: "pending" })).changeable).toBe(false);
});

test("a pledge can be canceled while committed or pending, not debited, the campaign open; flexible only before checkout", async () => {
  const cases: [PledgeStatus, { processing?: boolean }, FundingModel, string, boolean][] = [
    ["committed", {}, "all_or_nothing", open, true],
    ["pending", {}, "all_or_nothing", open, true],
    ["pending", {}, "flexible", open, true],
    ["committed", {}, "flexible", open, false],
    ["collected", {}, "all_or_nothing", open, false],
    ["payment_failed", {}, "all_or_nothing", open, false],
    ["committed", { processing: true }, "all_or_nothing", open, false],
    ["committed", {}, "all_or_nothing", closed, false],
    ["pending", {}, "flexible", closed, false],
  ];
  for (const [status, extra, funding_model, deadline_at, cancelable] of cases) {
    const seen = (await view({ status, ...extra }, { funding_model, deadline_at })).cancelable;
    expect({ status, extra, funding_model, deadline_at, cancelable: seen }).toEqual({
      status,
      extra,
      funding_model,
      deadline_at,
      cancelable,
    });
  }
});

test("a failed payment can be fixed only when no debit is on its way; a debit on its way is processing", async () => {
  expect(await view({ status: "payment_failed" })).toMatchObject({ fixable: true, processing: false });
  expect(await view({ status: "payment_failed", processing: true })).toMatchObject({
    fixable: false,
    processing: true,
  });
  expect(await view({ status: "committed" })).toMatchObject({ fixable: false, processing: false });
});

test("the view names the pledge's own tier, none without one, and there is no view of a pledge or campaign not shown", async () => {
  const { db } = database();
  const campaign = await createCampaign(db, { deadline_at: open });
  await createTier(db, campaign, { position: 0, title: "Merci" });
  const poster = await createTier(db, campaign, { position: 1, title: "Affiche" });
  const withTier = await createPledge(db, campaign, { tier_id: poster });
  const withoutTier = await createPledge(db, campaign);
  const titleOf = async (pledgeId: string) =>
    (await getPledgeView(db, { pledgeId, locale: "fr", now }))!.pledge.tierTitle;
  expect(await titleOf(withTier)).toBe("Affiche");
  expect(await titleOf(withoutTier)).toBeNull();

  expect(await getPledgeView(db, { pledgeId: randomUUID(), locale: "fr", now })).toBeNull();
  const draft = await createCampaign(db, { status: "draft" });
  const onDraft = await createPledge(db, draft);
  expect(await getPledgeView(db, { pledgeId: onDraft, locale: "fr", now })).toBeNull();
});

test("a backer's list leaves out unfinished and expired checkouts, and keeps the rest", async () => {
  const { db } = database();
  const email = `backer-${randomUUID().slice(0, 8)}@example.org`;
  const campaign = await createCampaign(db);
  const kept: string[] = [];
  for (const status of ["pending", "expired", "committed", "canceled", "collected"] as const) {
    const id = await createPledge(db, campaign, { status, backer_email: email });
    if (status !== "pending" && status !== "expired") kept.push(id);
  }
  expect((await pledgesOfBacker(db, email)).map((p) => p.id).sort()).toEqual(kept.sort());
});
