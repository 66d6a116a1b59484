// Shipping by zone (docs/decisions/036): the owner gives a postal reward's cost to France, the EU and
// the world; the pledge is charged its amount plus its zone's shipping, refused where the reward is
// not sent; a new zone recomputes the shipping until the charge, and the totals stay their rows.
import { randomUUID } from "node:crypto";
import { beforeAll, expect, test } from "vitest";
import { changePledge, collectPledge, commitPledge, startPledge } from "~/pledges/pledges.server";
import { changeDelivery } from "~/pledges/delivery.server";
import { action } from "~/routes/campaigns.$slug_.pledge";
import { action as pledgePageAction } from "~/routes/pledges.$id";
import { pledgeToken } from "~/auth/pledge-link.server";
import { handleEditorIntent } from "~/campaigns/editor-intents.server";
import type { PledgeDelivery } from "~/pledges/pledge-form";
import { testContext } from "../support/context";
import { createCampaign, createTier, createUser, ownerActor, pledgeRequest } from "../support/factories";
import { callRoute } from "../support/routes";
import { useTestDatabase } from "../support/database";
import { invariantViolations } from "../support/invariants";

const database = useTestDatabase();
const now = new Date("2026-11-30T12:00:00.000Z");
let campaignId = "";
let ownerId = "";
/** 40 € the reward; 5 € to France, 9 € to the EU, not sent elsewhere. */
let totTier = "";
/** 60 € the reward; 8 € to France, 12 € in the EU, 20 € to the world. */
let posterTier = "";
let pickupTier = "";

beforeAll(async () => {
  const { db } = database();
  ownerId = await createUser(db, { email: "owner@example.org" });
  campaignId = await createCampaign(db, { slug: "port-compris", owner_id: ownerId });
  totTier = await createTier(db, campaignId, {
    title: "Sac",
    min_amount: 4_000,
    shipping_required: 1,
    shipping_fr: 500,
    shipping_eu: 900,
    shipping_world: null,
  });
  posterTier = await createTier(db, campaignId, {
    title: "Affiche",
    position: 1,
    min_amount: 6_000,
    shipping_required: 1,
    shipping_fr: 800,
    shipping_eu: 1_200,
    shipping_world: 2_000,
  });
  pickupTier = await createTier(db, campaignId, {
    title: "Tasse",
    position: 2,
    min_amount: 2_000,
    shipping_required: 1,
    pickup_place: "L'atelier",
    shipping_fr: 400,
    shipping_eu: null,
    shipping_world: null,
  });
});

const to = (country: string, line1 = "12 rue de la République"): PledgeDelivery => ({
  method: "post",
  name: "Camille Dupont",
  line1,
  line2: null,
  postalCode: country === "FR" ? "69002" : "10115",
  city: country === "FR" ? "Lyon" : "Berlin",
  country,
});

async function committed(tierId: string, amount: number, delivery: PledgeDelivery | { method: "pickup" }) {
  const { db } = database();
  const started = await startPledge(db, pledgeRequest(campaignId, amount, { tierId, delivery }), now);
  expect(await commitPledge(db, started.id, {}, now)).toBe("committed");
  return started;
}

const row = (id: string) =>
  database().db.selectFrom("pledges").selectAll().where("id", "=", id).executeTakeFirstOrThrow();

const totals = () =>
  database()
    .db.selectFrom("campaigns")
    .select(["pledged_amount", "backer_count"])
    .where("id", "=", campaignId)
    .executeTakeFirstOrThrow();

function post(form: Record<string, string>) {
  return callRoute<{ errors: Record<string, string>; values: Record<string, unknown> }>(action, {
    url: "http://localhost:3000/campaigns/port-compris/pledge",
    params: { slug: "port-compris" },
    context: testContext(database(), { clock: () => now }),
    form,
    headers: { "Accept-Language": "fr" },
  });
}

const form = (values: Record<string, string>) => ({
  tierId: totTier,
  amount: "40",
  name: "Camille Dupont",
  email: "camille@example.org",
  comment: "",
  consent: "on",
  submissionKey: randomUUID(),
  delivery: "post",
  shipName: "Camille Dupont",
  shipLine1: "12 rue de la République",
  shipLine2: "",
  shipPostalCode: "69002",
  shipCity: "Lyon",
  shipCountry: "FR",
  ...values,
});

test("the pledge is charged its amount and its zone's shipping", async () => {
  const france = await startPledge(
    database().db,
    pledgeRequest(campaignId, 4_500, { tierId: totTier, delivery: to("FR") }),
    now,
  );
  expect(france).toMatchObject({ amount: 5_000, shipping_amount: 500 });
  const monaco = await startPledge(
    database().db,
    pledgeRequest(campaignId, 4_000, { tierId: totTier, delivery: to("MC") }),
    now,
  );
  expect(monaco).toMatchObject({ amount: 4_500, shipping_amount: 500 });
  const germany = await startPledge(
    database().db,
    pledgeRequest(campaignId, 4_000, { tierId: totTier, delivery: to("DE") }),
    now,
  );
  expect(germany).toMatchObject({ amount: 4_900, shipping_amount: 900 });
  // Picked up, or no reward: no shipping.
  const pickedUp = await startPledge(
    database().db,
    pledgeRequest(campaignId, 2_000, { tierId: pickupTier, delivery: { method: "pickup" } }),
    now,
  );
  expect(pickedUp).toMatchObject({ amount: 2_000, shipping_amount: 0 });
  const none = await startPledge(database().db, pledgeRequest(campaignId, 1_500), now);
  expect(none).toMatchObject({ amount: 1_500, shipping_amount: 0 });

  // Through the form: the pledge is made, and its checkout is for the amount with the shipping.
  const typed = form({ shipCountry: "DE", shipPostalCode: "10115", shipCity: "Berlin" });
  expect((await post(typed)).status).toBe(302);
  const made = await database()
    .db.selectFrom("pledges")
    .select(["amount", "shipping_amount", "ship_country"])
    .where("submission_key", "=", typed.submissionKey)
    .executeTakeFirstOrThrow();
  expect(made).toEqual({ amount: 4_900, shipping_amount: 900, ship_country: "DE" });
});

test("a country the reward is not sent to is refused at the country, with what was typed kept", async () => {
  const typed = form({ shipCountry: "US", shipPostalCode: "10001", shipCity: "New York" });
  const answer = await post(typed);
  expect(answer.status).toBe(400);
  expect(answer.data?.errors).toEqual({ shipCountry: "pledge.error.shipZoneUnavailable" });
  expect(answer.data?.values).toMatchObject({ shipCountry: "US", shipCity: "New York", amount: "40" });
  // The overseas departments are "the world" (decision 036): not sent there either.
  const reunion = await post(form({ shipCountry: "RE", shipPostalCode: "97400", shipCity: "Saint-Denis" }));
  expect(reunion.data?.errors).toEqual({ shipCountry: "pledge.error.shipZoneUnavailable" });
  // The domain refuses it too, whatever the form checked.
  await expect(
    startPledge(
      database().db,
      pledgeRequest(campaignId, 4_000, { tierId: totTier, delivery: to("US") }),
      now,
    ),
  ).rejects.toMatchObject({ code: "zone_not_shipped" });
});

test("before the charge a new zone recomputes the shipping, and the totals follow", async () => {
  const pledge = await committed(totTier, 4_000, to("FR"));
  const before = await totals();
  await changeDelivery(database().db, pledge.id, to("DE"), now);
  expect(await row(pledge.id)).toMatchObject({ amount: 4_900, shipping_amount: 900, ship_country: "DE" });
  expect((await totals()).pledged_amount).toBe(before.pledged_amount + 400);
  // Back to France, then to a zone not served: refused, nothing changed.
  await changeDelivery(database().db, pledge.id, to("FR"), now);
  expect((await row(pledge.id)).amount).toBe(4_500);
  await expect(changeDelivery(database().db, pledge.id, to("US"), now)).rejects.toMatchObject({
    code: "zone_not_shipped",
  });
  expect(await row(pledge.id)).toMatchObject({ amount: 4_500, ship_country: "FR" });
  expect((await totals()).pledged_amount).toBe(before.pledged_amount);

  // On the pledge page: the error is at the country.
  const context = testContext(database(), { clock: () => now });
  const token = pledgeToken(context.config.SESSION_SECRET, pledge.id);
  const refused = await callRoute<{ addressErrors?: Record<string, string> }>(pledgePageAction, {
    url: `http://localhost:3000/pledges/${pledge.id}?token=${token}`,
    params: { id: pledge.id },
    context,
    form: {
      intent: "address",
      delivery: "post",
      shipName: "Camille",
      shipLine1: "1 Main Street",
      shipLine2: "",
      shipPostalCode: "10001",
      shipCity: "New York",
      shipCountry: "US",
    },
  });
  expect(refused.status).toBe(400);
  expect(refused.data?.addressErrors).toEqual({ shipCountry: "pledge.error.shipZoneUnavailable" });
  expect(await invariantViolations(database().db)).toEqual([]);
});

test("after the charge the address may change within its zone, not to another", async () => {
  const pledge = await committed(totTier, 4_000, to("FR"));
  expect(await collectPledge(database().db, pledge.id, { paymentIntentId: `sim_pi_${pledge.id}` }, now)).toBe(
    "collected",
  );
  await expect(changeDelivery(database().db, pledge.id, to("DE"), now)).rejects.toMatchObject({
    code: "shipping_zone_locked",
  });
  await changeDelivery(database().db, pledge.id, to("MC", "3 avenue de la Costa"), now);
  expect(await row(pledge.id)).toMatchObject({
    amount: 4_500,
    shipping_amount: 500,
    ship_country: "MC",
    ship_line1: "3 avenue de la Costa",
  });
  // A checkout under way holds its amount: no new zone either.
  const pending = await startPledge(
    database().db,
    pledgeRequest(campaignId, 4_000, { tierId: totTier, delivery: to("FR") }),
    now,
  );
  await expect(changeDelivery(database().db, pending.id, to("DE"), now)).rejects.toMatchObject({
    code: "shipping_zone_locked",
  });
  expect(await invariantViolations(database().db)).toEqual([]);
});

test("another reward on a saved card takes that reward's shipping to the same address", async () => {
  const pledge = await committed(totTier, 4_000, to("DE"));
  const before = await totals();
  const changed = await changePledge(database().db, pledge.id, { tierId: posterTier, amount: 6_000 }, now);
  expect(changed).toMatchObject({ amount: 7_200, shipping_amount: 1_200, tier_id: posterTier });
  expect((await totals()).pledged_amount).toBe(before.pledged_amount + 7_200 - 4_900);
  // The pick-up reward is not sent to Germany.
  await expect(
    changePledge(database().db, pledge.id, { tierId: pickupTier, amount: 2_000 }, now),
  ).rejects.toMatchObject({ code: "zone_not_shipped" });
  expect(await invariantViolations(database().db)).toEqual([]);
});

test("the owner gives each zone's cost like the reward's amount; once launched a cost stays", async () => {
  const { db } = database();
  const draft = await createCampaign(db, { slug: "brouillon-port", owner_id: ownerId, status: "draft" });
  const editor = (campaign: string, values: Record<string, string>) =>
    handleEditorIntent(
      db,
      {
        campaign: { id: campaign, currency: "EUR" },
        actor: ownerActor(ownerId),
        values: {
          intent: "add-tier",
          title: "Carte",
          description: "",
          minimum: "25",
          limit: "",
          delivery: "",
          shipping: "on",
          ...values,
        },
        locale: "fr",
        siteUrl: "http://localhost:3000",
      },
      now,
    );
  expect(await editor(draft, { shippingFr: "-2", shippingEu: "abc" })).toEqual({
    kind: "invalid",
    errors: { shippingFr: "money.error.negative", shippingEu: "editor.error.shippingCost" },
    status: 400,
  });
  // A postal reward is sent somewhere, or picked up.
  expect(await editor(draft, {})).toEqual({
    kind: "invalid",
    errors: { shippingFr: "editor.error.shippingNoZone" },
    status: 400,
  });
  expect(await editor(draft, { shippingFr: "5,50", shippingEu: "0", shippingWorld: "" })).toEqual({
    kind: "done",
    notice: "saved",
  });
  // Not sent by post: no shipping kept, whatever was typed.
  expect(await editor(draft, { title: "Merci", shipping: "", shippingFr: "3" })).toMatchObject({
    kind: "done",
  });
  const tiers = await db
    .selectFrom("reward_tiers")
    .select(["title", "shipping_fr", "shipping_eu", "shipping_world"])
    .where("campaign_id", "=", draft)
    .orderBy("title")
    .execute();
  expect(tiers).toEqual([
    { title: "Carte", shipping_fr: 550, shipping_eu: 0, shipping_world: null },
    { title: "Merci", shipping_fr: null, shipping_eu: null, shipping_world: null },
  ]);

  // Launched (the live campaign): a cost stays; a zone not yet served may open.
  const update = (values: Record<string, string>) =>
    editor(campaignId, {
      intent: "update-tier",
      tierId: totTier,
      title: "Sac",
      minimum: "40",
      shippingFr: "5",
      shippingEu: "9",
      shippingWorld: "",
      ...values,
    });
  expect(await update({ shippingFr: "6" })).toEqual({
    kind: "invalid",
    errors: { shippingFr: "editor.error.frozen" },
    status: 409,
  });
  expect(await update({ shippingEu: "" })).toMatchObject({ errors: { shippingEu: "editor.error.frozen" } });
  expect(await update({ shippingWorld: "15" })).toEqual({ kind: "done", notice: "saved" });
  expect(
    await db.selectFrom("reward_tiers").select("shipping_world").where("id", "=", totTier).executeTakeFirst(),
  ).toEqual({ shipping_world: 1_500 });
});
