// Issue #15, "Owners": the campaign's texts entered in French and English by its owner. A French
// campaign's English title, tagline and story are what English readers see; an empty field shows
// them the French one; another owner cannot write them; a wrong field says which. The same for each
// reward, stretch goal and FAQ entry.
import { randomUUID } from "node:crypto";
import { expect, test } from "vitest";
import { getCampaignPage } from "~/campaigns/campaigns.server";
import { createDraft, setCampaignTranslation, setItemTranslation } from "~/campaigns/authoring.server";
import { editorView } from "~/campaigns/views.server";
import { action as manageAction } from "~/routes/manage.campaigns.$id";
import { testContext } from "../support/context";
import { createTier, createUser, ownerActor } from "../support/factories";
import { callRoute } from "../support/routes";
import { signedInAs } from "../support/users";
import { useTestDatabase } from "../support/database";

const database = useTestDatabase();
const now = new Date("2026-12-01T10:00:00.000Z");
const siteUrl = "http://localhost:3000";

const draft = (db: ReturnType<typeof database>["db"], owner: string) =>
  createDraft(
    db,
    owner,
    {
      title: "Un four à pain",
      slug: `four-${randomUUID().slice(0, 6)}`,
      tagline: "Pour tout le quartier",
      story: "Nous voulons construire un four à pain partagé dans la cour.",
      goal: "8000",
      goalAmount: 800_000,
      currency: "EUR",
      fundingModel: "all_or_nothing",
      durationDays: 20,
      timeZone: "Europe/Paris",
      endDate: "",
    },
    now,
  );

async function pageIn(id: string, locale: "fr" | "en") {
  const { db } = database();
  const { slug, owner_id } = await db
    .selectFrom("campaigns")
    .select(["slug", "owner_id"])
    .where("id", "=", id)
    .executeTakeFirstOrThrow();
  const page = await getCampaignPage(db, {
    slug,
    locale,
    now,
    siteUrl,
    previewer: { userId: owner_id, admin: false },
  });
  return { title: page!.title, tagline: page!.tagline, story: page!.storyHtml };
}

test("the English texts are what English readers see; a field left empty shows the French one", async () => {
  const { db } = database();
  const owner = await createUser(db);
  const id = await draft(db, owner);
  await setCampaignTranslation(
    db,
    { campaignId: id, actor: ownerActor(owner) },
    {
      title: "A bread oven",
      tagline: "For the whole neighbourhood",
      story: "We want to build a **shared** bread oven in the yard.",
    },
  );
  expect(await pageIn(id, "en")).toEqual({
    title: "A bread oven",
    tagline: "For the whole neighbourhood",
    story: expect.stringContaining("<strong>shared</strong>"),
  });
  expect((await pageIn(id, "fr")).title).toBe("Un four à pain");

  // Emptied: the tagline's translation goes, the others stay; the editor shows what is kept.
  await setCampaignTranslation(
    db,
    { campaignId: id, actor: ownerActor(owner) },
    { title: "A bread oven", tagline: "", story: "We want to build a shared bread oven in the yard." },
  );
  expect(await pageIn(id, "en")).toMatchObject({ title: "A bread oven", tagline: "Pour tout le quartier" });
  const campaign = await db
    .selectFrom("campaigns")
    .selectAll()
    .where("id", "=", id)
    .executeTakeFirstOrThrow();
  expect((await editorView(db, campaign, "fr-FR")).translation).toEqual({
    language: "en",
    values: {
      title: "A bread oven",
      tagline: "",
      story: "We want to build a shared bread oven in the yard.",
    },
    tiers: [],
    goals: [],
    faq: [],
    budget: [],
  });
});

test("another owner cannot write a campaign's translation", async () => {
  const { db } = database();
  const id = await draft(db, await createUser(db));
  const stranger = await createUser(db);
  await expect(
    setCampaignTranslation(
      db,
      { campaignId: id, actor: ownerActor(stranger) },
      { title: "Mine", tagline: "", story: "" },
    ),
  ).rejects.toBeTruthy();
  expect((await pageIn(id, "en")).title).toBe("Un four à pain");
});

test("through the editor's form a wrong field says which, keeps what was typed and saves nothing", async () => {
  const context = testContext(database());
  const { id: ownerId, cookie, csrf } = await signedInAs(context, "translator@example.org");
  const id = await draft(database().db, ownerId);
  const post = (form: Record<string, string>) =>
    callRoute<{ errors: Record<string, string>; values: Record<string, string> }>(manageAction, {
      url: `http://localhost/manage/campaigns/${id}`,
      params: { id },
      context,
      form: { ...form, csrf },
      headers: { Cookie: cookie },
    });
  const wrong = await post({
    intent: "translate",
    title: "A",
    tagline: "For the neighbourhood",
    story: "Too short",
  });
  expect(wrong.status).toBe(400);
  expect(wrong.data?.errors).toEqual({ title: "editor.error.title", story: "editor.error.story" });
  expect(wrong.data?.values).toMatchObject({ tagline: "For the neighbourhood", story: "Too short" });
  expect((await pageIn(id, "en")).tagline).toBe("Pour tout le quartier");

  const saved = await post({
    intent: "translate",
    title: "A bread oven",
    tagline: "For the neighbourhood",
    story: "",
  });
  expect(saved.status).toBe(302);
  expect(await pageIn(id, "en")).toMatchObject({ title: "A bread oven", tagline: "For the neighbourhood" });
});

test("each reward, stretch goal and FAQ entry has its English texts, through the editor's forms", async () => {
  const context = testContext(database());
  const { db } = database();
  const { id: ownerId, cookie, csrf } = await signedInAs(context, "items@example.org");
  const id = await draft(db, ownerId);
  const post = (form: Record<string, string>) =>
    callRoute<{ errors: Record<string, string>; values: Record<string, string> }>(manageAction, {
      url: `http://localhost/manage/campaigns/${id}`,
      params: { id },
      context,
      form: { ...form, csrf },
      headers: { Cookie: cookie },
    });
  const added = await Promise.all([
    post({
      intent: "add-tier",
      title: "Une miche",
      description: "Un pain de 1 kg",
      minimum: "10",
      limit: "",
    }),
    post({
      intent: "add-stretch",
      title: "Un deuxième four",
      target: "12000",
      description: "Pour les brioches",
    }),
    post({ intent: "add-faq", question: "Qui cuit le pain ?", answer: "Les membres, **à tour de rôle**." }),
  ]);
  expect(added.map((answer) => answer.status)).toEqual([302, 302, 302]);
  const tier = await db
    .selectFrom("reward_tiers")
    .select("id")
    .where("campaign_id", "=", id)
    .executeTakeFirstOrThrow();
  const goal = await db
    .selectFrom("stretch_goals")
    .select("id")
    .where("campaign_id", "=", id)
    .executeTakeFirstOrThrow();
  const faq = await db
    .selectFrom("campaign_faq")
    .select("id")
    .where("campaign_id", "=", id)
    .executeTakeFirstOrThrow();

  // A wrong field says which and keeps what was typed; nothing is saved.
  const wrong = await post({
    intent: "translate-tier",
    tierId: tier.id,
    title: "A",
    description: "A 1 kg loaf",
  });
  expect(wrong.status).toBe(400);
  expect(wrong.data?.errors).toEqual({ title: "editor.error.tierTitle" });
  expect(wrong.data?.values).toMatchObject({ tierId: tier.id, description: "A 1 kg loaf" });

  const saved = await Promise.all([
    post({ intent: "translate-tier", tierId: tier.id, title: "A loaf", description: "A 1 kg loaf" }),
    post({ intent: "translate-stretch", goalId: goal.id, title: "A second oven", description: "" }),
    post({
      intent: "translate-faq",
      faqId: faq.id,
      question: "Who bakes the bread?",
      answer: "Members, **in turn**.",
    }),
  ]);
  expect(saved.map((answer) => answer.status)).toEqual([302, 302, 302]);

  const { slug } = await db
    .selectFrom("campaigns")
    .select("slug")
    .where("id", "=", id)
    .executeTakeFirstOrThrow();
  const read = (locale: "fr" | "en") =>
    getCampaignPage(db, { slug, locale, now, siteUrl, previewer: { userId: ownerId, admin: false } });
  const english = await read("en");
  expect(english!.tiers.map((t) => [t.title, t.description])).toEqual([["A loaf", "A 1 kg loaf"]]);
  // The description left empty shows the French one.
  expect(english!.stretchGoals.map((g) => [g.title, g.description])).toEqual([
    ["A second oven", "Pour les brioches"],
  ]);
  expect(english!.faq.map((f) => f.question)).toEqual(["Who bakes the bread?"]);
  expect(english!.faq[0]!.answerHtml).toContain("<strong>in turn</strong>");
  const french = await read("fr");
  expect(french!.tiers[0]!.title).toBe("Une miche");
  expect(french!.faq[0]!.question).toBe("Qui cuit le pain ?");

  // The editor shows the English texts in the forms.
  const campaign = await db
    .selectFrom("campaigns")
    .selectAll()
    .where("id", "=", id)
    .executeTakeFirstOrThrow();
  const { translation } = await editorView(db, campaign, "fr-FR");
  expect(translation.tiers).toEqual([
    { id: tier.id, original: "Une miche", values: { title: "A loaf", description: "A 1 kg loaf" } },
  ]);
  expect(translation.faq[0]!.values).toEqual({
    question: "Who bakes the bread?",
    answer: "Members, **in turn**.",
  });
});

test("an item of another campaign, or another owner's, cannot be translated", async () => {
  const { db } = database();
  const owner = await createUser(db);
  const mine = await draft(db, owner);
  const theirs = await draft(db, await createUser(db));
  const theirTier = await createTier(db, theirs);
  const texts = { title: "Mine now", description: "" };
  await expect(
    setItemTranslation(db, {
      kind: "reward_tier",
      target: { campaignId: mine, actor: ownerActor(owner), tierId: theirTier },
      texts,
    }),
  ).rejects.toMatchObject({ code: "tier_not_found" });
  await expect(
    setItemTranslation(db, {
      kind: "reward_tier",
      target: { campaignId: theirs, actor: ownerActor(owner), tierId: theirTier },
      texts,
    }),
  ).rejects.toBeTruthy();
  const rows = await db
    .selectFrom("content_translations")
    .select("subject_id")
    .where("subject_id", "=", theirTier)
    .execute();
  expect(rows).toEqual([]);
});
