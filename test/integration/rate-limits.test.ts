// Abuse of pledging: POSTs are limited per client IP and per email, with counters in our database
// (rate-limiter-flexible over Kysely, both engines); unpaid checkouts holding a limited reward are
// capped per email and per IP (the report: anyone could keep a tier sold out for 35 minutes).
import { randomUUID } from "node:crypto";
import type { AppLoadContext } from "@remix-run/node";
import { expect, test } from "vitest";
import { clearExpiredRateLimits, RateLimiterKysely } from "~/auth/rate-limit.server";
import { action as signInAction } from "~/routes/sign-in";
import { action as pledgeAction } from "~/routes/campaigns.$slug_.pledge";
import { action as checkoutAction } from "~/routes/checkout.simulated.$session";
import { loadConfig } from "~/lib/config.server";
import { testContext } from "../support/context";
import { useTestDatabase } from "../support/database";
import { createCampaign, createPledge, createTier } from "../support/factories";
import { callRoute } from "../support/routes";

const database = useTestDatabase();
const now = new Date("2026-11-30T12:00:00.000Z");

/** The app's own defaults: 10 pledge POSTs a minute per IP, 5 per email in 10 minutes, 2/5 holds. */
function limitedContext(clientIp: string): AppLoadContext {
  return testContext(database(), {
    clock: () => now,
    clientIp,
    config: loadConfig({
      SESSION_SECRET: "limits-secret-".padEnd(40, "x"),
      PUBLIC_URL: "http://localhost:3000",
    }),
  });
}

async function campaignWithTier(slug: string, stockLimit: number | null = 10) {
  const { db } = database();
  const campaign = await createCampaign(db, { slug, deadline_at: "2026-12-08T22:59:59.999Z" });
  return createTier(db, campaign, { min_amount: 1_000, stock_limit: stockLimit });
}

const pledgeForm = (tierId: string, email: string, extra: Record<string, string> = {}) => ({
  tierId,
  amount: "10",
  name: "Camille Dupont",
  email,
  comment: "",
  consent: "on",
  submissionKey: randomUUID(),
  ...extra,
});

/** The action's answer with its headers (Retry-After), which callRoute does not keep. */
async function pledge(context: AppLoadContext, slug: string, form: Record<string, string>) {
  const request = new Request(`http://localhost:3000/campaigns/${slug}/pledge`, {
    method: "POST",
    body: new URLSearchParams(form),
  });
  let result: unknown;
  try {
    result = await pledgeAction({ request, params: { slug }, context });
  } catch (thrown) {
    result = thrown;
  }
  if (result instanceof Response) return { status: result.status, headers: result.headers, data: null };
  const { data, init } = result as {
    data: { errors: Record<string, string>; values: Record<string, unknown> };
    init: { status?: number; headers?: HeadersInit } | null;
  };
  return { status: init?.status ?? 200, headers: new Headers(init?.headers), data };
}

test("the store counts in our database, per key, and refuses past its points until the window ends", async () => {
  const { db } = database();
  const limiter = new RateLimiterKysely({ db, keyPrefix: "t", points: 3, duration: 60 });
  for (let i = 0; i < 3; i++) await limiter.consume("203.0.113.1");
  await expect(limiter.consume("203.0.113.1")).rejects.toMatchObject({
    remainingPoints: 0,
    consumedPoints: 4,
    msBeforeNext: expect.any(Number),
  });
  await expect(limiter.consume("203.0.113.2")).resolves.toMatchObject({ remainingPoints: 2 });
  const row = await db
    .selectFrom("rate_limits")
    .selectAll()
    .where("key", "=", "t:203.0.113.1")
    .executeTakeFirstOrThrow();
  expect(row.points).toBe(4);
  expect(Number(row.expire)).toBeGreaterThan(Date.now());
  expect(Number(row.expire)).toBeLessThanOrEqual(Date.now() + 60_000);
  // A window that ended starts again from one.
  await db
    .updateTable("rate_limits")
    .set({ expire: Date.now() - 1 })
    .where("key", "=", "t:203.0.113.1")
    .execute();
  await expect(limiter.consume("203.0.113.1")).resolves.toMatchObject({ consumedPoints: 1 });
});

test("concurrent hits are all counted: the store's upsert is atomic", async () => {
  const { db } = database();
  const limiter = new RateLimiterKysely({ db, keyPrefix: "race", points: 100, duration: 60 });
  await Promise.all(Array.from({ length: 25 }, () => limiter.consume("198.51.100.9")));
  const row = await db
    .selectFrom("rate_limits")
    .select("points")
    .where("key", "=", "race:198.51.100.9")
    .executeTakeFirstOrThrow();
  expect(row.points).toBe(25);
});

test("the 11th pledge POST in a minute from one IP gets 429, with Retry-After and the form as typed", async () => {
  const tierId = await campaignWithTier("limite-ip", null);
  const context = limitedContext("192.0.2.11");
  // Bad forms count too: the limit is on POSTs, not on pledges made.
  for (let i = 0; i < 10; i++) {
    const answer = await pledge(
      context,
      "limite-ip",
      pledgeForm(tierId, `ip${i}@example.org`, i % 2 ? { amount: "x" } : {}),
    );
    expect([302, 400]).toContain(answer.status);
  }
  const refused = await pledge(
    context,
    "limite-ip",
    pledgeForm(tierId, "eleventh@example.org", { comment: "Bravo" }),
  );
  expect(refused.status).toBe(429);
  expect(Number(refused.headers.get("Retry-After"))).toBeGreaterThan(0);
  expect(Number(refused.headers.get("Retry-After"))).toBeLessThanOrEqual(60);
  expect(refused.data?.errors).toEqual({ form: "limit.tooMany" });
  expect(refused.data?.values).toMatchObject({
    email: "eleventh@example.org",
    comment: "Bravo",
    name: "Camille Dupont",
  });
  // Another address is not affected.
  expect(
    (await pledge(limitedContext("192.0.2.12"), "limite-ip", pledgeForm(tierId, "other@example.org"))).status,
  ).toBe(302);
});

test("the 6th pledge in 10 minutes for one email gets 429, whatever the IP", async () => {
  const tierId = await campaignWithTier("limite-email", null);
  for (let i = 0; i < 5; i++) {
    expect(
      (
        await pledge(
          limitedContext(`198.51.100.${i}`),
          "limite-email",
          pledgeForm(tierId, "Same@Example.org"),
        )
      ).status,
    ).toBe(302);
  }
  const refused = await pledge(
    limitedContext("198.51.100.99"),
    "limite-email",
    pledgeForm(tierId, "same@example.org"),
  );
  expect(refused.status).toBe(429);
  expect(refused.headers.get("Retry-After")).toMatch(/^\d+$/);
});

test("a third pending hold of a limited reward for one email is refused; a repeat of the same form is not", async () => {
  const tierId = await campaignWithTier("limite-stock", 10);
  const first = pledgeForm(tierId, "hoarder@example.org");
  expect((await pledge(limitedContext("203.0.113.20"), "limite-stock", first)).status).toBe(302);
  expect(
    (await pledge(limitedContext("203.0.113.21"), "limite-stock", pledgeForm(tierId, "hoarder@example.org")))
      .status,
  ).toBe(302);
  const third = await pledge(
    limitedContext("203.0.113.22"),
    "limite-stock",
    pledgeForm(tierId, "HOARDER@example.org"),
  );
  expect(third.status).toBe(429);
  expect(third.data?.errors).toEqual({ form: "limit.holds" });
  // The first form sent again (a double click, a reload) is the same pledge, not a new hold.
  expect((await pledge(limitedContext("203.0.113.20"), "limite-stock", first)).status).toBe(302);
  const { claimed_count } = await database()
    .db.selectFrom("reward_tiers")
    .select("claimed_count")
    .where("id", "=", tierId)
    .executeTakeFirstOrThrow();
  expect(claimed_count).toBe(2);
  // Unlimited rewards are not held: no cap.
  const open = await campaignWithTier("sans-limite", null);
  expect(
    (await pledge(limitedContext("203.0.113.23"), "sans-limite", pledgeForm(open, "hoarder@example.org")))
      .status,
  ).toBe(302);
});

test("a sixth pending hold from one IP is refused, whatever the emails", async () => {
  const tierId = await campaignWithTier("limite-stock-ip", 20);
  const context = limitedContext("203.0.113.30");
  for (let i = 0; i < 5; i++) {
    expect((await pledge(context, "limite-stock-ip", pledgeForm(tierId, `h${i}@example.org`))).status).toBe(
      302,
    );
  }
  const sixth = await pledge(context, "limite-stock-ip", pledgeForm(tierId, "h5@example.org"));
  expect(sixth.status).toBe(429);
  expect(sixth.data?.errors).toEqual({ form: "limit.holds" });
});

test("the sign-in limit counts the client address the server gives, never X-Forwarded-For", async () => {
  const context = limitedContext("192.0.2.77");
  const ask = (i: number, headers: Record<string, string>) =>
    callRoute(signInAction, {
      url: "http://t/sign-in",
      context,
      form: { email: `rotate${i}@example.org` },
      headers,
    });
  // A new forged header each time used to make each request look like a new address.
  for (let i = 0; i < 20; i++) expect((await ask(i, { "X-Forwarded-For": `10.0.0.${i}` })).status).toBe(200);
  expect((await ask(20, { "X-Forwarded-For": "10.0.0.99" })).status).toBe(429);
  // And without any header the limit still applies (it used to be skipped).
  expect((await ask(21, {})).status).toBe(429);
});

test("counters whose window ended over an hour ago are cleared, live ones kept", async () => {
  const { db } = database();
  const at = Date.now();
  await db
    .insertInto("rate_limits")
    .values([
      { key: "sweep:old", points: 3, expire: at - 61 * 60_000 },
      { key: "sweep:recent", points: 3, expire: at - 60_000 },
      { key: "sweep:live", points: 3, expire: at + 60_000 },
    ])
    .execute();
  expect(await clearExpiredRateLimits(db, new Date(at))).toBeGreaterThanOrEqual(1);
  const left = await db.selectFrom("rate_limits").select("key").where("key", "like", "sweep:%").execute();
  expect(left.map((r) => r.key).sort()).toEqual(["sweep:live", "sweep:recent"]);
});

test("the 11th POST in a minute to a checkout page from one IP gets 429 with Retry-After", async () => {
  const { db } = database();
  const campaign = await createCampaign(db, {
    slug: "limite-paiement",
    deadline_at: "2026-12-08T22:59:59.999Z",
  });
  await createPledge(db, campaign, {
    status: "pending",
    checkout_session_id: "sim_cs_limits",
    gateway: "simulated",
  });
  const context = limitedContext("192.0.2.40");
  const pay = async () => {
    const result = (await checkoutAction({
      request: new Request("http://localhost:3000/checkout/simulated/sim_cs_limits", {
        method: "POST",
        body: new URLSearchParams({ cardNumber: "1234", expiry: "12/30", cvc: "123" }),
      }),
      params: { session: "sim_cs_limits" },
      context,
    })) as { data: { errors: Record<string, string> }; init: { status: number; headers?: HeadersInit } };
    return {
      status: result.init.status,
      errors: result.data.errors,
      headers: new Headers(result.init.headers),
    };
  };
  for (let i = 0; i < 10; i++) expect((await pay()).status).toBe(400);
  const refused = await pay();
  expect(refused).toMatchObject({ status: 429, errors: { form: "limit.tooMany" } });
  expect(Number(refused.headers.get("Retry-After"))).toBeGreaterThan(0);
});
