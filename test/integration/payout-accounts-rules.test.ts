// Owners' payout accounts at their edges (issue #11 item 15): what we keep of Stripe's answer (details
// submitted or not), an update for an account that is no owner's, onboarding without Stripe, the
// account created in France, reading an account back after onboarding, and the job's fallback
// skipping an account Stripe cannot answer for. Through the real SDK against the local server.
import { randomUUID } from "node:crypto";
import { afterAll, beforeAll, expect, test, vi } from "vitest";
import { applyStripeEvent } from "~/checkout/webhooks.server";
import { createSimulatedGateway } from "~/payments/simulated.server";
import { createStripeGateway } from "~/payments/stripe.server";
import {
  accountStaleAfterMs,
  payoutAccountOf,
  refreshPayoutAccount,
  refreshStalePayoutAccounts,
  startOnboarding,
  updatePayoutAccount,
} from "~/payouts/accounts.server";
import { createUser } from "../support/factories";
import { useTestDatabase } from "../support/database";
import { startStripeServer, type FakeStripe } from "../support/stripe-server";

const database = useTestDatabase();
let fake: FakeStripe;
let gateway: ReturnType<typeof createStripeGateway>;

beforeAll(async () => {
  fake = await startStripeServer({ fundsPendingDays: 0 });
  gateway = createStripeGateway({ secretKey: fake.apiKey, apiUrl: fake.url });
});
afterAll(async () => {
  await fake?.close();
});

const now = () => new Date();
const urls = { refreshUrl: "http://localhost:3000/a", returnUrl: "http://localhost:3000/b" };
const deps = () => ({ db: database().db, gateway });

async function newOwner() {
  const email = `owner-${randomUUID().slice(0, 8)}@example.org`;
  return { id: await createUser(database().db, { email }), email };
}

test("onboarding creates a French Express account, details not yet submitted, until Stripe says so", async () => {
  const { db } = database();
  const owner = await newOwner();
  await startOnboarding(deps(), owner, urls, now());
  const account = await payoutAccountOf(db, owner.id);
  expect(account).toEqual({
    accountId: expect.stringMatching(/^acct_/),
    payoutsEnabled: false,
    detailsSubmitted: false,
  });
  const created = fake.requests.filter(
    (r) =>
      r.method === "POST" && r.path === "/v1/accounts" && r.idempotencyKey === `express-account-${owner.id}`,
  );
  expect(created).toEqual([expect.objectContaining({ params: expect.objectContaining({ country: "FR" }) })]);
  for (const event of fake.completeOnboarding(account!.accountId)) await applyStripeEvent(db, event, now());
  expect(await payoutAccountOf(db, owner.id)).toMatchObject({ payoutsEnabled: true, detailsSubmitted: true });
});

test("what Stripe says of an account that is no owner's changes nothing and says so", async () => {
  const { db } = database();
  const owner = await newOwner();
  await startOnboarding(deps(), owner, urls, now());
  const { accountId } = (await payoutAccountOf(db, owner.id))!;
  const status = { payoutsEnabled: true, detailsSubmitted: true };
  expect(await updatePayoutAccount(db, { accountId: "acct_someone_else", ...status }, now())).toBe(false);
  expect(await payoutAccountOf(db, owner.id)).toMatchObject({ payoutsEnabled: false });
  expect(await updatePayoutAccount(db, { accountId, ...status }, now())).toBe(true);
  expect(await payoutAccountOf(db, owner.id)).toMatchObject({ payoutsEnabled: true });
});

test("without Stripe there is no onboarding, and no account is written", async () => {
  const { db } = database();
  const owner = await newOwner();
  await expect(
    startOnboarding({ db, gateway: createSimulatedGateway(db) }, owner, urls, now()),
  ).rejects.toMatchObject({ code: "connect_unavailable" });
  expect(await payoutAccountOf(db, owner.id)).toBeNull();
});

test("back from onboarding, the account is read from Stripe at once; none, or no Stripe, reads nothing", async () => {
  const { db } = database();
  const owner = await newOwner();
  const reads = () => fake.requests.filter((r) => r.method === "GET" && r.path.startsWith("/v1/accounts/"));
  const readsBefore = reads().length;
  expect(await refreshPayoutAccount(deps(), owner.id, now())).toBeNull();
  expect(reads()).toHaveLength(readsBefore);

  await startOnboarding(deps(), owner, urls, now());
  const { accountId } = (await payoutAccountOf(db, owner.id))!;
  // Stripe finished the onboarding; its event has not arrived.
  fake.completeOnboarding(accountId);
  const simulated = { db, gateway: createSimulatedGateway(db) };
  expect(await refreshPayoutAccount(simulated, owner.id, now())).toMatchObject({ payoutsEnabled: false });
  expect(await refreshPayoutAccount(deps(), owner.id, now())).toEqual({
    accountId,
    payoutsEnabled: true,
    detailsSubmitted: true,
  });
  expect(await payoutAccountOf(db, owner.id)).toMatchObject({ payoutsEnabled: true });
});

test("the fallback job skips an account Stripe cannot answer for and refreshes the others", async () => {
  const { db } = database();
  const owner = await newOwner();
  await startOnboarding(deps(), owner, urls, now());
  const { accountId } = (await payoutAccountOf(db, owner.id))!;
  fake.completeOnboarding(accountId);
  const gone = await createUser(db);
  const long = new Date(Date.now() - 2 * accountStaleAfterMs).toISOString();
  await db
    .insertInto("payout_accounts")
    .values({
      user_id: gone,
      stripe_account_id: "acct_deleted_at_stripe",
      payouts_enabled: 1,
      details_submitted: 1,
      created_at: long,
      updated_at: long,
    })
    .execute();
  const later = new Date(Date.now() + 2 * accountStaleAfterMs);
  const stale = (await db.selectFrom("payout_accounts").select("user_id").execute()).length;

  const warn = vi.spyOn(console, "warn").mockImplementation(() => {});
  try {
    // Without Stripe the job asks no one, and has nothing to warn about.
    expect(await refreshStalePayoutAccounts({ db, gateway: createSimulatedGateway(db) }, later)).toBe(0);
    expect(warn).not.toHaveBeenCalled();

    expect(await refreshStalePayoutAccounts(deps(), later)).toBe(stale - 1);
    expect(warn).toHaveBeenCalledTimes(1);
    expect(String(warn.mock.calls[0]?.[0])).toContain("acct_deleted_at_stripe");
  } finally {
    warn.mockRestore();
  }
  expect(await payoutAccountOf(db, owner.id)).toMatchObject({ payoutsEnabled: true, detailsSubmitted: true });
  // What we knew of the account Stripe did not answer for is kept, to be asked again next run.
  expect(await payoutAccountOf(db, gone)).toMatchObject({ payoutsEnabled: true });
  const row = await db
    .selectFrom("payout_accounts")
    .select("updated_at")
    .where("user_id", "=", gone)
    .executeTakeFirstOrThrow();
  expect(new Date(row.updated_at).toISOString()).toBe(long);
});
