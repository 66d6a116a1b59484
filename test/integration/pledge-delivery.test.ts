// Rewards sent by post: the pledge form asks where to (or, when the owner offers it, the backer picks
// it up), the server requires it at each field, the pledge keeps it, the CSV lists it, and the
// backer may change it on their pledge page until the owner locks the addresses.
import { randomUUID } from "node:crypto";
import { beforeAll, expect, test } from "vitest";
import { PledgeError } from "~/lib/errors";
import { startPledge } from "~/pledges/pledges.server";
import { changeDelivery } from "~/pledges/delivery.server";
import { backersCsv, backersCsvFormat } from "~/campaigns/dashboard.server";
import { action } from "~/routes/campaigns.$slug_.pledge";
import { action as pledgePageAction, loader as pledgePageLoader } from "~/routes/pledges.$id";
import { pledgeToken } from "~/auth/pledge-link.server";
import { testContext } from "../support/context";
import { handleEditorIntent } from "~/campaigns/editor-intents.server";
import {
  createCampaign,
  createPledge,
  createTier,
  createUser,
  ownerActor,
  pledgeRequest,
} from "../support/factories";
import { callRoute } from "../support/routes";
import { useTestDatabase } from "../support/database";

const database = useTestDatabase();
const now = new Date("2026-11-30T12:00:00.000Z");
let campaignId = "";
let postalTier = "";
let plainTier = "";
let pickupTier = "";
let ownerId = "";

beforeAll(async () => {
  const { db } = database();
  ownerId = await createUser(db, { email: "owner@example.org" });
  campaignId = await createCampaign(db, {
    slug: "atelier-poste",
    owner_id: ownerId,
    deadline_at: "2026-12-08T22:59:59.999Z",
  });
  postalTier = await createTier(db, campaignId, { title: "Sac", min_amount: 4_000, shipping_required: 1 });
  pickupTier = await createTier(db, campaignId, {
    title: "Affiche",
    position: 1,
    min_amount: 2_000,
    shipping_required: 1,
    pickup_place: "L'atelier, 3 rue des Forges",
  });
  plainTier = await createTier(db, campaignId, { title: "Merci", position: 2, min_amount: 1_000 });
});

const address = {
  delivery: "post",
  shipName: "Camille Dupont",
  shipLine1: "12 rue de la République",
  shipLine2: "Bâtiment B",
  shipPostalCode: "69002",
  shipCity: "Lyon",
  shipCountry: "FR",
};

const valid = (values: Record<string, string> = {}) => ({
  tierId: postalTier,
  amount: "40",
  name: "Camille Dupont",
  email: "camille@example.org",
  comment: "",
  consent: "on",
  submissionKey: randomUUID(),
  ...address,
  ...values,
});

async function post(form: Record<string, string>, locale = "fr") {
  return callRoute<{ errors: Record<string, string>; values: Record<string, unknown> }>(action, {
    url: "http://localhost:3000/campaigns/atelier-poste/pledge",
    params: { slug: "atelier-poste" },
    context: testContext(database(), { clock: () => now }),
    form,
    headers: { "Accept-Language": locale },
  });
}

const pledgeOf = (submissionKey: string) =>
  database()
    .db.selectFrom("pledges")
    .selectAll()
    .where("submission_key", "=", submissionKey)
    .executeTakeFirst();

test("a postal reward without an address is refused at each missing field, with what was typed kept", async () => {
  const form = valid({ shipName: "", shipLine1: "", shipPostalCode: "", shipCity: "", shipCountry: "" });
  const answer = await post(form);
  expect(answer.status).toBe(400);
  expect(answer.data?.errors).toEqual({
    shipName: "pledge.error.shipNameRequired",
    shipLine1: "pledge.error.shipLine1Required",
    shipPostalCode: "pledge.error.shipPostalCodeRequired",
    shipCity: "pledge.error.shipCityRequired",
    shipCountry: "pledge.error.shipCountryRequired",
  });
  expect(answer.data?.values).toMatchObject({
    name: "Camille Dupont",
    shipLine2: "Bâtiment B",
    amount: "40",
  });
  expect(await pledgeOf(form.submissionKey)).toBeUndefined();
});

test("a French postcode is five digits; elsewhere letters and digits", async () => {
  const wrong = await post(valid({ shipPostalCode: "6900" }));
  expect(wrong.status).toBe(400);
  expect(wrong.data?.errors).toEqual({ shipPostalCode: "pledge.error.shipPostalCodeInvalid" });
  expect(wrong.data?.values.shipPostalCode).toBe("6900");
  const unknownCountry = await post(valid({ shipCountry: "XX" }));
  expect(unknownCountry.data?.errors).toEqual({ shipCountry: "pledge.error.shipCountryRequired" });
  const british = valid({ shipPostalCode: "sw1a 1aa", shipCity: "London", shipCountry: "GB" });
  expect((await post(british)).status).toBe(302);
  expect(await pledgeOf(british.submissionKey)).toMatchObject({
    delivery_method: "post",
    ship_postal_code: "SW1A 1AA",
    ship_country: "GB",
  });
});

test("the pledge keeps the address it is sent to", async () => {
  const form = valid();
  const answer = await post(form);
  expect(answer.status).toBe(302);
  expect(await pledgeOf(form.submissionKey)).toMatchObject({
    tier_id: postalTier,
    delivery_method: "post",
    ship_name: "Camille Dupont",
    ship_line1: "12 rue de la République",
    ship_line2: "Bâtiment B",
    ship_postal_code: "69002",
    ship_city: "Lyon",
    ship_country: "FR",
  });
});

test("for a reward not sent by post the address is ignored, as the form without JavaScript sends it", async () => {
  const form = valid({ tierId: plainTier, amount: "10", shipPostalCode: "" });
  expect((await post(form)).status).toBe(302);
  expect(await pledgeOf(form.submissionKey)).toMatchObject({
    delivery_method: null,
    ship_name: null,
    ship_line1: null,
    ship_postal_code: null,
  });
});

test("startPledge itself refuses a postal reward without a delivery", async () => {
  const { db } = database();
  await expect(
    startPledge(db, pledgeRequest(campaignId, 4_000, { tierId: postalTier }), now),
  ).rejects.toThrow(PledgeError);
  await expect(
    startPledge(
      db,
      pledgeRequest(campaignId, 4_000, { tierId: postalTier, delivery: { method: "pickup" } }),
      now,
    ),
  ).rejects.toMatchObject({ code: "pickup_unavailable" });
});

test("the backers' CSV has the delivery and the address, with headers in both languages", async () => {
  const { db } = database();
  const form = valid({ name: "Zoé Martin", email: "zoe@example.org", shipName: "Zoé Martin", shipLine2: "" });
  expect((await post(form)).status).toBe(302);
  // Counted, as the CSV lists: the saved card is what commits it.
  await db
    .updateTable("pledges")
    .set({ status: "committed" })
    .where("submission_key", "=", form.submissionKey)
    .execute();
  // Moved since to a reward not sent by post: its old address is not a parcel to send.
  await createPledge(db, campaignId, {
    tier_id: plainTier,
    backer_name: "Hugo Leroy",
    delivery_method: "post",
    ship_name: "Hugo Leroy",
    ship_line1: "1 rue Ancienne",
  });
  const read = async (locale: "fr" | "en") => {
    let text = "";
    for await (const chunk of backersCsv(db, campaignId, backersCsvFormat(locale, "Europe/Paris")))
      text += chunk;
    return text;
  };
  const en = await read("en");
  expect(en.split("\r\n")[0]).toBe(
    "name,email,tier,amount,currency,status,shipping_needed,delivery,recipient,address_line1,address_line2,postal_code,city,country,shipping,comment,date",
  );
  expect(en).toContain(
    "Zoé Martin,zoe@example.org,Sac,40.00,EUR,committed,yes,post,Zoé Martin,12 rue de la République,,69002,Lyon,FR,0.00,,",
  );
  expect(en).toContain("\r\nHugo Leroy,camille@example.org,Merci,25.00,EUR,committed,no,,,,,,,,,,");
  const fr = await read("fr");
  expect(fr.split("\r\n")[0]).toBe(
    "\uFEFFNom;E-mail;Contrepartie;Montant;Devise;État;Envoi postal;Livraison;Destinataire;Adresse;Complément d'adresse;Code postal;Ville;Pays;Frais de port;Mot du contributeur;Date",
  );
  expect(fr).toContain(";oui;Poste;Zoé Martin;12 rue de la République;;69002;Lyon;FR;0,00;;");
});

test("the owner offers pick-up on site for a postal reward, and says where", async () => {
  const { db } = database();
  const editor = (values: Record<string, string>) =>
    handleEditorIntent(
      db,
      {
        campaign: { id: campaignId, currency: "EUR" },
        actor: ownerActor(ownerId),
        values: {
          intent: "add-tier",
          title: "Tasse",
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
  expect(await editor({ pickup: "on", pickupPlace: "" })).toEqual({
    kind: "invalid",
    errors: { pickupPlace: "editor.error.pickupPlaceRequired" },
    status: 400,
  });
  expect(await editor({ pickup: "on", pickupPlace: "  L'atelier, samedi matin " })).toEqual({
    kind: "done",
    notice: "saved",
  });
  // Not sent by post: nothing to pick up instead.
  expect(await editor({ title: "Badge", shipping: "", pickup: "on", pickupPlace: "Ici" })).toMatchObject({
    kind: "done",
  });
  const tiers = await db
    .selectFrom("reward_tiers")
    .select(["title", "shipping_required", "pickup_place"])
    .where("campaign_id", "=", campaignId)
    .where("title", "in", ["Tasse", "Badge"])
    .orderBy("title")
    .execute();
  expect(tiers).toEqual([
    { title: "Badge", shipping_required: 0, pickup_place: null },
    { title: "Tasse", shipping_required: 1, pickup_place: "L'atelier, samedi matin" },
  ]);
});

test("a backer who picks the reward up gives no address", async () => {
  const form = valid({
    tierId: pickupTier,
    amount: "20",
    delivery: "pickup",
    shipName: "",
    shipLine1: "",
    shipPostalCode: "",
    shipCity: "",
  });
  expect((await post(form)).status).toBe(302);
  expect(await pledgeOf(form.submissionKey)).toMatchObject({
    delivery_method: "pickup",
    ship_name: null,
    ship_line1: null,
    ship_postal_code: null,
    ship_country: null,
  });
  // By post, the same reward needs its address.
  const byPost = await post({ ...form, delivery: "post", submissionKey: randomUUID() });
  expect(byPost.status).toBe(400);
  expect(byPost.data?.errors.shipLine1).toBe("pledge.error.shipLine1Required");
  // A reward the owner did not offer for pick-up.
  const refused = await post({ ...form, tierId: postalTier, amount: "40", submissionKey: randomUUID() });
  expect(refused.status).toBe(400);
  expect(refused.data?.errors).toEqual({ delivery: "pledge.error.pickupUnavailable" });
});

function pledgePage(
  handler: typeof pledgePageLoader | typeof pledgePageAction,
  pledgeId: string,
  form?: Record<string, string>,
) {
  const context = testContext(database(), { clock: () => now });
  const token = pledgeToken(context.config.SESSION_SECRET, pledgeId);
  return callRoute<{
    addressErrors?: Record<string, string>;
    addressValues?: Record<string, string>;
    view?: { delivery: { editable: boolean; locked: boolean; values: Record<string, string> } | null };
  }>(handler, {
    url: `http://localhost:3000/pledges/${pledgeId}?token=${token}`,
    params: { id: pledgeId },
    context,
    form,
  });
}

async function committedPostalPledge() {
  const form = valid();
  expect((await post(form)).status).toBe(302);
  const { db } = database();
  await db
    .updateTable("pledges")
    .set({ status: "committed" })
    .where("submission_key", "=", form.submissionKey)
    .execute();
  return (await pledgeOf(form.submissionKey))!;
}

const lock = (locked: boolean) =>
  handleEditorIntent(
    database().db,
    {
      campaign: { id: campaignId, currency: "EUR" },
      actor: ownerActor(ownerId),
      values: { intent: locked ? "lock-addresses" : "unlock-addresses" },
      locale: "fr",
      siteUrl: "http://localhost:3000",
    },
    now,
  );

test("the backer changes their address on the pledge page until the owner locks the addresses", async () => {
  const pledge = await committedPostalPledge();
  const address = { ...valid(), intent: "address", shipLine1: "4 place Bellecour", shipPostalCode: "69002" };

  // A wrong postcode: refused at its field, what was typed kept, nothing written.
  const wrong = await pledgePage(pledgePageAction, pledge.id, { ...address, shipPostalCode: "ABC" });
  expect(wrong.status).toBe(400);
  expect(wrong.data?.addressErrors).toEqual({ shipPostalCode: "pledge.error.shipPostalCodeInvalid" });
  expect(wrong.data?.addressValues).toMatchObject({ shipLine1: "4 place Bellecour", shipPostalCode: "ABC" });
  expect((await pledgeOf(pledge.submission_key!))?.ship_line1).toBe("12 rue de la République");

  const changed = await pledgePage(pledgePageAction, pledge.id, address);
  expect(changed.status).toBe(302);
  expect(await pledgeOf(pledge.submission_key!)).toMatchObject({ ship_line1: "4 place Bellecour" });
  expect((await pledgePage(pledgePageLoader, pledge.id)).data?.view?.delivery).toMatchObject({
    editable: true,
    locked: false,
  });

  // Another campaign's owner cannot lock these addresses.
  const stranger = await handleEditorIntent(
    database().db,
    {
      campaign: { id: campaignId, currency: "EUR" },
      actor: ownerActor(await createUser(database().db, { email: "stranger@example.org" })),
      values: { intent: "lock-addresses" },
      locale: "fr",
      siteUrl: "http://localhost:3000",
    },
    now,
  ).catch((error: unknown) => error);
  expect(stranger).not.toEqual({ kind: "done", notice: "saved" });

  expect(await lock(true)).toEqual({ kind: "done", notice: "saved" });
  const view = (await pledgePage(pledgePageLoader, pledge.id)).data?.view?.delivery;
  expect(view).toMatchObject({ editable: false, locked: true, values: { shipLine1: "4 place Bellecour" } });
  const refused = await pledgePage(pledgePageAction, pledge.id, { ...address, shipLine1: "Ailleurs" });
  expect(refused.status).toBe(409);
  expect(refused.data?.addressErrors).toEqual({ form: "pledgePage.addressLocked" });
  // The domain itself refuses, whatever the page showed when it was opened.
  await expect(
    changeDelivery(
      database().db,
      pledge.id,
      {
        method: "post",
        name: "X",
        line1: "Ailleurs",
        line2: null,
        postalCode: "75001",
        city: "Paris",
        country: "FR",
      },
      now,
    ),
  ).rejects.toMatchObject({ code: "addresses_locked" });
  expect((await pledgeOf(pledge.submission_key!))?.ship_line1).toBe("4 place Bellecour");

  // Opened again, the change goes through.
  await lock(false);
  expect((await pledgePage(pledgePageAction, pledge.id, { ...address, shipLine1: "Ailleurs" })).status).toBe(
    302,
  );
  expect((await pledgeOf(pledge.submission_key!))?.ship_line1).toBe("Ailleurs");
});
