// What the pledge form is told at its edges (issue #11 item 15): a campaign is shown once launched
// (live, succeeded, failed, canceled; never a draft or one in review), it takes pledges only while
// live and before its deadline (the deadline's own instant is too late), its tiers say what is left
// (the last unit left, then sold out), and each text is the reader's language's translation of that
// very subject and field, or the owner's text.
import { randomUUID } from "node:crypto";
import { expect, test } from "vitest";
import type { CampaignStatus, TranslatedSubject } from "#db/schema.ts";
import { getPledgeOptions } from "~/pledges/pledge-options.server";
import { createCampaign, createTier } from "../support/factories";
import { useTestDatabase } from "../support/database";

const database = useTestDatabase();
const now = new Date("2026-12-01T12:00:00.000Z");
const slugOf = () => `options-${randomUUID().slice(0, 8)}`;

async function translate(
  subject_type: TranslatedSubject,
  subject_id: string,
  locale: string,
  field: string,
  value: string,
) {
  await database()
    .db.insertInto("content_translations")
    .values({ subject_type, subject_id, locale, field, value })
    .execute();
}

test("a launched campaign is shown, open only while live; a draft or one in review is not shown", async () => {
  const { db } = database();
  const shown: [CampaignStatus, boolean | null][] = [
    ["live", true],
    ["succeeded", false],
    ["failed", false],
    ["canceled", false],
    ["draft", null],
    ["in_review", null],
  ];
  for (const [status, open] of shown) {
    const slug = slugOf();
    await createCampaign(db, { slug, status, deadline_at: "2026-12-08T22:59:59.999Z" });
    const options = await getPledgeOptions(db, { slug, locale: "fr", now });
    expect({ status, open: options?.campaign.open ?? null }).toEqual({ status, open });
  }
});

test("a live campaign takes pledges until one millisecond before its deadline, and never without one", async () => {
  const { db } = database();
  const openWith = async (deadline_at: string | null) => {
    const slug = slugOf();
    await createCampaign(db, { slug, deadline_at });
    return (await getPledgeOptions(db, { slug, locale: "fr", now }))!.campaign.open;
  };
  expect(await openWith("2026-12-01T12:00:00.001Z")).toBe(true);
  expect(await openWith(now.toISOString())).toBe(false);
  expect(await openWith("2026-12-01T11:59:59.999Z")).toBe(false);
  expect(await openWith(null)).toBe(false);
});

test("a tier says what is left: the last unit, then sold out; no limit is never sold out", async () => {
  const { db } = database();
  const slug = slugOf();
  const campaign = await createCampaign(db, { slug });
  await createTier(db, campaign, { position: 0, stock_limit: 3, claimed_count: 2 });
  await createTier(db, campaign, { position: 1, stock_limit: 3, claimed_count: 3 });
  await createTier(db, campaign, { position: 2, stock_limit: null, claimed_count: 40 });
  const { tiers } = (await getPledgeOptions(db, { slug, locale: "fr", now }))!;
  expect(tiers.map((t) => [t.stockLimit, t.remaining, t.soldOut])).toEqual([
    [3, 1, false],
    [3, 0, true],
    [null, null, false],
  ]);
});

test("each text is the reader's translation of that subject and field, else the owner's", async () => {
  const { db } = database();
  const slug = slugOf();
  const campaign = await createCampaign(db, { slug, title: "Un projet" });
  const both = await createTier(db, campaign, { position: 0, title: "Merci", description: "Un grand merci" });
  const titleOnly = await createTier(db, campaign, { position: 1, title: "Affiche", description: "Signée" });
  const none = await createTier(db, campaign, { position: 2, title: "Livre", description: "Dédicacé" });
  await translate("campaign", campaign, "en", "title", "A project");
  await translate("reward_tier", both, "en", "title", "Thanks");
  await translate("reward_tier", both, "en", "description", "A big thank you");
  await translate("reward_tier", titleOnly, "en", "title", "Poster");
  // Another language's, and another campaign's tier's: not these.
  await translate("reward_tier", none, "de", "title", "Buch");
  const elsewhere = await createTier(db, await createCampaign(db), { title: "Autre" });
  await translate("reward_tier", elsewhere, "en", "description", "Someone else's");

  const en = (await getPledgeOptions(db, { slug, locale: "en", now }))!;
  expect(en.campaign.title).toBe("A project");
  expect(en.tiers.map((t) => [t.id, t.title, t.description])).toEqual([
    [both, "Thanks", "A big thank you"],
    [titleOnly, "Poster", "Signée"],
    [none, "Livre", "Dédicacé"],
  ]);
  const fr = (await getPledgeOptions(db, { slug, locale: "fr", now }))!;
  expect([fr.campaign.title, ...fr.tiers.map((t) => t.title)]).toEqual([
    "Un projet",
    "Merci",
    "Affiche",
    "Livre",
  ]);
});

test("a campaign's description-like translation is not its title", async () => {
  const { db } = database();
  const slug = slugOf();
  const campaign = await createCampaign(db, { slug, title: "Un projet" });
  const tier = await createTier(db, campaign, { title: "Merci", description: "Un grand merci" });
  // Only the tier's description is translated: the campaign's and the tier's titles stay the owner's.
  await translate("reward_tier", tier, "en", "description", "A big thank you");
  await translate("campaign", campaign, "en", "description", "Not a title");
  const en = (await getPledgeOptions(db, { slug, locale: "en", now }))!;
  expect(en.campaign.title).toBe("Un projet");
  expect(en.tiers.map((t) => [t.title, t.description])).toEqual([["Merci", "A big thank you"]]);
});
