// What the campaign pages answer when a campaign command refuses, through their real actions: the
// status, the words on the field they concern (or above the form), and what was typed, kept.
import { randomUUID } from "node:crypto";
import type { AppLoadContext } from "@remix-run/node";
import { beforeAll, expect, test } from "vitest";
import type { CampaignInput } from "~/campaigns/campaign-form";
import { addTier, createDraft } from "~/campaigns/authoring.server";
import { approveCampaign, submitForReview } from "~/campaigns/lifecycle.server";
import { loadConfig } from "~/lib/config.server";
import { action as followUpAction } from "~/routes/admin.campaigns.$id";
import { action as manageAction } from "~/routes/manage.campaigns.$id";
import { action as newAction } from "~/routes/campaigns.new";
import { testContext } from "../support/context";
import { adminActor, createCampaign, createPledge, ownerActor } from "../support/factories";
import { collectedPledge } from "../support/ledger";
import { callRoute } from "../support/routes";
import { signedInAs } from "../support/users";
import { useTestDatabase } from "../support/database";

const database = useTestDatabase();
const now = new Date("2026-12-01T10:00:00.000Z");
let context: AppLoadContext;
let admin: { id: string; cookie: string; csrf: string };

beforeAll(async () => {
  context = testContext(database(), {
    config: loadConfig({
      SESSION_SECRET: "campaign-refusals-".padEnd(40, "x"),
      PUBLIC_URL: "http://localhost:3000",
      ADMIN_EMAILS: "refusals-admin@example.org",
    }),
    clock: () => now,
  });
  admin = await signedInAs(context, "refusals-admin@example.org");
});

const input = (values: Partial<CampaignInput> = {}): CampaignInput => ({
  title: "Une grainothèque",
  slug: `graines-${randomUUID().slice(0, 6)}`,
  tagline: "Des semences pour tous",
  story: "Une armoire de graines libres à la bibliothèque du quartier.",
  goal: "1500",
  goalAmount: 150_000,
  currency: "EUR",
  fundingModel: "all_or_nothing",
  durationDays: 20,
  timeZone: "Europe/Paris",
  endDate: "",
  ...values,
});

/** The details form as the page sends it. */
const detailsForm = (values: CampaignInput) => ({
  title: values.title,
  slug: values.slug,
  tagline: values.tagline,
  story: values.story,
  goal: values.goal,
  currency: values.currency,
  fundingModel: values.fundingModel,
  durationDays: String(values.durationDays),
  timeZone: values.timeZone,
  endDate: values.endDate,
});

type EditorAnswer = {
  intent: string;
  target: string | null;
  errors: Record<string, string>;
  values: Record<string, string>;
};

async function owner() {
  return signedInAs(context, `owner-${randomUUID().slice(0, 8)}@example.org`);
}

function edit(campaignId: string, person: { cookie: string; csrf: string }, form: Record<string, string>) {
  return callRoute<EditorAnswer>(manageAction, {
    url: `http://localhost/manage/campaigns/${campaignId}`,
    params: { id: campaignId },
    context,
    form: { ...form, csrf: person.csrf },
    headers: { Cookie: person.cookie },
  });
}

function followUp(campaignId: string, form: Record<string, string>) {
  return callRoute<{ pledgeId: string | null; error: string; values?: Record<string, string> }>(
    followUpAction,
    {
      url: `http://localhost/admin/campaigns/${campaignId}`,
      params: { id: campaignId },
      context,
      form: { ...form, csrf: admin.csrf },
      headers: { Cookie: admin.cookie },
    },
  );
}

test("a new campaign at an address already taken is refused on its address, with what was typed kept", async () => {
  const person = await owner();
  const taken = input();
  await createDraft(context.db, person.id, taken, now);
  const typed = detailsForm(input({ slug: taken.slug, title: "Une autre grainothèque" }));
  const answer = await callRoute<{ errors: Record<string, string>; values: Record<string, string> }>(
    newAction,
    {
      url: "http://localhost/campaigns/new",
      context,
      form: { ...typed, csrf: person.csrf },
      headers: { Cookie: person.cookie },
    },
  );
  expect(answer.status).toBe(409);
  expect(answer.data?.errors).toEqual({ slug: "editor.error.slugTaken" });
  expect(answer.data?.values).toMatchObject({ slug: taken.slug, title: "Une autre grainothèque" });
});

test("the editor's refusals: a taken address, a frozen goal, a tier with pledges, a second submission, an update too early", async () => {
  const person = await owner();
  const other = input();
  await createDraft(context.db, person.id, other, now);
  const mine = input();
  const id = await createDraft(context.db, person.id, mine, now);

  const taken = await edit(id, person, { intent: "details", ...detailsForm({ ...mine, slug: other.slug }) });
  expect(taken).toMatchObject({
    status: 409,
    data: { intent: "details", errors: { slug: "editor.error.slugTaken" } },
  });
  expect(taken.data?.values).toMatchObject({ slug: other.slug, title: mine.title });

  const early = await edit(id, person, {
    intent: "post-update",
    title: "Des nouvelles",
    body: "La première armoire est commandée, merci à tous.",
    visibility: "public",
  });
  expect(early).toMatchObject({ status: 409, data: { errors: { form: "editor.error.state" } } });

  expect((await edit(id, person, { intent: "submit" })).status).toBe(302);
  const again = await edit(id, person, { intent: "submit" });
  expect(again).toMatchObject({ status: 409, data: { errors: { form: "editor.error.state" } } });

  const target = { campaignId: id, actor: ownerActor(person.id) };
  const tierId = await addTier(
    context.db,
    target,
    { title: "Un sachet", description: "", minAmount: 1_000, limit: 10, delivery: null, shipping: false },
    now,
  );
  await approveCampaign(context.db, { campaignId: id, actor: adminActor }, null, now);
  await createPledge(context.db, id, { tier_id: tierId });

  const goal = await edit(id, person, { intent: "details", ...detailsForm({ ...mine, goal: "3000" }) });
  expect(goal).toMatchObject({ status: 409, data: { errors: { goal: "editor.error.frozen" } } });
  expect(goal.data?.values).toMatchObject({ goal: "3000" });

  const tier = { tierId, title: "Un sachet", description: "", minimum: "10", limit: "10", delivery: "" };
  const lowered = await edit(id, person, { intent: "update-tier", ...tier, limit: "5" });
  expect(lowered).toMatchObject({
    status: 409,
    data: { target: tierId, errors: { limit: "editor.error.frozen" }, values: { limit: "5" } },
  });
  const price = await edit(id, person, { intent: "update-tier", ...tier, minimum: "12" });
  expect(price).toMatchObject({ status: 409, data: { errors: { minimum: "editor.error.frozen" } } });

  const removed = await edit(id, person, { intent: "remove-tier", tierId });
  expect(removed).toMatchObject({
    status: 409,
    data: { target: tierId, errors: { form: "editor.error.tierHasPledges" } },
  });
});

test("a cover that is not an image is refused on its field", async () => {
  const person = await owner();
  const id = await createDraft(context.db, person.id, input(), now);
  const form = new FormData();
  form.set("csrf", person.csrf);
  form.set("cover", new Blob([new TextEncoder().encode("not an image")], { type: "image/png" }), "x.png");
  const answer = await callRoute<EditorAnswer>(manageAction, {
    url: `http://localhost/manage/campaigns/${id}`,
    params: { id },
    context,
    body: form,
    headers: { Cookie: person.cookie },
  });
  expect(answer).toMatchObject({
    status: 400,
    data: { intent: "cover", target: null, errors: { cover: "editor.error.cover" }, values: {} },
  });
});

test("the review's refusals: not in review, an end date too far, a campaign already closed", async () => {
  const person = await owner();
  const id = await createDraft(context.db, person.id, input(), now);
  const draft = await followUp(id, { intent: "approve" });
  expect(draft).toMatchObject({ status: 409, data: { pledgeId: null, error: "editor.error.state" } });
  const sendBack = await followUp(id, { intent: "send-back", message: "Ajoutez une photo." });
  expect(sendBack).toMatchObject({ status: 409, data: { pledgeId: null, error: "editor.error.state" } });

  const far = await createDraft(context.db, person.id, input({ endDate: "2027-03-01" }), now);
  await submitForReview(context.db, { campaignId: far, actor: ownerActor(person.id) }, now);
  const tooFar = await followUp(far, { intent: "approve" });
  expect(tooFar).toMatchObject({ status: 409, data: { pledgeId: null, error: "editor.error.endDate" } });

  const closed = await createCampaign(context.db, { status: "succeeded" });
  const cancel = await followUp(closed, { intent: "cancel-campaign" });
  expect(cancel).toMatchObject({ status: 409, data: { pledgeId: null, error: "editor.error.state" } });
});

test("a launch later is read in the campaign's zone, whatever the server's; a moment that does not exist is refused", async () => {
  const person = await owner();
  const launchAt = async (timeZone: string, typed: string) => {
    const id = await createDraft(context.db, person.id, input({ timeZone }), now);
    await submitForReview(context.db, { campaignId: id, actor: ownerActor(person.id) }, now);
    const answer = await followUp(id, { intent: "approve", launchAt: typed });
    const row = await context.db
      .selectFrom("campaigns")
      .select(["launch_at", "status"])
      .where("id", "=", id)
      .executeTakeFirstOrThrow();
    return { answer, row };
  };
  // 9:30 in Paris in December is 8:30 UTC; in New York, 14:30 UTC.
  expect((await launchAt("Europe/Paris", "2026-12-10T09:30")).row).toEqual({
    launch_at: "2026-12-10T08:30:00.000Z",
    status: "in_review",
  });
  expect((await launchAt("America/New_York", "2026-12-10T09:30")).row.launch_at).toBe(
    "2026-12-10T14:30:00.000Z",
  );
  const impossible = await launchAt("Europe/Paris", "2026-02-30T10:00");
  expect(impossible.answer).toMatchObject({ status: 400, data: { error: "review.error.launchAt" } });
  expect(impossible.row).toEqual({ launch_at: null, status: "in_review" });
});

test("a refund's refusals on the form of its pledge: no reason, nothing collected; another campaign's pledge is not found", async () => {
  const campaign = await createCampaign(context.db, { funding_model: "flexible" });
  const pledgeId = await collectedPledge(context.db, campaign, 5_000, now);
  const noReason = await followUp(campaign, { pledgeId, amount: "10", reason: "ok" });
  expect(noReason).toMatchObject({
    status: 400,
    data: { pledgeId, error: "admin.error.reason", values: { amount: "10", reason: "ok" } },
  });
  const committed = await createPledge(context.db, campaign, { status: "committed" });
  const nothing = await followUp(campaign, { pledgeId: committed, amount: "10", reason: "Un doublon" });
  expect(nothing).toMatchObject({
    status: 409,
    data: { pledgeId: committed, error: "admin.error.notRefundable" },
  });
  const elsewhere = await createCampaign(context.db, { funding_model: "flexible" });
  const theirs = await collectedPledge(context.db, elsewhere, 5_000, now);
  const stranger = await followUp(campaign, { pledgeId: theirs, amount: "10", reason: "Pas le mien" });
  expect(stranger.status).toBe(404);
});
