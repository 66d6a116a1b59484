// Owners write campaigns and admins review them, on a real database: drafts, tiers and their
// rules after launch, review and launch (now or later), send-back with an email, updates emailed.
import { randomUUID } from "node:crypto";
import { expect, test } from "vitest";
import { getCampaignPage } from "~/campaigns/campaigns.server";
import type { CampaignInput, TierInput } from "~/campaigns/campaign-form";
import {
  addStretchGoal,
  addTier,
  createDraft,
  moveStretchGoal,
  moveTier,
  postUpdate,
  removeStretchGoal,
  removeTier,
  updateCampaign,
  updateStretchGoal,
  updateTier,
} from "~/campaigns/authoring.server";
import {
  approveCampaign,
  cancelCampaign,
  launchScheduledCampaigns,
  sendBackToDraft,
  submitForReview,
} from "~/campaigns/lifecycle.server";
import { csrfToken } from "~/auth/csrf.server";
import { action as manageAction } from "~/routes/manage.campaigns.$id";
import { testContext } from "../support/context";
import { adminActor, createPledge, createUser, ownerActor } from "../support/factories";
import { callRoute } from "../support/routes";
import { signedInAs } from "../support/users";
import { useTestDatabase } from "../support/database";

const siteUrl = "http://localhost:3000";

const database = useTestDatabase();
const now = new Date("2026-12-01T10:00:00.000Z");

const input = (values: Partial<CampaignInput> = {}): CampaignInput => ({
  title: "Un four à pain",
  slug: `four-${randomUUID().slice(0, 6)}`,
  tagline: "Pour le quartier",
  story: "Nous voulons construire un four à pain partagé dans la cour.",
  goal: "8000",
  goalAmount: 800_000,
  currency: "EUR",
  fundingModel: "all_or_nothing",
  durationDays: 20,
  timeZone: "Europe/Paris",
  endDate: "",
  ...values,
});
const tier = (values: Partial<TierInput> = {}): TierInput => ({
  title: "Une miche",
  description: "",
  minAmount: 1_500,
  limit: null,
  delivery: null,
  shipping: false,
  ...values,
});

async function status(id: string) {
  return database().db.selectFrom("campaigns").selectAll().where("id", "=", id).executeTakeFirstOrThrow();
}
/** A command's target, asked by the campaign's owner, or by an admin. */
const byOwner = async (campaignId: string) => ({
  campaignId,
  actor: ownerActor((await status(campaignId)).owner_id),
});
const byAdmin = (campaignId: string) => ({ campaignId, actor: adminActor });

test("a draft is submitted, approved and launched with its deadline at the end of its last local day", async () => {
  const { db } = database();
  const owner = await createUser(db);
  const id = await createDraft(db, owner, input(), now);
  await expect(createDraft(db, owner, input({ slug: (await status(id)).slug }), now)).rejects.toMatchObject({
    code: "slug_taken",
    field: "slug",
  });
  await expect(approveCampaign(db, byAdmin(id), null, now)).rejects.toMatchObject({ code: "not_in_review" });
  await submitForReview(db, await byOwner(id), now);
  await approveCampaign(db, byAdmin(id), null, now);
  expect(await status(id)).toMatchObject({
    status: "live",
    launched_at: now.toISOString(),
    // 20 days from 1 December, Paris: 20 December, 23:59:59.999 (UTC+1).
    deadline_at: "2026-12-20T22:59:59.999Z",
  });
});

test("an approval for later launches when its time comes", async () => {
  const { db } = database();
  const id = await createDraft(db, await createUser(db), input(), now);
  await submitForReview(db, await byOwner(id), now);
  const later = new Date("2026-12-05T08:00:00.000Z");
  await approveCampaign(db, byAdmin(id), later, now);
  expect((await status(id)).status).toBe("in_review");
  expect(await launchScheduledCampaigns(db, new Date("2026-12-04T08:00:00.000Z"))).toBe(0);
  await launchScheduledCampaigns(db, later);
  expect(await status(id)).toMatchObject({ status: "live", launched_at: later.toISOString() });
});

test("a draft sent back carries the reviewer's message, emailed to the owner", async () => {
  const { db } = database();
  const owner = await createUser(db, { email: "porteuse@example.org" });
  const id = await createDraft(db, owner, input(), now);
  await submitForReview(db, await byOwner(id), now);
  await sendBackToDraft(db, byAdmin(id), "Ajoutez une photo.", now);
  expect(await status(id)).toMatchObject({ status: "draft", review_message: "Ajoutez une photo." });
  const email = await db
    .selectFrom("email_outbox")
    .select(["kind", "to_email", "props"])
    .where("campaign_id", "=", id)
    .executeTakeFirstOrThrow();
  expect(email).toMatchObject({ kind: "review_feedback", to_email: "porteuse@example.org" });
  expect(JSON.parse(email.props)).toMatchObject({
    message: "Ajoutez une photo.",
    editUrl: `/manage/campaigns/${id}`,
  });
});

test("the owner is emailed when approved, now or for later; approvals, send-backs and cancellations reach the audit log", async () => {
  const { db } = database();
  const owner = await createUser(db, { email: "approuvee@example.org" });
  const now_ = await createDraft(db, owner, input(), now);
  await submitForReview(db, await byOwner(now_), now);
  await approveCampaign(db, byAdmin(now_), null, now);
  const later = await createDraft(db, owner, input(), now);
  await submitForReview(db, await byOwner(later), now);
  await approveCampaign(db, byAdmin(later), new Date("2026-12-10T08:30:00.000Z"), now);
  const back = await createDraft(db, owner, input(), now);
  await submitForReview(db, await byOwner(back), now);
  await sendBackToDraft(db, byAdmin(back), "Ajoutez une photo.", now);
  await cancelCampaign(db, byAdmin(now_), now);

  const emails = await db
    .selectFrom("email_outbox")
    .select(["campaign_id", "kind", "to_email", "props"])
    .where("kind", "=", "campaign_approved")
    .where("campaign_id", "in", [now_, later])
    .execute();
  expect(emails).toHaveLength(2);
  const launchText = (id: string) =>
    (JSON.parse(emails.find((e) => e.campaign_id === id)!.props) as { launchText: string | null }).launchText;
  expect(emails.every((e) => e.to_email === "approuvee@example.org")).toBe(true);
  expect(launchText(now_)).toBeNull();
  // The owner's language, the campaign's zone: 8:30 UTC is 9:30 in Paris.
  expect(launchText(later)).toBe("jeudi 10 décembre 2026 à 09:30, heure de Paris");

  const log = await db
    .selectFrom("audit_log")
    .select(["campaign_id", "action", "actor_email", "details"])
    .where("campaign_id", "in", [now_, later, back])
    .orderBy("created_at")
    .execute();
  const entries = log.map((e) => [e.campaign_id, e.action, e.actor_email, JSON.parse(e.details)]);
  expect(entries).toEqual(
    expect.arrayContaining([
      [now_, "campaign.approve", adminActor.email, {}],
      [later, "campaign.approve", adminActor.email, { launchAt: "2026-12-10T08:30:00.000Z" }],
      [back, "campaign.send_back", adminActor.email, { message: "Ajoutez une photo." }],
      [now_, "campaign.cancel", adminActor.email, { released: 0, toRefund: 0 }],
    ]),
  );
  expect(entries).toHaveLength(4);
});

test("after launch the goal, currency, funding model and deadline are frozen; texts are not", async () => {
  const { db } = database();
  const id = await createDraft(db, await createUser(db), input(), now);
  await submitForReview(db, await byOwner(id), now);
  await approveCampaign(db, byAdmin(id), null, now);
  const slug = (await status(id)).slug;
  await expect(
    updateCampaign(db, await byOwner(id), input({ slug, goalAmount: 500_000 }), now),
  ).rejects.toMatchObject({
    code: "frozen_after_launch",
    field: "goal",
  });
  await expect(
    updateCampaign(db, await byOwner(id), input({ slug, durationDays: 30 }), now),
  ).rejects.toMatchObject({
    field: "durationDays",
  });
  await updateCampaign(db, await byOwner(id), input({ slug, title: "Un four à pain pour tous" }), now);
  expect(await status(id)).toMatchObject({ title: "Un four à pain pour tous", goal_amount: 800_000 });
});

test("tiers: limits never below what is claimed, raised only after launch; a tier with pledges stays", async () => {
  const { db } = database();
  const id = await createDraft(db, await createUser(db), input(), now);
  const first = await addTier(db, await byOwner(id), tier({ title: "A", limit: 10 }), now);
  const second = await addTier(db, await byOwner(id), tier({ title: "B" }), now);
  await moveTier(db, { ...(await byOwner(id)), tierId: second }, "up");
  const order = await db
    .selectFrom("reward_tiers")
    .select("title")
    .where("campaign_id", "=", id)
    .orderBy("position")
    .execute();
  expect(order.map((t) => t.title)).toEqual(["B", "A"]);
  await submitForReview(db, await byOwner(id), now);
  await approveCampaign(db, byAdmin(id), null, now);
  await db.updateTable("reward_tiers").set({ claimed_count: 4 }).where("id", "=", first).execute();
  await expect(
    updateTier(db, { ...(await byOwner(id)), tierId: first }, tier({ title: "A", limit: 3 })),
  ).rejects.toMatchObject({
    code: "limit_below_claimed",
  });
  await expect(
    updateTier(db, { ...(await byOwner(id)), tierId: first }, tier({ title: "A", limit: 8 })),
  ).rejects.toMatchObject({
    code: "limit_lowered",
  });
  await expect(
    updateTier(
      db,
      { ...(await byOwner(id)), tierId: first },
      tier({ title: "A", limit: 10, minAmount: 2_000 }),
    ),
  ).rejects.toMatchObject({ code: "frozen_after_launch" });
  await updateTier(db, { ...(await byOwner(id)), tierId: first }, tier({ title: "A+", limit: 15 }));
  await addTier(db, await byOwner(id), tier({ title: "C, added after launch" }), now);
  await createPledge(db, id, { tier_id: first });
  await expect(removeTier(db, { ...(await byOwner(id)), tierId: first })).rejects.toMatchObject({
    code: "tier_has_pledges",
  });
  await removeTier(db, { ...(await byOwner(id)), tierId: second });
  const left = await db
    .selectFrom("reward_tiers")
    .select(["title", "stock_limit"])
    .where("campaign_id", "=", id)
    .orderBy("position")
    .execute();
  expect(left).toEqual([
    { title: "A+", stock_limit: 15 },
    { title: "C, added after launch", stock_limit: null },
  ]);
});

test("an update is shown on the page when public and emailed to each backer once", async () => {
  const { db } = database();
  const id = await createDraft(db, await createUser(db), input({ slug: "updates-test" }), now);
  await submitForReview(db, await byOwner(id), now);
  await approveCampaign(db, byAdmin(id), null, now);
  await createPledge(db, id, { backer_email: "a@example.org", status: "committed" });
  await createPledge(db, id, { backer_email: "a@example.org", status: "committed" });
  await createPledge(db, id, { backer_email: "b@example.org", status: "committed" });
  await postUpdate(
    db,
    await byOwner(id),
    {
      title: "Les travaux commencent",
      body: "Lundi, les **maçons** arrivent dans la cour.",
      visibility: "public",
    },
    now,
    { siteUrl },
  );
  await postUpdate(
    db,
    await byOwner(id),
    {
      title: "Pour vous seulement",
      body: "Un secret pour les contributeurs et contributrices.",
      visibility: "backers",
    },
    now,
    { siteUrl },
  );
  const emails = await db
    .selectFrom("email_outbox")
    .select("to_email")
    .where("campaign_id", "=", id)
    .where("kind", "=", "update_posted")
    .execute();
  expect(emails.map((e) => e.to_email).sort()).toEqual([
    "a@example.org",
    "a@example.org",
    "b@example.org",
    "b@example.org",
  ]);
  const page = await getCampaignPage(db, { siteUrl, slug: "updates-test", locale: "fr", now });
  expect(page?.updates.map((u) => u.title)).toEqual(["Les travaux commencent"]);
  const asBacker = await getCampaignPage(db, {
    siteUrl,
    slug: "updates-test",
    locale: "fr",
    now,
    viewerEmail: "b@example.org",
  });
  expect(asBacker?.updates.map((u) => u.title).sort()).toEqual([
    "Les travaux commencent",
    "Pour vous seulement",
  ]);
  const asStranger = await getCampaignPage(db, {
    siteUrl,
    slug: "updates-test",
    locale: "fr",
    now,
    viewerEmail: "x@example.org",
  });
  expect(asStranger?.updates.map((u) => u.title)).toEqual(["Les travaux commencent"]);
  expect(page?.updates[0]?.html).toContain("<strong>maçons</strong>");
});

test("bad input in the editor shows each field's error and saves nothing", async () => {
  const context = testContext(database());
  const { id: ownerId, cookie, csrf } = await signedInAs(context, "editor-owner@example.org");
  const campaignId = await createDraft(database().db, ownerId, input({ slug: "bad-input" }), now);
  const post = (form: Record<string, string>) =>
    callRoute<{ errors: Record<string, string> }>(manageAction, {
      url: `http://localhost/manage/campaigns/${campaignId}`,
      params: { id: campaignId },
      context,
      form: { ...form, csrf },
      headers: { Cookie: cookie },
    });
  const details = await post({
    intent: "details",
    title: "A",
    slug: "Pas Bien",
    tagline: "ok ok",
    story: "court",
    goal: "beaucoup",
    currency: "EURO",
    fundingModel: "maybe",
    durationDays: "90",
    timeZone: "Mars/Base",
  });
  expect(details.status).toBe(400);
  expect(details.data?.errors).toEqual({
    title: "editor.error.title",
    slug: "editor.error.slug",
    story: "editor.error.story",
    currency: "editor.error.currency",
    fundingModel: "editor.error.fundingModel",
    durationDays: "editor.error.duration",
    timeZone: "editor.error.timeZone",
    goal: "editor.error.goal",
  });
  const tierAnswer = await post({
    intent: "add-tier",
    title: "",
    minimum: "-3",
    limit: "0",
    delivery: "mars",
  });
  expect(tierAnswer.data?.errors).toEqual({
    title: "editor.error.tierTitle",
    limit: "editor.error.limit",
    delivery: "editor.error.delivery",
    minimum: "money.error.negative",
  });
  expect(await status(campaignId)).toMatchObject({ title: "Un four à pain", slug: "bad-input" });
  const tiers = await database()
    .db.selectFrom("reward_tiers")
    .select("id")
    .where("campaign_id", "=", campaignId)
    .execute();
  expect(tiers).toEqual([]);
  // A goal, a reward's minimum or a stretch goal typed "15.000" or "1,500" is never read as
  // fifteen thousand or one and a half by a guess: both readings are asked about.
  const ambiguousGoal = await post({
    intent: "details",
    title: "Un four à pain",
    slug: "bad-input",
    tagline: "Pour le quartier",
    story: "Nous voulons construire un four à pain partagé dans la cour.",
    goal: "15.000",
    currency: "EUR",
    fundingModel: "all_or_nothing",
    durationDays: "20",
    timeZone: "Europe/Paris",
  });
  expect(ambiguousGoal.status).toBe(400);
  expect(ambiguousGoal.data?.errors).toEqual({ goal: "money.error.ambiguous" });
  const ambiguousTier = await post({ intent: "add-tier", title: "Un pain", minimum: "1,500" });
  expect(ambiguousTier.data?.errors).toEqual({ minimum: "money.error.ambiguous" });
  const ambiguousStretch = await post({ intent: "add-stretch", title: "Un four", target: "20.000" });
  expect(ambiguousStretch.data?.errors).toEqual({ target: "money.error.ambiguous" });
  expect(await status(campaignId)).toMatchObject({ goal_amount: 800_000 });
});

test("a change without the person's anti-forgery token is refused and saves nothing", async () => {
  const context = testContext(database());
  const { id: ownerId, cookie, csrf: token } = await signedInAs(context, "csrf-owner@example.org");
  const campaignId = await createDraft(database().db, ownerId, input({ slug: "csrf-test" }), now);
  const attempt = (csrf?: string) =>
    callRoute(manageAction, {
      url: `http://localhost/manage/campaigns/${campaignId}`,
      params: { id: campaignId },
      context,
      form: { intent: "submit", ...(csrf === undefined ? {} : { csrf }) },
      headers: { Cookie: cookie },
    });
  expect((await attempt()).status).toBe(403);
  expect((await attempt("forged-forged-forged-forged-forg")).status).toBe(403);
  expect((await status(campaignId)).status).toBe("draft");
  // The old token, an HMAC of the user's id, is a forgery now: tokens belong to sessions.
  expect((await attempt(csrfToken(context.config.SESSION_SECRET, ownerId))).status).toBe(403);
  expect((await attempt(token)).status).toBe(302);
  expect((await status(campaignId)).status).toBe("in_review");
});

test("an admin's cancellation releases saved cards, expires open checkouts and leaves collected pledges to refund", async () => {
  const { db } = database();
  const id = await createDraft(db, await createUser(db), input(), now);
  await submitForReview(db, await byOwner(id), now);
  await approveCampaign(db, byAdmin(id), null, now);
  const committed = await createPledge(db, id, { status: "committed", amount: 3_000 });
  const pending = await createPledge(db, id, { status: "pending", amount: 1_000 });
  await createPledge(db, id, { status: "collected", amount: 2_000 });
  await db
    .updateTable("campaigns")
    .set({ pledged_amount: 5_000, backer_count: 2 })
    .where("id", "=", id)
    .execute();
  expect(await cancelCampaign(db, byAdmin(id), now)).toEqual({ released: 1, toRefund: 1 });
  const statuses = await db
    .selectFrom("pledges")
    .select(["id", "status"])
    .where("campaign_id", "=", id)
    .execute();
  const byId = Object.fromEntries(statuses.map((p) => [p.id, p.status]));
  expect([byId[committed], byId[pending]]).toEqual(["canceled", "expired"]);
  expect(await status(id)).toMatchObject({
    status: "canceled",
    final_pledged_amount: 5_000,
    pledged_amount: 2_000,
  });
  await expect(cancelCampaign(db, byAdmin(id), now)).rejects.toMatchObject({ code: "closed" });
});

test("with an end date the campaign ends at the end of that local day, 1 to 60 days after launch", async () => {
  const { db } = database();
  const id = await createDraft(db, await createUser(db), input({ endDate: "2026-12-24" }), now);
  await submitForReview(db, await byOwner(id), now);
  await approveCampaign(db, byAdmin(id), null, now);
  expect(await status(id)).toMatchObject({ deadline_at: "2026-12-24T22:59:59.999Z", duration_days: 24 });
  const tooFar = await createDraft(db, await createUser(db), input({ endDate: "2027-03-01" }), now);
  await submitForReview(db, await byOwner(tooFar), now);
  await expect(approveCampaign(db, byAdmin(tooFar), null, now)).rejects.toMatchObject({
    code: "bad_end_date",
    field: "endDate",
  });
  expect((await status(tooFar)).status).toBe("in_review");
});

test("stretch goals are added, edited, reordered and removed", async () => {
  const { db } = database();
  const id = await createDraft(db, await createUser(db), input(), now);
  const first = await addStretchGoal(db, await byOwner(id), { title: "Un banc", target: 900_000 });
  const second = await addStretchGoal(db, await byOwner(id), { title: "Une serre", target: 1_200_000 });
  await updateStretchGoal(
    db,
    { ...(await byOwner(id)), goalId: first },
    { title: "Deux bancs", target: 950_000 },
  );
  await moveStretchGoal(db, { ...(await byOwner(id)), goalId: second }, "up");
  const order = async () =>
    (
      await db
        .selectFrom("stretch_goals")
        .select(["title", "target_amount"])
        .where("campaign_id", "=", id)
        .orderBy("position")
        .execute()
    ).map((g) => `${g.title}:${g.target_amount}`);
  expect(await order()).toEqual(["Une serre:1200000", "Deux bancs:950000"]);
  await removeStretchGoal(db, { ...(await byOwner(id)), goalId: second });
  expect(await order()).toEqual(["Deux bancs:950000"]);
});

test("a stretch goal may come with a description, kept when it is edited", async () => {
  const { db } = database();
  const id = await createDraft(db, await createUser(db), input(), now);
  const described = await addStretchGoal(db, await byOwner(id), {
    title: "Une serre",
    target: 1_200_000,
    description: "Pour les semis de printemps.",
  });
  const bare = await addStretchGoal(db, await byOwner(id), { title: "Un banc", target: 900_000 });
  await updateStretchGoal(
    db,
    { ...(await byOwner(id)), goalId: described },
    { title: "Une grande serre", target: 1_300_000 },
  );
  const goals = await db
    .selectFrom("stretch_goals")
    .select(["id", "title", "description"])
    .where("campaign_id", "=", id)
    .execute();
  expect(goals.find((g) => g.id === described)).toMatchObject({
    title: "Une grande serre",
    description: "Pour les semis de printemps.",
  });
  expect(goals.find((g) => g.id === bare)?.description).toBe("");
});

test("each command checks the campaign is the actor's, and the tier or goal named is the campaign's", async () => {
  const { db } = database();
  const owner = await createUser(db);
  const id = await createDraft(db, owner, input(), now);
  const other = await createDraft(db, await createUser(db), input(), now);
  const theirTier = await addTier(db, await byOwner(other), tier(), now);
  const theirGoal = await addStretchGoal(db, await byOwner(other), { title: "Un banc", target: 900_000 });
  const stranger = { campaignId: id, actor: ownerActor(await createUser(db)) };
  await expect(addTier(db, stranger, tier(), now)).rejects.toMatchObject({ code: "forbidden", status: 403 });
  await expect(submitForReview(db, stranger, now)).rejects.toMatchObject({ code: "forbidden" });
  const mine = { campaignId: id, actor: ownerActor(owner) };
  // Reviewing is the admins' alone, even for the owner.
  await submitForReview(db, mine, now);
  await expect(approveCampaign(db, mine, null, now)).rejects.toMatchObject({ code: "forbidden" });
  await expect(updateTier(db, { ...mine, tierId: theirTier }, tier({ title: "Volé" }))).rejects.toMatchObject(
    {
      code: "tier_not_found",
      status: 404,
    },
  );
  await expect(removeStretchGoal(db, { ...mine, goalId: theirGoal })).rejects.toMatchObject({
    code: "goal_not_found",
  });
  expect(await db.selectFrom("reward_tiers").select("title").where("id", "=", theirTier).execute()).toEqual([
    { title: "Une miche" },
  ]);
  expect(
    await db.selectFrom("stretch_goals").select("id").where("id", "=", theirGoal).execute(),
  ).toHaveLength(1);
  expect((await status(id)).status).toBe("in_review");
});

test("the editor's forms naming another campaign's tier or stretch goal get a 404 and change nothing", async () => {
  const context = testContext(database());
  const { id: ownerId, cookie, csrf } = await signedInAs(context, "tier-owner@example.org");
  const campaignId = await createDraft(database().db, ownerId, input(), now);
  const other = await createDraft(database().db, await createUser(database().db), input(), now);
  const theirTier = await addTier(database().db, await byOwner(other), tier(), now);
  const theirGoal = await addStretchGoal(database().db, await byOwner(other), {
    title: "Un banc",
    target: 900_000,
  });
  const post = (form: Record<string, string>) =>
    callRoute(manageAction, {
      url: `http://localhost/manage/campaigns/${campaignId}`,
      params: { id: campaignId },
      context,
      form: { ...form, csrf },
      headers: { Cookie: cookie },
    });
  expect(
    (await post({ intent: "update-tier", tierId: theirTier, title: "Volé", minimum: "20" })).status,
  ).toBe(404);
  expect((await post({ intent: "remove-tier", tierId: theirTier })).status).toBe(404);
  expect((await post({ intent: "remove-stretch", goalId: theirGoal })).status).toBe(404);
  const tiers = await database()
    .db.selectFrom("reward_tiers")
    .select("title")
    .where("id", "=", theirTier)
    .execute();
  expect(tiers).toEqual([{ title: "Une miche" }]);
  const goals = await database()
    .db.selectFrom("stretch_goals")
    .select("id")
    .where("id", "=", theirGoal)
    .execute();
  expect(goals).toHaveLength(1);
});
