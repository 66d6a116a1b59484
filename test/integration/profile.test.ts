// A creator's public profile (issue #15 item 10), through the account page's real action on a real
// database: saved when valid, each wrong field refused at the field with what was typed and nothing
// saved, only http(s) websites; the campaign page signs with the organisation, else the display
// name, else the name given at sign-in; the owner's emails greet them by the name they chose.
import { expect, test } from "vitest";
import { getCampaignPage } from "~/campaigns/campaigns.server";
import { seedDemo } from "~/demo/demo.server";
import { translate } from "~/i18n/catalogue.server";
import type { MessageKey } from "~/i18n/keys";
import { onCampaignPagesChanged } from "~/lib/page-changes";
import { campaignForEmails } from "~/notifications/snapshot.server";
import { action as accountAction, loader as accountLoader } from "~/routes/account._index";
import { testContext } from "../support/context";
import { createCampaign, createUser } from "../support/factories";
import { callRoute } from "../support/routes";
import { signedInAs } from "../support/users";
import { useTestDatabase } from "../support/database";

const database = useTestDatabase();
const now = new Date("2026-11-24T11:00:00.000Z");

const valid = {
  displayName: "Camille Roussel",
  organisation: "Association La Machinerie",
  bio: "Tiers-lieu associatif à Saint-Leu :\ncoworking et fablab.",
  place: "Amiens",
  website: "https://lamachinerie.example/projets",
};

async function owner(name = "camille") {
  const context = testContext(database());
  const email = `${name}-${Math.random().toString(36).slice(2, 8)}@example.org`;
  const id = await createUser(context.db, { email, name });
  const session = await signedInAs(context, email);
  const post = (form: Record<string, string>) =>
    callRoute<{ errors: Record<string, MessageKey>; values: Record<string, string> }>(accountAction, {
      url: "http://localhost/account?index",
      context,
      form: { csrf: session.csrf, ...form },
      headers: { Cookie: session.cookie },
    });
  const row = () =>
    context.db
      .selectFrom("users")
      .select(["name", "display_name", "organisation", "bio", "place", "website"])
      .where("id", "=", id)
      .executeTakeFirstOrThrow();
  return { context, id, session, post, row };
}

async function pageOf(ownerId: string) {
  const { db } = database();
  const campaignId = await createCampaign(db, { owner_id: ownerId });
  const { slug } = await db
    .selectFrom("campaigns")
    .select("slug")
    .where("id", "=", campaignId)
    .executeTakeFirstOrThrow();
  return {
    campaignId,
    page: async () =>
      (await getCampaignPage(db, { slug, locale: "fr", now, siteUrl: "http://localhost:3000" }))!,
  };
}

test("a valid profile is saved, the website as an address, and the account page shows it back", async () => {
  const { post, row, context, session } = await owner();
  let changed = 0;
  const stop = onCampaignPagesChanged(() => changed++);
  const answer = await post({ ...valid, website: "  lamachinerie.example/projets  " });
  stop();
  expect(answer).toMatchObject({ status: 302, location: "/account?profile-saved" });
  expect(await row()).toEqual({
    name: "camille",
    display_name: "Camille Roussel",
    organisation: "Association La Machinerie",
    bio: "Tiers-lieu associatif à Saint-Leu :\ncoworking et fablab.",
    place: "Amiens",
    website: "https://lamachinerie.example/projets",
  });
  // The cached anonymous campaign pages are dropped: the owner's name is on them.
  expect(changed).toBe(1);

  const page = await callRoute<{ profile: unknown; profileSaved: boolean }>(accountLoader, {
    url: "http://localhost/account?profile-saved",
    context,
    headers: { Cookie: session.cookie },
  });
  expect(page.data).toMatchObject({
    profileSaved: true,
    profile: { displayName: "Camille Roussel", organisation: "Association La Machinerie", place: "Amiens" },
  });
});

test("optional fields left empty are saved as nothing, and can be emptied again", async () => {
  const { post, row } = await owner();
  expect((await post(valid)).status).toBe(302);
  expect(
    (await post({ displayName: "Camille", organisation: "", bio: " ", place: "", website: "" })).status,
  ).toBe(302);
  expect(await row()).toMatchObject({
    display_name: "Camille",
    organisation: null,
    bio: null,
    place: null,
    website: null,
  });
});

const refusals: [field: keyof typeof valid, typed: string, message: MessageKey][] = [
  ["displayName", "C", "profile.error.displayName"],
  ["displayName", "C".repeat(81), "profile.error.displayName"],
  ["organisation", "A".repeat(121), "profile.error.organisation"],
  ["bio", "b".repeat(501), "profile.error.bio"],
  ["place", "P".repeat(81), "profile.error.place"],
  ["website", "pas une adresse", "profile.error.website"],
  ["website", "https://localhost", "profile.error.website"],
  ["website", "ftp://lamachinerie.example/", "profile.error.website"],
  ["website", "mailto:bonjour@lamachinerie.example", "profile.error.website"],
  ["website", "data:text/html,<script>alert(1)</script>", "profile.error.website"],
  ["website", "https://moi:secret@lamachinerie.example", "profile.error.website"],
];

test.each(refusals)(
  "%s %j is refused at its field, with what was typed, and nothing is saved",
  async (field, typed, message) => {
    const { post, row } = await owner();
    expect((await post(valid)).status).toBe(302);
    const before = await row();
    const answer = await post({ ...valid, displayName: "Quelqu'un d'autre", [field]: typed });
    expect(answer.status).toBe(400);
    expect(answer.data?.errors).toEqual({ [field]: message });
    expect(answer.data?.values[field]).toBe(typed);
    expect(answer.data?.values.place).toBe(field === "place" ? typed : valid.place);
    expect(await row()).toEqual(before);
    // Words in both languages, not a key.
    for (const locale of ["fr", "en"] as const) expect(translate(locale, message)).not.toBe(message);
    expect(translate("fr", message)).not.toBe(translate("en", message));
  },
);

test.each([
  "javascript:alert(document.cookie)",
  "JavaScript:alert(1)",
  "  javascript:alert(1)",
  "javascript://lamachinerie.example/%0aalert(1)",
  "jav\tascript:alert(1)",
])("a javascript: website %j is refused and never stored", async (typed) => {
  const { post, row } = await owner();
  const answer = await post({ ...valid, website: typed });
  expect(answer.status).toBe(400);
  expect(answer.data?.errors).toEqual({ website: "profile.error.website" });
  expect(answer.data?.values.website).toBe(typed);
  expect(await row()).toMatchObject({ display_name: null, website: null });
});

test("a display name once set cannot be emptied; until then it may stay empty", async () => {
  const { post, row } = await owner();
  expect((await post({ ...valid, displayName: "" })).status).toBe(302);
  expect((await row()).display_name).toBeNull();
  expect((await post(valid)).status).toBe(302);
  const answer = await post({ ...valid, displayName: "   ", place: "Lille" });
  expect(answer.status).toBe(400);
  expect(answer.data?.errors).toEqual({ displayName: "profile.error.displayNameRequired" });
  expect(answer.data?.values.place).toBe("Lille");
  expect(await row()).toMatchObject({ display_name: "Camille Roussel", place: "Amiens" });
});

test("a profile posted without the session's anti-forgery token is refused", async () => {
  const { post, row } = await owner();
  expect((await post({ ...valid, csrf: "forged-forged-forged-forged-forg" })).status).toBe(403);
  expect((await row()).display_name).toBeNull();
});

test("the campaign page signs with the organisation, else the display name, else the sign-in name", async () => {
  const { id, post } = await owner("bonjour");
  const { page, campaignId } = await pageOf(id);
  expect((await page()).ownerName).toBe("bonjour");
  expect((await page()).creator).toMatchObject({ name: "bonjour", organisation: null, bio: null });

  expect(
    (await post({ displayName: "Camille Roussel", organisation: "", bio: "", place: "", website: "" }))
      .status,
  ).toBe(302);
  expect((await page()).ownerName).toBe("Camille Roussel");

  expect((await post(valid)).status).toBe(302);
  const shown = await page();
  expect(shown.ownerName).toBe("Association La Machinerie");
  expect(shown.creator).toEqual({
    name: "Association La Machinerie",
    displayName: "Camille Roussel",
    organisation: "Association La Machinerie",
    bio: valid.bio,
    place: "Amiens",
    website: "https://lamachinerie.example/projets",
  });

  // Emails to the owner greet the person: their display name, though an organisation signs the page.
  expect((await campaignForEmails(database().db, campaignId, now)).ownerName).toBe("Camille Roussel");
  expect((await post({ ...valid, displayName: "" })).status).toBe(400);
});

test("the owner's emails fall back to the organisation, then the sign-in name", async () => {
  const { id, post } = await owner("repair");
  const { campaignId } = await pageOf(id);
  expect((await campaignForEmails(database().db, campaignId, now)).ownerName).toBe("repair");
  expect((await post({ ...valid, displayName: "" })).status).toBe(302);
  expect((await campaignForEmails(database().db, campaignId, now)).ownerName).toBe(
    "Association La Machinerie",
  );
});

test("the demo's owners have a profile: an organisation, a place and a short bio in French", async () => {
  const { db } = database();
  await seedDemo(database(), now);
  for (const slug of ["la-machinerie", "fournil-de-la-briqueterie"]) {
    const page = (await getCampaignPage(db, { slug, locale: "en", now, siteUrl: "http://localhost:3000" }))!;
    expect(page.ownerName).toBe(page.creator.organisation);
    expect(page.creator.place).toMatch(/^Amiens/);
    expect(page.creator.bio).toMatch(/ (et|des|une) /);
  }
  const machinerie = (await getCampaignPage(db, {
    slug: "la-machinerie",
    locale: "fr",
    now,
    siteUrl: "http://localhost:3000",
  }))!;
  expect(machinerie.creator).toMatchObject({
    name: "Association La Machinerie",
    organisation: "Association La Machinerie",
    place: "Amiens",
    website: "https://lamachinerie.example/",
  });
  const repairCafe = await db
    .selectFrom("users")
    .select(["organisation", "place", "bio"])
    .where("email", "=", "contact@repaircafe-amiens.example")
    .executeTakeFirstOrThrow();
  expect(repairCafe).toMatchObject({ organisation: "Repair Café Amiens", place: "Amiens" });
  expect(repairCafe.bio).toMatch(/bénévoles/);
});
