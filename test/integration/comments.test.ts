// Comments and questions on a campaign's page, on a real database (SQLite and PostgreSQL): posted by
// signed-in people on live and ended campaigns only, shown newest first with the author's profile
// name (never an email) and a backer's badge; the owner alone replies (once, rewritable); a person
// reports a comment once; the owner or an admin hides it (off the public page, audited) and shows
// it again; keyset pages that neither repeat nor skip; the forms' refusals on their fields.
import { sql, type CompiledQuery, type KyselyPlugin } from "kysely";
import { expect, test } from "vitest";
import type { Actor } from "~/auth/policy.server";
import { COMMENTS_PER_WINDOW } from "~/auth/rate-limit.server";
import {
  campaignComments,
  handleCommentIntent,
  postComment,
  replyToComment,
  reportComment,
  setCommentHidden,
} from "~/campaigns/comments.server";
import { auditEntries } from "~/ledger/audit.server";
import { isAppError } from "~/lib/errors";
import { createCampaign, createPledge, createUser } from "../support/factories";
import { testEngine, useTestDatabase } from "../support/database";

const database = useTestDatabase();

const minute = (n: number) => new Date(Date.UTC(2026, 10, 25, 10, n));

async function person(email: string, { displayName = null as string | null, admin = false } = {}) {
  const { db } = database();
  const id = await createUser(db, { email, name: email.split("@")[0] });
  if (displayName)
    await db.updateTable("users").set({ display_name: displayName }).where("id", "=", id).execute();
  return { id, email, admin } satisfies Actor;
}

/** A live campaign, its owner, a backer, a passer-by and an admin. */
async function community() {
  const { db } = database();
  const owner = await person(`owner-${crypto.randomUUID()}@example.org`, { displayName: "Camille Roussel" });
  const campaignId = await createCampaign(db, { owner_id: owner.id });
  const backer = await person(`awa-${crypto.randomUUID()}@example.org`, { displayName: "Awa" });
  const passerBy = await person(`passant-${crypto.randomUUID()}@example.org`);
  const admin = await person(`admin-${crypto.randomUUID()}@example.org`, { admin: true });
  await createPledge(db, campaignId, { backer_email: backer.email, status: "collected" });
  const slug = (await db
    .selectFrom("campaigns")
    .select("slug")
    .where("id", "=", campaignId)
    .executeTakeFirstOrThrow())!.slug;
  return { campaignId, slug, owner, backer, passerBy, admin };
}

/** The code of the domain error a call throws. */
async function refusal(promise: Promise<unknown>): Promise<string> {
  try {
    await promise;
  } catch (error) {
    if (isAppError(error)) return `${error.code} ${error.status}`;
    throw error;
  }
  throw new Error("expected a refusal");
}

test("comments and questions come newest first, with the author's profile name or none, a backer's badge, never an email", async () => {
  const { db } = database();
  const { campaignId, owner, backer, passerBy } = await community();
  const first = await postComment(
    db,
    { campaignId, actor: backer, kind: "comment", body: "Bravo pour l'atelier !" },
    minute(1),
  );
  const second = await postComment(
    db,
    { campaignId, actor: passerBy, kind: "question", body: "Le fablab sera-t-il ouvert le samedi ?" },
    minute(2),
  );
  const third = await postComment(
    db,
    { campaignId, actor: owner, kind: "comment", body: "Merci à toutes et tous." },
    minute(3),
  );
  // Another campaign's comments stay there.
  await postComment(
    db,
    { campaignId: await createCampaign(db), actor: backer, kind: "comment", body: "Ailleurs" },
    minute(4),
  );

  const page = await campaignComments(db, campaignId, null);
  expect(page.comments.map((c) => c.id)).toEqual([third, second, first]);
  expect(page.comments.map((c) => [c.kind, c.authorName, c.backer, c.creator])).toEqual([
    ["comment", "Camille Roussel", false, true],
    ["question", null, false, false],
    ["comment", "Awa", true, false],
  ]);
  expect(page.comments[2]).toMatchObject({
    body: "Bravo pour l'atelier !",
    createdAt: minute(1).toISOString(),
    hidden: false,
    reply: null,
    mine: false,
  });
  expect(JSON.stringify(page)).not.toMatch(/@|passant/);
  expect(page).toMatchObject({
    newer: null,
    older: null,
    signedIn: false,
    open: true,
    may: { post: false, reply: false, moderate: false, report: false },
  });
  expect((await campaignComments(db, campaignId, backer)).comments[2]!.mine).toBe(true);
});

test("a pledge that no longer counts is no backer's badge", async () => {
  const { db } = database();
  const { campaignId, passerBy } = await community();
  await createPledge(db, campaignId, { backer_email: passerBy.email, status: "refunded" });
  await createPledge(db, campaignId, { backer_email: passerBy.email, status: "pending" });
  await postComment(db, { campaignId, actor: passerBy, kind: "comment", body: "Je reviens" }, minute(1));
  expect((await campaignComments(db, campaignId, null)).comments[0]!.backer).toBe(false);
  await createPledge(db, campaignId, { backer_email: passerBy.email, status: "committed" });
  expect((await campaignComments(db, campaignId, null)).comments[0]!.backer).toBe(true);
});

test("ended campaigns take comments; canceled ones, drafts and campaigns in review do not", async () => {
  const { db } = database();
  const { backer } = await community();
  for (const status of ["succeeded", "failed"] as const) {
    const campaignId = await createCampaign(db, { status });
    await postComment(
      db,
      { campaignId, actor: backer, kind: "question", body: "Et maintenant ?" },
      minute(1),
    );
    expect((await campaignComments(db, campaignId, backer)).may.post).toBe(true);
  }
  const canceled = await createCampaign(db, { status: "canceled" });
  expect(
    await refusal(
      postComment(db, { campaignId: canceled, actor: backer, kind: "comment", body: "Dommage" }, minute(1)),
    ),
  ).toBe("comments_closed 409");
  expect(await campaignComments(db, canceled, backer)).toMatchObject({ open: false, may: { post: false } });
  // Through the page's form: a draft is no public page (404), a canceled one says it is closed.
  const draft = await createCampaign(db, {
    status: "draft",
    slug: `brouillon-${crypto.randomUUID().slice(0, 8)}`,
  });
  const draftSlug = (
    await db.selectFrom("campaigns").select("slug").where("id", "=", draft).executeTakeFirstOrThrow()
  ).slug;
  expect(
    await refusal(
      handleCommentIntent(
        db,
        { slug: draftSlug, actor: backer, values: { intent: "post", kind: "comment", body: "Déjà ?" } },
        minute(1),
      ),
    ),
  ).toBe("campaign_not_found 404");
  const canceledSlug = (
    await db.selectFrom("campaigns").select("slug").where("id", "=", canceled).executeTakeFirstOrThrow()
  ).slug;
  expect(
    await handleCommentIntent(
      db,
      { slug: canceledSlug, actor: backer, values: { intent: "post", kind: "comment", body: "Dommage" } },
      minute(1),
    ),
  ).toEqual({ kind: "invalid", errors: { body: "comments.error.closed" }, status: 409 });
});

test("the form's refusals are on their fields: 2 to 2 000 characters, counted as people count them, a known kind", async () => {
  const { db } = database();
  const { slug, campaignId, backer } = await community();
  const post = (values: Record<string, string>) =>
    handleCommentIntent(db, { slug, actor: backer, values: { intent: "post", ...values } }, minute(1));
  expect(await post({ kind: "question", body: " ? " })).toEqual({
    kind: "invalid",
    errors: { body: "comments.error.body" },
    status: 400,
  });
  expect(await post({ kind: "comment", body: "x".repeat(2_001) })).toMatchObject({
    errors: { body: "comments.error.body" },
  });
  expect(await post({ kind: "rant", body: "Assez long" })).toMatchObject({
    errors: { kind: "comments.error.kind" },
  });
  expect(await post({ body: "Sans genre" })).toMatchObject({ errors: { kind: "comments.error.kind" } });
  expect(
    await handleCommentIntent(db, { slug, actor: backer, values: { intent: "shout" } }, minute(1)),
  ).toMatchObject({ errors: { form: "form.invalid" } });
  expect(
    await handleCommentIntent(
      db,
      { slug, actor: backer, values: { intent: "report", commentId: "../x" } },
      minute(1),
    ),
  ).toMatchObject({ errors: { commentId: "form.invalid" } });
  // 2 000 emoji are 2 000 characters (4 000 UTF-16 units), trimmed before counting.
  const done = await post({ kind: "comment", body: `  ${"🎉".repeat(2_000)}  ` });
  expect(done.kind).toBe("done");
  expect((await campaignComments(db, campaignId, null)).comments[0]!.body).toBe("🎉".repeat(2_000));
  // Nothing refused was saved.
  expect((await campaignComments(db, campaignId, null)).comments).toHaveLength(1);
});

test("posting is limited per person: past the limit the form says to wait, on the message's field", async () => {
  const { db } = database();
  const { slug, campaignId, backer, passerBy } = await community();
  const post = (actor: Actor) =>
    handleCommentIntent(
      db,
      { slug, actor, values: { intent: "post", kind: "comment", body: "Encore moi" } },
      minute(1),
    );
  for (let i = 0; i < COMMENTS_PER_WINDOW; i++) expect((await post(backer)).kind).toBe("done");
  expect(await post(backer)).toEqual({
    kind: "invalid",
    errors: { body: "comments.error.tooMany" },
    status: 429,
  });
  // Someone else is not held back by it.
  expect((await post(passerBy)).kind).toBe("done");
  expect((await campaignComments(db, campaignId, null)).comments).toHaveLength(COMMENTS_PER_WINDOW + 1);
});

test("the owner replies once and may rewrite it; nobody else replies, not even an admin", async () => {
  const { db } = database();
  const { campaignId, slug, owner, backer, passerBy, admin } = await community();
  const question = await postComment(
    db,
    { campaignId, actor: backer, kind: "question", body: "Quand ouvrez-vous ?" },
    minute(1),
  );
  for (const actor of [backer, passerBy, admin])
    expect(
      await refusal(
        replyToComment(db, { campaignId, commentId: question, actor, body: "Bientôt" }, minute(2)),
      ),
    ).toBe("forbidden 403");
  // The page's form says so too, without saving anything.
  expect(
    await handleCommentIntent(
      db,
      { slug, actor: admin, values: { intent: "reply", commentId: question, body: "Bientôt" } },
      minute(2),
    ),
  ).toEqual({ kind: "invalid", errors: { form: "error.forbidden.body" }, status: 403 });
  expect((await campaignComments(db, campaignId, admin)).comments[0]!.reply).toBeNull();

  await replyToComment(
    db,
    { campaignId, commentId: question, actor: owner, body: "Au printemps." },
    minute(3),
  );
  await replyToComment(
    db,
    { campaignId, commentId: question, actor: owner, body: "Au printemps, le 21 mars." },
    minute(4),
  );
  const [shown] = (await campaignComments(db, campaignId, null)).comments;
  expect(shown!.reply).toEqual({
    body: "Au printemps, le 21 mars.",
    repliedAt: minute(4).toISOString(),
    original: null,
    translation: null,
  });
  expect((await campaignComments(db, campaignId, owner)).may).toMatchObject({ reply: true, moderate: true });
  expect((await campaignComments(db, campaignId, admin)).may).toMatchObject({ reply: false, moderate: true });

  // A comment of another campaign is not this one's to answer (404), even for its owner.
  const elsewhere = await postComment(
    db,
    {
      campaignId: await createCampaign(db, { owner_id: owner.id }),
      actor: backer,
      kind: "comment",
      body: "Ailleurs",
    },
    minute(5),
  );
  expect(
    await refusal(
      replyToComment(db, { campaignId, commentId: elsewhere, actor: owner, body: "Non" }, minute(6)),
    ),
  ).toBe("comment_not_found 404");
});

test("a person reports a comment once, never their own; the owner and admins see how many did; audited", async () => {
  const { db } = database();
  const { campaignId, owner, backer, passerBy, admin } = await community();
  const comment = await postComment(
    db,
    { campaignId, actor: backer, kind: "comment", body: "Un message qui dérange quelqu'un" },
    minute(1),
  );
  await reportComment(db, { campaignId, commentId: comment, actor: passerBy }, minute(2));
  expect(
    await refusal(reportComment(db, { campaignId, commentId: comment, actor: passerBy }, minute(3))),
  ).toBe("already_reported 409");
  expect(await refusal(reportComment(db, { campaignId, commentId: comment, actor: backer }, minute(3)))).toBe(
    "own_comment 409",
  );
  await reportComment(db, { campaignId, commentId: comment, actor: admin }, minute(4));

  expect((await campaignComments(db, campaignId, passerBy)).comments[0]).toMatchObject({
    reportedByViewer: true,
    reports: 0,
  });
  expect((await campaignComments(db, campaignId, backer)).comments[0]).toMatchObject({
    reportedByViewer: false,
    reports: 0,
  });
  expect((await campaignComments(db, campaignId, owner)).comments[0]!.reports).toBe(2);
  const log = await auditEntries(db, { campaignId, action: "comment.report" });
  expect(log.map((e) => [e.actorEmail, e.subjectId])).toEqual([
    [admin.email, comment],
    [passerBy.email, comment],
  ]);
  expect(log[0]!.details).toEqual({ message: "Un message qui dérange quelqu'un" });
});

test("the owner and admins hide a comment and show it again; others cannot; hidden ones leave the public page", async () => {
  const { db } = database();
  const { campaignId, owner, backer, passerBy, admin } = await community();
  const kept = await postComment(
    db,
    { campaignId, actor: backer, kind: "comment", body: "Gardé" },
    minute(1),
  );
  const hidden = await postComment(
    db,
    { campaignId, actor: passerBy, kind: "comment", body: "Masqué" },
    minute(2),
  );
  const otherOwner = await person(`autre-${crypto.randomUUID()}@example.org`);
  await createCampaign(db, { owner_id: otherOwner.id });
  for (const actor of [backer, passerBy, otherOwner])
    expect(
      await refusal(setCommentHidden(db, { campaignId, commentId: hidden, actor, hidden: true }, minute(3))),
    ).toBe("forbidden 403");

  await setCommentHidden(db, { campaignId, commentId: hidden, actor: owner, hidden: true }, minute(4));
  // Twice is no change, and no second entry in the log.
  await setCommentHidden(db, { campaignId, commentId: hidden, actor: admin, hidden: true }, minute(5));
  for (const viewer of [null, backer, passerBy])
    expect((await campaignComments(db, campaignId, viewer)).comments.map((c) => c.id)).toEqual([kept]);
  for (const viewer of [owner, admin])
    expect((await campaignComments(db, campaignId, viewer)).comments.map((c) => [c.id, c.hidden])).toEqual([
      [hidden, true],
      [kept, false],
    ]);
  const row = await db
    .selectFrom("campaign_comments")
    .select(["hidden_at", "hidden_by"])
    .where("id", "=", hidden)
    .executeTakeFirstOrThrow();
  expect(row).toEqual({ hidden_at: minute(4).toISOString(), hidden_by: owner.id });

  await setCommentHidden(db, { campaignId, commentId: hidden, actor: admin, hidden: false }, minute(6));
  expect((await campaignComments(db, campaignId, null)).comments.map((c) => c.id)).toEqual([hidden, kept]);
  await setCommentHidden(db, { campaignId, commentId: kept, actor: admin, hidden: true }, minute(7));
  expect((await campaignComments(db, campaignId, null)).comments.map((c) => c.id)).toEqual([hidden]);

  const log = await auditEntries(db, { campaignId });
  expect(log.map((e) => [e.action, e.actorEmail, e.subjectId])).toEqual([
    ["comment.hide", admin.email, kept],
    ["comment.unhide", admin.email, hidden],
    ["comment.hide", owner.email, hidden],
  ]);
});

test("pages of comments neither repeat nor skip one, older and back to newer, hidden ones left out", async () => {
  const { db } = database();
  const { campaignId, owner, backer } = await community();
  const ids: string[] = [];
  // Two comments at the same instant: the id breaks the tie.
  for (let i = 0; i < 47; i++)
    ids.push(
      await postComment(
        db,
        { campaignId, actor: backer, kind: i % 3 ? "comment" : "question", body: `Message ${i}` },
        minute(i === 46 ? 45 : i),
      ),
    );
  for (const id of [ids[10]!, ids[30]!])
    await setCommentHidden(db, { campaignId, commentId: id, actor: owner, hidden: true }, minute(50));
  const publicIds = ids.filter((id) => id !== ids[10] && id !== ids[30]);

  const pages: Awaited<ReturnType<typeof campaignComments>>[] = [];
  let after: string | null = null;
  for (;;) {
    const page = await campaignComments(db, campaignId, null, { after });
    pages.push(page);
    if (!page.older) break;
    after = page.older;
  }
  expect(pages.map((p) => p.comments.length)).toEqual([20, 20, 5]);
  const seen = pages.flatMap((p) => p.comments.map((c) => c.id));
  expect(new Set(seen).size).toBe(45);
  expect([...seen].sort()).toEqual([...publicIds].sort());
  const rows = pages.flatMap((p) => p.comments);
  for (let i = 1; i < rows.length; i++) expect(rows[i - 1]!.createdAt >= rows[i]!.createdAt).toBe(true);
  expect(pages[0]!.newer).toBeNull();

  const back = await campaignComments(db, campaignId, null, { before: pages[2]!.newer });
  expect(back.comments.map((c) => c.id)).toEqual(pages[1]!.comments.map((c) => c.id));
  const top = await campaignComments(db, campaignId, null, { before: back.newer });
  expect(top.comments.map((c) => c.id)).toEqual(pages[0]!.comments.map((c) => c.id));
  expect(top.newer).toBeNull();
  // The owner's pages hold the hidden ones too.
  const ownerPages = [await campaignComments(db, campaignId, owner)];
  while (ownerPages.at(-1)!.older)
    ownerPages.push(await campaignComments(db, campaignId, owner, { after: ownerPages.at(-1)!.older }));
  expect(ownerPages.flatMap((p) => p.comments).length).toBe(47);
  // A cursor we did not write is the first page.
  expect(
    (await campaignComments(db, campaignId, null, { after: "'; drop table campaign_comments" })).comments[0]!
      .id,
  ).toBe(pages[0]!.comments[0]!.id);
});

/**
 * The plan of a query as the engine would run it: SQLite's, or PostgreSQL's with sequential scans
 * priced out (a tiny test table is otherwise read whole, index or not), so that a scan left in the
 * plan means that no index serves the query.
 */
async function planOf(db: ReturnType<typeof database>["db"], query: CompiledQuery): Promise<string> {
  if (testEngine() === "sqlite") {
    const plan = await db.executeQuery<{ detail: string }>({
      ...query,
      sql: `explain query plan ${query.sql}`,
    });
    return plan.rows.map((r) => r.detail).join("\n");
  }
  return db.transaction().execute(async (trx) => {
    await sql`set local enable_seqscan = off`.execute(trx);
    const plan = await trx.executeQuery<{ "QUERY PLAN": string }>({ ...query, sql: `explain ${query.sql}` });
    return plan.rows.map((r) => r["QUERY PLAN"]).join("\n");
  });
}

test("the page reads comments by index, never the whole table", async () => {
  const { db } = database();
  const { campaignId, owner, backer, passerBy } = await community();
  for (let i = 0; i < 3; i++)
    await postComment(db, { campaignId, actor: backer, kind: "comment", body: `Message ${i}` }, minute(i));
  const seen: CompiledQuery[] = [];
  const recorder: KyselyPlugin = {
    transformQuery(args) {
      seen.push(db.getExecutor().compileQuery(args.node, args.queryId));
      return args.node;
    },
    transformResult: async (args) => args.result,
  };
  const watched = db.withPlugin(recorder);
  for (const viewer of [null, passerBy, owner]) {
    const first = await campaignComments(watched, campaignId, viewer, { limit: 1 });
    const second = await campaignComments(watched, campaignId, viewer, { limit: 1, after: first.older });
    await campaignComments(watched, campaignId, viewer, { limit: 1, before: second.older });
  }
  expect(seen.length).toBeGreaterThanOrEqual(15);
  const reads = seen.filter((query) => /from "campaign_comments"/.test(query.sql));
  expect(reads.length).toBeGreaterThanOrEqual(9);
  for (const query of seen) {
    const plan = await planOf(db, query);
    // SQLite: "SCAN t", "USE TEMP B-TREE FOR ORDER BY"; PostgreSQL: "Seq Scan on t" (its choice of
    // a sort over a backward index scan follows the table's size, which a test's is not).
    expect(plan, query.sql).not.toMatch(
      /\b(SCAN|Seq Scan on) (campaign_comments|comment_reports|pledges|users)\b|TEMP B-TREE/,
    );
    if (reads.includes(query)) expect(plan, query.sql).toMatch(/campaign_comments_campaign_created/);
  }
});

test("a question is emailed to the owner, a reply to the comment's author, once; nobody hears of their own words", async () => {
  const { db } = database();
  const { campaignId, owner, backer, passerBy } = await community();
  const outbox = (kind: string) =>
    db
      .selectFrom("email_outbox")
      .select(["to_email", "props", "dedupe_key"])
      .where("campaign_id", "=", campaignId)
      .where("kind", "=", kind as never)
      .execute();
  const question = await postComment(
    db,
    { campaignId, actor: backer, kind: "question", body: "Ouvert le samedi ?" },
    minute(1),
  );
  await postComment(db, { campaignId, actor: passerBy, kind: "comment", body: "Bravo !" }, minute(2));
  await postComment(db, { campaignId, actor: owner, kind: "question", body: "Vos idées ?" }, minute(3));
  const asked = await outbox("question_asked");
  expect(asked).toHaveLength(1);
  expect(asked[0]!.to_email).toBe(owner.email);
  expect(JSON.parse(asked[0]!.props)).toMatchObject({
    authorName: "Awa",
    question: "Ouvert le samedi ?",
    commentUrl: expect.stringMatching(new RegExp(`^/campaigns/[\\w-]+#comment-${question}$`)),
  });

  await replyToComment(
    db,
    { campaignId, actor: owner, commentId: question, body: "Oui, un sur deux." },
    minute(4),
  );
  await replyToComment(
    db,
    { campaignId, actor: owner, commentId: question, body: "Oui, chaque samedi." },
    minute(5),
  );
  const own = (await campaignComments(db, campaignId, owner)).comments.find((c) => c.creator)!;
  await replyToComment(db, { campaignId, actor: owner, commentId: own.id, body: "À vous !" }, minute(6));
  const replied = await outbox("comment_replied");
  expect(replied.map((r) => r.to_email)).toEqual([backer.email]);
  expect(JSON.parse(replied[0]!.props)).toMatchObject({
    comment: "Ouvert le samedi ?",
    reply: "Oui, un sur deux.",
  });
});

test("the owner's reply in the campaign's other language: read by its readers, emailed in it, refused on its field", async () => {
  const { db } = database();
  const { campaignId, slug, owner, backer } = await community();
  await db.updateTable("users").set({ locale: "en" }).where("id", "=", backer.id).execute();
  const question = await postComment(
    db,
    { campaignId, actor: backer, kind: "question", body: "Open on Saturdays?" },
    minute(1),
  );
  const reply = (values: Record<string, string>) =>
    handleCommentIntent(
      db,
      { slug, actor: owner, values: { intent: "reply", commentId: question, ...values } },
      minute(2),
    );
  expect(await reply({ body: "Oui, un sur deux.", translation: "x" })).toEqual({
    kind: "invalid",
    errors: { translation: "comments.error.body" },
    status: 400,
  });
  expect(await reply({ body: "Oui, un sur deux.", translation: " Yes, every other one. " })).toEqual({
    kind: "done",
    commentId: question,
  });
  const replyFor = async (viewer: Actor | null, locale: string) =>
    (await campaignComments(db, campaignId, viewer, { locale })).comments[0]!.reply;
  expect(await replyFor(null, "en")).toMatchObject({ body: "Yes, every other one.", original: null });
  expect(await replyFor(backer, "fr")).toMatchObject({ body: "Oui, un sur deux.", translation: null });
  expect(await replyFor(owner, "fr")).toMatchObject({
    original: "Oui, un sur deux.",
    translation: "Yes, every other one.",
  });
  expect((await campaignComments(db, campaignId, owner)).replyLanguage).toBe("en");
  expect((await campaignComments(db, campaignId, backer)).replyLanguage).toBeNull();
  const [email] = await db
    .selectFrom("email_outbox")
    .select("props")
    .where("kind", "=", "comment_replied")
    .where("campaign_id", "=", campaignId)
    .execute();
  expect(JSON.parse(email!.props).reply).toBe("Yes, every other one.");

  // An empty translation is none: English readers read the reply as written.
  await reply({ body: "Oui, chaque samedi.", translation: "" });
  expect(await replyFor(null, "en")).toMatchObject({ body: "Oui, chaque samedi." });
});
