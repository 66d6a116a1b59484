// Bad input through the real pledge action: each gets a clear field or page error (4xx, never
// 5xx), keeps what the person typed, and writes nothing.
import { randomUUID } from "node:crypto";
import { beforeAll, expect, test } from "vitest";
import { translate } from "~/i18n/catalogue.server";
import { ambiguousAmountParams } from "~/lib/money";
import { action } from "~/routes/campaigns.$slug_.pledge";
import { testContext } from "../support/context";
import { createCampaign, createTier } from "../support/factories";
import { callRoute } from "../support/routes";
import { useTestDatabase } from "../support/database";

const database = useTestDatabase();
const now = new Date("2026-11-30T12:00:00.000Z");
let tierId = "";
let otherCampaignTier = "";

beforeAll(async () => {
  const { db } = database();
  const campaign = await createCampaign(db, { slug: "atelier", deadline_at: "2026-12-08T22:59:59.999Z" });
  tierId = await createTier(db, campaign, { min_amount: 4_000, stock_limit: 10 });
  const other = await createCampaign(db, { slug: "ailleurs", deadline_at: "2026-12-08T22:59:59.999Z" });
  otherCampaignTier = await createTier(db, other);
  await createCampaign(db, { slug: "finie", deadline_at: "2026-11-29T22:59:59.999Z" });
  await createCampaign(db, { slug: "brouillon", status: "draft", deadline_at: null, launched_at: null });
});

const valid = () => ({
  tierId,
  amount: "40",
  name: "Camille Dupont",
  email: "camille@example.org",
  comment: "",
  consent: "on",
  submissionKey: randomUUID(),
});

async function post(slug: string, form: Record<string, string>, locale = "fr") {
  return callRoute<{ errors: Record<string, string>; values: Record<string, unknown> }>(action, {
    url: `http://localhost:3000/campaigns/${slug}/pledge`,
    params: { slug },
    context: testContext(database(), { clock: () => now }),
    form,
    headers: { "Accept-Language": locale },
  });
}

async function pledgeCount() {
  const { count } = await database()
    .db.selectFrom("pledges")
    .select((eb) => eb.fn.countAll<number>().as("count"))
    .executeTakeFirstOrThrow();
  return count;
}

test.each([
  ["negative", "-40", "pledge.error.amountPositive"],
  ["zero", "0", "pledge.error.amountBelowMinimum"],
  ["non-numeric", "quarante", "pledge.error.amountInvalid"],
  ["empty", "", "pledge.error.amountRequired"],
  ["fractional cent", "40,0051", "pledge.error.amountDecimals"],
  ["tenth of a cent", "0.001", "pledge.error.amountDecimals"],
  ["absurdly large", "99999999999", "pledge.error.amountTooLarge"],
  ["just over the maximum", "100000,01", "pledge.error.amountTooLarge"],
  ["below the reward's minimum", "39,99", "pledge.error.amountBelowMinimum"],
])("a %s amount is refused on its field, with what was typed kept", async (_, amount, error) => {
  const answer = await post("atelier", { ...valid(), amount });
  expect(answer.status).toBe(400);
  expect(answer.data?.errors).toEqual({ amount: error });
  expect(answer.data?.values.amount).toBe(amount);
  expect(answer.data?.values.name).toBe("Camille Dupont");
  expect(await pledgeCount()).toBe(0);
});

test.each(["camille", "camille@", "@example.org", "camille@example", "a b@example.org", ""])(
  "the email %j is refused",
  async (email) => {
    const answer = await post("atelier", { ...valid(), email });
    expect(answer.status).toBe(400);
    expect(answer.data?.errors.email).toMatch(/^pledge\.error\.email(Invalid|Required)$/);
    expect(await pledgeCount()).toBe(0);
  },
);

test("an unknown reward, or another campaign's, is refused on the reward field", async () => {
  for (const tier of [randomUUID(), otherCampaignTier]) {
    const answer = await post("atelier", { ...valid(), tierId: tier });
    expect(answer.status).toBe(400);
    expect(answer.data?.errors.tierId).toBe("pledge.error.tierUnknown");
  }
  expect(await pledgeCount()).toBe(0);
});

test("all-or-nothing needs the consent box, and every error shows at once", async () => {
  const answer = await post("atelier", { ...valid(), consent: "", name: "", amount: "abc" });
  expect(answer.status).toBe(400);
  expect(answer.data?.errors).toEqual({
    consent: "pledge.error.consentRequired",
    name: "pledge.error.nameRequired",
    amount: "pledge.error.amountInvalid",
  });
});

test("a refused form shows its boxes as they were: an unticked one unticked, a ticked one ticked", async () => {
  const { consent: _unticked, ...form } = valid();
  const answer = await post("atelier", { ...form, anonymous: "on", name: "" });
  expect(answer.status).toBe(400);
  expect(answer.data?.errors).toMatchObject({ consent: "pledge.error.consentRequired" });
  // The page ticks a box when its value is truthy (defaultChecked={Boolean(…)}).
  expect(Boolean(answer.data?.values.consent)).toBe(false);
  expect(Boolean(answer.data?.values.anonymous)).toBe(true);
});

test("a closed campaign refuses with a page error; a draft or unknown campaign is not found", async () => {
  const closed = await post("finie", { ...valid(), tierId: "" });
  expect(closed.status).toBe(409);
  expect(closed.data?.errors).toEqual({ form: "pledge.error.campaignClosed" });
  expect((await post("brouillon", valid())).status).toBe(404);
  expect((await post("nowhere", valid())).status).toBe(404);
  expect(await pledgeCount()).toBe(0);
});

test("a good pledge goes to the simulated checkout; the same form again goes to the same one", async () => {
  const form = valid();
  const first = await post("atelier", form);
  expect(first.status).toBe(302);
  expect(first.location).toMatch(/^\/checkout\/simulated\/sim_cs_\w+$/);
  const second = await post("atelier", form);
  expect(second.location).toBe(first.location);
  expect(await pledgeCount()).toBe(1);
});

/** Intl's narrow and plain no-break spaces, read as ordinary spaces. */
const plain = (text: string) => text.replace(/[\u00a0\u202f]/g, " ");

test.each([
  ["fr", "fr-FR", "10.555", "« 10.555 » peut se lire 10 555 € ou 10,555 €. Écrivez 10555 pour 10 555 €"],
  ["fr", "fr-FR", "1,250", "« 1,250 » peut se lire 1 250 € ou 1,250 €. Écrivez 1250 pour 1 250 €"],
  ["en", "en-GB", "€1,250", "“€1,250” could mean €1,250 or €1.250. Write 1250 for €1,250"],
])(
  "an ambiguous amount (%s, %s %j) is refused with both readings, never multiplied",
  async (locale, intl, amount, message) => {
    const before = await pledgeCount();
    const answer = await post("atelier", { ...valid(), amount }, locale);
    expect(answer.status).toBe(400);
    expect(answer.data?.errors).toEqual({ amount: "money.error.ambiguous" });
    expect(answer.data?.values.amount).toBe(amount);
    // What the page shows under the field: the message filled in from what was typed.
    const shown = translate(
      locale as "fr" | "en",
      "money.error.ambiguous",
      ambiguousAmountParams(String(answer.data?.values.amount), "EUR", intl),
    );
    expect(plain(shown)).toContain(message);
    expect(await pledgeCount()).toBe(before);
  },
);

test("English amounts are read the English way", async () => {
  const answer = await post("atelier", { ...valid(), amount: "1,250.50" }, "en");
  expect(answer.status).toBe(302);
  const pledge = await database()
    .db.selectFrom("pledges")
    .select("amount")
    .orderBy("created_at", "desc")
    .where("amount", "=", 125_050)
    .executeTakeFirst();
  expect(pledge?.amount).toBe(125_050);
});

test("a reward that sold out meanwhile is refused on its field, nothing written", async () => {
  const { db } = database();
  const campaign = await db
    .selectFrom("campaigns")
    .select("id")
    .where("slug", "=", "atelier")
    .executeTakeFirstOrThrow();
  const last = await createTier(db, campaign.id, { min_amount: 1_000, stock_limit: 1, claimed_count: 1 });
  const before = await pledgeCount();
  const answer = await post("atelier", { ...valid(), tierId: last, amount: "10" });
  expect(answer.status).toBe(400);
  expect(answer.data?.errors).toEqual({ tierId: "pledge.error.soldOut" });
  expect(await pledgeCount()).toBe(before);
});
