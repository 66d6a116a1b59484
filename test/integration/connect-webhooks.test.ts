// Connected accounts' events come to a Connect endpoint signed with its own secret: the webhook
// route accepts either secret, reads `event.account`, ignores a connected account's other events,
// and a job asks Stripe again for accounts it has not heard of lately, in case an event was lost.
import { randomUUID } from "node:crypto";
import Stripe from "stripe";
import { afterAll, beforeAll, expect, test } from "vitest";
import { createStripeGateway } from "~/payments/stripe.server";
import {
  accountStaleAfterMs,
  payoutAccountOf,
  refreshStalePayoutAccounts,
  startOnboarding,
} from "~/payouts/accounts.server";
import { loadConfig } from "~/lib/config.server";
import { action as webhookAction } from "~/routes/webhooks.stripe";
import { createUser } from "../support/factories";
import { testContext } from "../support/context";
import { useTestDatabase } from "../support/database";
import { startStripeServer, type FakeStripe } from "../support/stripe-server";
import { build } from "../support/stripe-types";

const database = useTestDatabase();
const platformSecret = "whsec_platform_endpoint_secret";
const connectSecret = "whsec_connect_endpoint_secret";
let fake: FakeStripe;
let gateway: ReturnType<typeof createStripeGateway>;

beforeAll(async () => {
  fake = await startStripeServer();
  gateway = createStripeGateway({ secretKey: fake.apiKey, apiUrl: fake.url });
});
afterAll(async () => {
  await fake?.close();
});

const urls = { refreshUrl: "http://localhost:3000/a", returnUrl: "http://localhost:3000/b" };

/** An owner who started onboarding: an Express account Stripe has not enabled yet. */
async function owner(now = new Date()) {
  const { db } = database();
  const email = `owner-${randomUUID().slice(0, 8)}@example.org`;
  const user = { id: await createUser(db, { email }), email };
  await startOnboarding({ db, gateway }, user, urls, now);
  return { ...user, accountId: (await payoutAccountOf(db, user.id))!.accountId };
}

function post(
  event: Stripe.Event,
  secret: string,
  config: { STRIPE_CONNECT_WEBHOOK_SECRET?: string } = { STRIPE_CONNECT_WEBHOOK_SECRET: connectSecret },
) {
  const payload = JSON.stringify(event);
  const context = testContext(database(), {
    gateway,
    config: {
      ...loadConfig({ SESSION_SECRET: "connect-webhooks-".padEnd(40, "x") }),
      STRIPE_WEBHOOK_SECRET: platformSecret,
      ...config,
    },
  });
  return webhookAction({
    request: new Request("http://localhost/webhooks/stripe", {
      method: "POST",
      headers: { "Stripe-Signature": Stripe.webhooks.generateTestHeaderString({ payload, secret }) },
      body: payload,
    }),
    params: {},
    context,
  }) as Promise<Response>;
}

const recorded = (eventId: string) =>
  database().db.selectFrom("webhook_events").selectAll().where("id", "=", eventId).executeTakeFirst();

test("a Connect-signed account.updated names its account and enables the owner's payouts", async () => {
  const { db } = database();
  const { id, accountId } = await owner();
  const [event] = fake.completeOnboarding(accountId);
  expect(event).toMatchObject({ type: "account.updated", account: accountId });

  const response = await post(event!, connectSecret);
  expect(response.status).toBe(200);
  expect(await response.json()).toEqual({ received: true, outcome: "applied", eventId: event!.id });
  expect(await payoutAccountOf(db, id)).toMatchObject({ payoutsEnabled: true, detailsSubmitted: true });

  // Stripe restricts the account later: the next event turns payouts off again.
  const [restricted] = fake.restrictAccount(accountId);
  expect((await post(restricted!, connectSecret)).status).toBe(200);
  expect(await payoutAccountOf(db, id)).toMatchObject({ payoutsEnabled: false });
});

test("the platform endpoint's secret still verifies, and a wrong secret is refused with nothing recorded", async () => {
  const { db } = database();
  const { id, accountId } = await owner();
  const [event] = fake.completeOnboarding(accountId);

  const forged = await post(event!, "whsec_someone_else");
  expect(forged.status).toBe(400);
  expect(await recorded(event!.id)).toBeUndefined();
  expect(await payoutAccountOf(db, id)).toMatchObject({ payoutsEnabled: false });
  // Without a Connect secret configured, its signature is no better than a stranger's.
  expect((await post(event!, connectSecret, {})).status).toBe(400);
  expect(await recorded(event!.id)).toBeUndefined();

  const platformSigned = await post(event!, platformSecret);
  expect(platformSigned.status).toBe(200);
  expect(await payoutAccountOf(db, id)).toMatchObject({ payoutsEnabled: true });
});

test("a connected account's other events are ignored, never taken for a backer's", async () => {
  const { accountId } = await owner();
  // The owner's own payment on their account, with a pledge id in its metadata: not one of ours.
  const event = fake.event(
    "payment_intent.succeeded",
    build("payment_intent", { id: "pi_on_connected_account", metadata: { pledge_id: randomUUID() } }),
    { account: accountId },
  );
  const response = await post(event, connectSecret);
  expect(await response.json()).toEqual({ received: true, outcome: "ignored", eventId: event.id });
  expect(await recorded(event.id)).toMatchObject({ outcome: "ignored", pledge_id: null });
});

test("the job refreshes an account Stripe has not told us of lately, and leaves fresh ones alone", async () => {
  const { db } = database();
  const start = new Date();
  const stale = await owner(start);
  // Stripe enabled the account, but its account.updated never arrived.
  fake.completeOnboarding(stale.accountId);

  const accountRequests = () =>
    fake.requests.filter((r) => r.method === "GET" && r.path === `/v1/accounts/${stale.accountId}`);
  expect(await refreshStalePayoutAccounts({ db, gateway }, new Date(start.getTime() + 60_000))).toBe(0);
  expect(accountRequests()).toEqual([]);
  expect(await payoutAccountOf(db, stale.id)).toMatchObject({ payoutsEnabled: false });

  const later = new Date(start.getTime() + accountStaleAfterMs + 60_000);
  const fresh = await owner(later);
  expect(await refreshStalePayoutAccounts({ db, gateway }, later)).toBeGreaterThanOrEqual(1);
  expect(accountRequests()).toHaveLength(1);
  expect(await payoutAccountOf(db, stale.id)).toMatchObject({ payoutsEnabled: true, detailsSubmitted: true });
  expect(fake.requests.some((r) => r.path === `/v1/accounts/${fresh.accountId}`)).toBe(false);
  const row = await db
    .selectFrom("payout_accounts")
    .select("updated_at")
    .where("user_id", "=", stale.id)
    .executeTakeFirstOrThrow();
  expect(row.updated_at).toBe(later.toISOString());

  // Just refreshed: the next run does not ask again.
  await refreshStalePayoutAccounts({ db, gateway }, new Date(later.getTime() + 60_000));
  expect(accountRequests()).toHaveLength(1);
});
