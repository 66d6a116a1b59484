// Issue #15, "the campaign as a community": an FAQ the owner edits (added, edited, moved, removed,
// each change one transaction, only by the campaign's owner) and a risks-and-challenges text,
// rendered and sanitized like the story, editable after launch, on the public page in the reader's
// language.
import { randomUUID } from "node:crypto";
import { expect, test } from "vitest";
import {
  addFaqEntry,
  createDraft,
  moveFaqEntry,
  removeFaqEntry,
  updateFaqEntry,
  updateRisks,
} from "~/campaigns/authoring.server";
import type { CampaignInput } from "~/campaigns/campaign-form";
import { getCampaignPage } from "~/campaigns/campaigns.server";
import { editorView } from "~/campaigns/views.server";
import { action as manageAction } from "~/routes/manage.campaigns.$id";
import { testContext } from "../support/context";
import { createCampaign, createUser, ownerActor } from "../support/factories";
import { callRoute } from "../support/routes";
import { signedInAs } from "../support/users";
import { useTestDatabase } from "../support/database";

const siteUrl = "http://localhost:3000";
const database = useTestDatabase();
const now = new Date("2026-12-01T10:00:00.000Z");

const input = (): CampaignInput => ({
  title: "Un four à pain",
  slug: `four-${randomUUID().slice(0, 8)}`,
  tagline: "Pour le quartier",
  story: "Nous voulons construire un four à pain partagé dans la cour.",
  goal: "8000",
  goalAmount: 800_000,
  currency: "EUR",
  fundingModel: "all_or_nothing",
  durationDays: 20,
  timeZone: "Europe/Paris",
  endDate: "",
});

async function questions(campaignId: string) {
  const rows = await database()
    .db.selectFrom("campaign_faq")
    .select("question")
    .where("campaign_id", "=", campaignId)
    .orderBy("position")
    .execute();
  return rows.map((r) => r.question);
}

/** The editor's action, posted by a signed-in person to a campaign's editor. */
async function editorPoster(email: string, campaignId?: string) {
  const context = testContext(database());
  const user = await signedInAs(context, email);
  const id = campaignId ?? (await createDraft(database().db, user.id, input(), now));
  const post = (form: Record<string, string>, to = id) =>
    callRoute<{
      intent: string;
      target: string | null;
      errors: Record<string, string>;
      values: Record<string, string>;
    }>(manageAction, {
      url: `http://localhost/manage/campaigns/${to}`,
      params: { id: to },
      context,
      form: { ...form, csrf: user.csrf },
      headers: { Cookie: user.cookie },
    });
  return { id, userId: user.id, post };
}

test("the owner adds, edits, moves and removes FAQ entries through the editor; the order follows the moves", async () => {
  const { id, post } = await editorPoster(`faq-${randomUUID()}@example.org`);
  for (const question of ["Quand ?", "Où est le four ?", "Qui cuit le pain ?"]) {
    const added = await post({ intent: "add-faq", question, answer: `Réponse à « ${question} »` });
    expect(added.location).toBe(`/manage/campaigns/${id}?notice=saved`);
  }
  expect(await questions(id)).toEqual(["Quand ?", "Où est le four ?", "Qui cuit le pain ?"]);
  const view = async () => (await editorView(database().db, (await campaignRow(id))!, "fr")).faq;
  const [first, second, third] = await view();

  await post({ intent: "move-faq", faqId: third!.id, direction: "up" });
  expect(await questions(id)).toEqual(["Quand ?", "Qui cuit le pain ?", "Où est le four ?"]);
  await post({ intent: "move-faq", faqId: first!.id, direction: "down" });
  expect(await questions(id)).toEqual(["Qui cuit le pain ?", "Quand ?", "Où est le four ?"]);
  // The first cannot go further up, nor the last further down: nothing changes.
  await post({ intent: "move-faq", faqId: third!.id, direction: "up" });
  await post({ intent: "move-faq", faqId: second!.id, direction: "down" });
  expect(await questions(id)).toEqual(["Qui cuit le pain ?", "Quand ?", "Où est le four ?"]);

  await post({
    intent: "update-faq",
    faqId: first!.id,
    question: "Quand ouvre le fournil ?",
    answer: "En **mai**.",
  });
  await post({ intent: "remove-faq", faqId: second!.id });
  expect(await questions(id)).toEqual(["Qui cuit le pain ?", "Quand ouvre le fournil ?"]);

  // Its owner sees it on the preview, each answer rendered like the story.
  const page = await getCampaignPage(database().db, {
    slug: (await campaignRow(id))!.slug,
    locale: "fr",
    now,
    siteUrl,
    previewer: { userId: (await campaignRow(id))!.owner_id, admin: false },
  });
  expect(page?.faq.map((f) => f.question)).toEqual(["Qui cuit le pain ?", "Quand ouvre le fournil ?"]);
  expect(page?.faq[1]?.answerHtml).toContain("<strong>mai</strong>");
});

const campaignRow = (id: string) =>
  database().db.selectFrom("campaigns").selectAll().where("id", "=", id).executeTakeFirst();

test("a question or answer refused shows its error at its field, keeps what was typed, and saves nothing", async () => {
  const { id, post } = await editorPoster(`faq-bad-${randomUUID()}@example.org`);
  const tooLong = "Pourquoi ".repeat(30);
  const refused = await post({ intent: "add-faq", question: tooLong, answer: "" });
  expect(refused.status).toBe(400);
  expect(refused.data?.errors).toEqual({
    question: "editor.error.faqQuestion",
    answer: "editor.error.faqAnswer",
  });
  expect(refused.data?.intent).toBe("add-faq");
  // What was typed comes back (cut to the field's limit).
  expect(refused.data?.values.question).toBe(tooLong.slice(0, 200));
  const longAnswer = await post({ intent: "add-faq", question: "Une question ?", answer: "a".repeat(2_001) });
  expect(longAnswer.data?.errors).toEqual({ answer: "editor.error.faqAnswer" });
  expect(longAnswer.data?.values.question).toBe("Une question ?");
  expect(await questions(id)).toEqual([]);

  // The limits themselves are accepted.
  await post({ intent: "add-faq", question: "q".repeat(200), answer: "a".repeat(2_000) });
  const [entry] = (await editorView(database().db, (await campaignRow(id))!, "fr")).faq;
  const edit = await post({ intent: "update-faq", faqId: entry!.id, question: "  ", answer: "Toujours là." });
  expect(edit.data?.errors).toEqual({ question: "editor.error.faqQuestion" });
  expect(edit.data?.target).toBe(entry!.id);
  expect(edit.data?.values.answer).toBe("Toujours là.");
  expect(await questions(id)).toEqual(["q".repeat(200)]);
});

test("another owner cannot add to, edit, move or remove a campaign's FAQ", async () => {
  const { db } = database();
  const { id: theirs, userId: theirOwner } = await editorPoster(`faq-theirs-${randomUUID()}@example.org`);
  const entry = await addFaqEntry(
    db,
    { campaignId: theirs, actor: ownerActor(theirOwner) },
    {
      question: "Une question ?",
      answer: "Une réponse.",
    },
    now,
  );
  const other = await addFaqEntry(
    db,
    { campaignId: theirs, actor: ownerActor(theirOwner) },
    {
      question: "Une autre ?",
      answer: "Oui.",
    },
    now,
  );

  // Through the editor of their own campaign, naming the other's entry: a 404, nothing changed.
  const { post } = await editorPoster(`faq-intruder-${randomUUID()}@example.org`);
  expect(
    (await post({ intent: "update-faq", faqId: entry, question: "Volée ?", answer: "Oui." })).status,
  ).toBe(404);
  expect((await post({ intent: "move-faq", faqId: other, direction: "up" })).status).toBe(404);
  expect((await post({ intent: "remove-faq", faqId: entry })).status).toBe(404);
  // Through the other's editor: refused before anything is read.
  expect((await post({ intent: "add-faq", question: "Ajoutée ?", answer: "Oui." }, theirs)).status).toBe(403);
  expect((await post({ intent: "remove-faq", faqId: entry }, theirs)).status).toBe(403);
  expect((await post({ intent: "risks", risks: "Rien ne va." }, theirs)).status).toBe(403);

  // The commands themselves check the actor.
  const stranger = { campaignId: theirs, actor: ownerActor(await createUser(db)) };
  await expect(
    addFaqEntry(db, stranger, { question: "Ajoutée ?", answer: "Oui." }, now),
  ).rejects.toMatchObject({
    code: "forbidden",
  });
  await expect(
    updateFaqEntry(db, { ...stranger, faqId: entry }, { question: "Volée ?", answer: "Oui." }),
  ).rejects.toMatchObject({
    code: "forbidden",
  });
  await expect(moveFaqEntry(db, { ...stranger, faqId: other }, "up")).rejects.toMatchObject({
    code: "forbidden",
  });
  await expect(removeFaqEntry(db, { ...stranger, faqId: entry })).rejects.toMatchObject({
    code: "forbidden",
  });
  await expect(updateRisks(db, stranger, "Rien ne va.", now)).rejects.toMatchObject({ code: "forbidden" });

  expect(await questions(theirs)).toEqual(["Une question ?", "Une autre ?"]);
  expect((await campaignRow(theirs))?.risks_md).toBe("");
});

test("the risks text is sanitized like the story, editable after launch, and its section leaves when emptied", async () => {
  const { db } = database();
  const owner = await createUser(db);
  const id = await createCampaign(db, {
    owner_id: owner,
    status: "live",
    slug: `live-${randomUUID().slice(0, 8)}`,
  });
  const slug = (await campaignRow(id))!.slug;
  const target = { campaignId: id, actor: ownerActor(owner) };
  const page = (locale: "fr" | "en" = "fr") => getCampaignPage(db, { slug, locale, now, siteUrl });

  expect((await page())?.risksHtml).toBe("");
  expect((await page())?.faq).toEqual([]);

  // Live, and still the owner writes it (through the editor's form, as after launch).
  const email = (
    await db.selectFrom("users").select("email").where("id", "=", owner).executeTakeFirstOrThrow()
  ).email;
  const { post } = await editorPoster(email, id);
  const saved = await post({
    intent: "risks",
    risks:
      'Le **four** peut <script>alert("x")</script>tarder. <img src="/auth/verify?token=t" alt="x"> <a href="javascript:alert(1)">ici</a>',
  });
  expect(saved.location).toBe(`/manage/campaigns/${id}?notice=saved`);
  const html = (await page())!.risksHtml;
  expect(html).toContain("<strong>four</strong>");
  expect(html).not.toContain("<script");
  expect(html).not.toContain("alert(");
  expect(html).not.toContain("/auth/verify");
  expect(html).not.toContain("javascript:");

  // Too long: at its field, with what was typed.
  const long = await post({ intent: "risks", risks: "x".repeat(20_001) });
  expect(long.status).toBe(400);
  expect(long.data?.errors).toEqual({ risks: "editor.error.risksLong" });

  // In English, the owner's translation when there is one; else their own words.
  expect((await page("en"))?.risksHtml).toContain("<strong>four</strong>");
  await db
    .insertInto("content_translations")
    .values({
      subject_type: "campaign",
      subject_id: id,
      locale: "en",
      field: "risks_md",
      value: "The **oven** may be late.",
    })
    .execute();
  expect((await page("en"))?.risksHtml).toContain("<strong>oven</strong>");

  await updateRisks(db, target, "   ", now);
  expect((await page())?.risksHtml).toBe("");
});

test("an FAQ answer is sanitized like the story; a removed entry takes its translations with it", async () => {
  const { db } = database();
  const owner = await createUser(db);
  const id = await createCampaign(db, { owner_id: owner, slug: `faq-live-${randomUUID().slice(0, 8)}` });
  const slug = (await campaignRow(id))!.slug;
  const target = { campaignId: id, actor: ownerActor(owner) };
  const entry = await addFaqEntry(
    db,
    target,
    {
      question: "Est-ce sûr ?",
      answer: 'Oui <script>document.cookie</script><b onclick="x()">vraiment</b>.',
    },
    now,
  );
  await db
    .insertInto("content_translations")
    .values([
      { subject_type: "faq_entry", subject_id: entry, locale: "en", field: "question", value: "Is it safe?" },
      { subject_type: "faq_entry", subject_id: entry, locale: "en", field: "answer_md", value: "Yes." },
    ])
    .execute();
  const fr = await getCampaignPage(db, { slug, locale: "fr", now, siteUrl });
  expect(fr?.faq[0]?.question).toBe("Est-ce sûr ?");
  expect(fr?.faq[0]?.answerHtml).not.toContain("<script");
  expect(fr?.faq[0]?.answerHtml).not.toContain("document.cookie");
  expect(fr?.faq[0]?.answerHtml).not.toContain("onclick");
  const en = await getCampaignPage(db, { slug, locale: "en", now, siteUrl });
  expect(en?.faq.map((f) => [f.question, f.answerHtml])).toEqual([["Is it safe?", "<p>Yes.</p>\n"]]);

  await removeFaqEntry(db, { ...target, faqId: entry });
  expect((await getCampaignPage(db, { slug, locale: "fr", now, siteUrl }))?.faq).toEqual([]);
  expect(
    await db.selectFrom("content_translations").select("field").where("subject_id", "=", entry).execute(),
  ).toEqual([]);
});
