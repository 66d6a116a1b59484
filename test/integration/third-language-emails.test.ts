// A language added to the catalogue reaches emails without touching the outbox: the reader's
// language is stored as given when we have it, and the campaign's texts come in that language when
// the owner translated them, else in the campaign's own. The catalogue here gets a third language,
// German, as adding its messages file would give it (its words fall back to French: this test is
// about which language is chosen, test/unit/messages.test.ts about the words).
import { randomUUID } from "node:crypto";
import { expect, test, vi } from "vitest";
import type * as Catalogue from "~/i18n/catalogue.server";
import { commitPledge, startPledge } from "~/pledges/pledges.server";
import { createCampaign, createUser, pledgeRequest } from "../support/factories";
import { useTestDatabase } from "../support/database";

vi.mock("~/i18n/catalogue.server", async (importOriginal) => {
  const actual = await importOriginal<typeof Catalogue>();
  return { ...actual, locales: [...actual.locales, "de"] };
});

const database = useTestDatabase();
const now = new Date("2026-11-30T12:00:00.000Z");

async function campaignTranslatedInto(...translations: [locale: string, title: string][]) {
  const { db } = database();
  const owner = await createUser(db, { email: `owner-${randomUUID().slice(0, 6)}@example.org` });
  const campaign = await createCampaign(db, { owner_id: owner, title: "Le fablab d'Amiens" });
  for (const [locale, value] of translations) {
    await db
      .insertInto("content_translations")
      .values({ subject_type: "campaign", subject_id: campaign, locale, field: "title", value })
      .execute();
  }
  return campaign;
}

async function confirmationFor(campaignId: string, locale: string) {
  const { db } = database();
  const pledge = await startPledge(db, pledgeRequest(campaignId, 2_500, { locale }), now);
  await commitPledge(db, pledge.id, {}, now);
  const row = await db
    .selectFrom("email_outbox")
    .select(["locale", "props"])
    .where("pledge_id", "=", pledge.id)
    .where("kind", "=", "pledge_confirmation")
    .executeTakeFirstOrThrow();
  return { locale: row.locale, title: (JSON.parse(row.props) as { campaign: { title: string } }).campaign.title };
}

test("a reader of a third language gets their language and the campaign's title in it", async () => {
  const campaign = await campaignTranslatedInto(["en", "The Amiens fablab"], ["de", "Das Fablab in Amiens"]);
  expect(await confirmationFor(campaign, "de")).toEqual({ locale: "de", title: "Das Fablab in Amiens" });
  expect(await confirmationFor(campaign, "en")).toEqual({ locale: "en", title: "The Amiens fablab" });
});

test("an untranslated campaign reaches a third-language reader in its own language", async () => {
  const campaign = await campaignTranslatedInto(["en", "The Amiens fablab"]);
  expect(await confirmationFor(campaign, "de")).toEqual({ locale: "de", title: "Le fablab d'Amiens" });
});

test("a language we have no messages for is written in French, with the campaign's own title", async () => {
  const campaign = await campaignTranslatedInto(["it", "Il fablab di Amiens"]);
  expect(await confirmationFor(campaign, "it")).toEqual({ locale: "fr", title: "Le fablab d'Amiens" });
});
