// Issue #11, item 12: a form sent again with its submission key after an interruption (a reload, a
// lost connection) gets back the checkout it already opened, even when its own pending pledge holds
// the reward's last unit; another form for that unit is refused as sold out.
import { randomUUID } from "node:crypto";
import { expect, test } from "vitest";
import { action } from "~/routes/campaigns.$slug_.pledge";
import { testContext } from "../support/context";
import { createCampaign, createTier } from "../support/factories";
import { callRoute } from "../support/routes";
import { useTestDatabase } from "../support/database";

const database = useTestDatabase();
const now = new Date("2026-11-30T12:00:00.000Z");

async function lastUnitCampaign(stock: number) {
  const { db } = database();
  const slug = `derniere-${randomUUID().slice(0, 8)}`;
  const campaign = await createCampaign(db, { slug, deadline_at: "2026-12-08T22:59:59.999Z" });
  const tierId = await createTier(db, campaign, { min_amount: 1_000, stock_limit: stock });
  return { slug, tierId };
}

const form = (tierId: string, submissionKey = randomUUID()) => ({
  tierId,
  amount: "10",
  name: "Camille Dupont",
  email: "camille@example.org",
  comment: "",
  consent: "on",
  submissionKey,
});

function post(slug: string, values: Record<string, string>) {
  return callRoute<{ errors: Record<string, string> }>(action, {
    url: `http://localhost:3000/campaigns/${slug}/pledge`,
    params: { slug },
    context: testContext(database(), { clock: () => now }),
    form: values,
    headers: { "Accept-Language": "fr" },
  });
}

const claimed = async (tierId: string) =>
  (
    await database()
      .db.selectFrom("reward_tiers")
      .select("claimed_count")
      .where("id", "=", tierId)
      .executeTakeFirstOrThrow()
  ).claimed_count;

test("the same submission key again, while its pending pledge holds the last unit, gets the same checkout", async () => {
  const { slug, tierId } = await lastUnitCampaign(1);
  const first = form(tierId);
  const opened = await post(slug, first);
  expect(opened.status).toBe(302);
  expect(await claimed(tierId)).toBe(1);
  const again = await post(slug, first);
  expect(again.status).toBe(302);
  expect(again.location).toBe(opened.location);
  expect(await claimed(tierId)).toBe(1);
  // Another form for the same last unit is refused as sold out, on its field.
  const other = await post(slug, form(tierId));
  expect(other.status).toBe(400);
  expect(other.data?.errors).toEqual({ tierId: "pledge.error.soldOut" });
  expect(await claimed(tierId)).toBe(1);
});

test("a tier of two: the second unit goes to a second form, the third form is refused, each repeat keeps its checkout", async () => {
  const { slug, tierId } = await lastUnitCampaign(2);
  const a = form(tierId);
  const b = form(tierId);
  const first = await post(slug, a);
  const second = await post(slug, b);
  expect([first.status, second.status]).toEqual([302, 302]);
  expect(second.location).not.toBe(first.location);
  expect((await post(slug, form(tierId))).status).toBe(400);
  expect((await post(slug, a)).location).toBe(first.location);
  expect((await post(slug, b)).location).toBe(second.location);
  expect(await claimed(tierId)).toBe(2);
});

test("a submission key of another campaign is not a repeat here", async () => {
  const here = await lastUnitCampaign(1);
  const there = await lastUnitCampaign(1);
  const key = randomUUID();
  const opened = await post(there.slug, form(there.tierId, key));
  expect(opened.status).toBe(302);
  const elsewhere = await post(here.slug, form(here.tierId, key));
  // Not the other campaign's checkout, nor a second pledge under one key: the form is refused.
  expect(elsewhere.status).toBe(409);
  expect(elsewhere.data?.errors).toEqual({ form: "pledge.error.formExpired" });
  expect(await claimed(here.tierId)).toBe(0);
});
