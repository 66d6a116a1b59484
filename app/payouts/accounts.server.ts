// Owners' payout accounts: a Stripe Express account each, connected through Stripe's hosted
// onboarding (account links). `account.updated` (from the Connect endpoint) keeps `payouts_enabled`
// current, and a job asks Stripe again for accounts not heard of for a while, in case an event was
// lost; an owner without an enabled account is paid by bank transfer, recorded by an admin.
import type { PayoutAccountStatus, PaymentGateway } from "~/payments/gateway";
import { PayoutError } from "~/lib/errors";
import type { Db } from "~/lib/db.server";

export interface PayoutAccount {
  accountId: string;
  payoutsEnabled: boolean;
  detailsSubmitted: boolean;
}

export async function payoutAccountOf(db: Db, userId: string): Promise<PayoutAccount | null> {
  const row = await db
    .selectFrom("payout_accounts")
    .selectAll()
    .where("user_id", "=", userId)
    .executeTakeFirst();
  return row
    ? {
        accountId: row.stripe_account_id,
        payoutsEnabled: row.payouts_enabled === 1,
        detailsSubmitted: row.details_submitted === 1,
      }
    : null;
}

/** What Stripe says of an account; false when it is no owner's (an event for someone else's). */
export async function updatePayoutAccount(db: Db, status: PayoutAccountStatus, now: Date): Promise<boolean> {
  const result = await db
    .updateTable("payout_accounts")
    .set({
      payouts_enabled: status.payoutsEnabled ? 1 : 0,
      details_submitted: status.detailsSubmitted ? 1 : 0,
      updated_at: now.toISOString(),
    })
    .where("stripe_account_id", "=", status.accountId)
    .executeTakeFirst();
  return result.numUpdatedRows === 1n;
}

/**
 * Creates the owner's Express account the first time (idempotently: a double click makes one) and
 * returns Stripe's onboarding link for it.
 */
export async function startOnboarding(
  deps: { db: Db; gateway: PaymentGateway },
  owner: { id: string; email: string },
  urls: { refreshUrl: string; returnUrl: string },
  now: Date,
): Promise<string> {
  const connect = deps.gateway.connect;
  if (!connect) throw new PayoutError("connect_unavailable", "Stripe is not configured");
  let account = await payoutAccountOf(deps.db, owner.id);
  if (!account) {
    const created = await connect.createExpressAccount({
      userId: owner.id,
      email: owner.email,
      country: "FR",
      idempotencyKey: `express-account-${owner.id}`,
    });
    await deps.db
      .insertInto("payout_accounts")
      .values({
        user_id: owner.id,
        stripe_account_id: created.accountId,
        payouts_enabled: created.payoutsEnabled ? 1 : 0,
        details_submitted: created.detailsSubmitted ? 1 : 0,
        created_at: now.toISOString(),
        updated_at: now.toISOString(),
      })
      .onConflict((oc) => oc.column("user_id").doNothing())
      .execute();
    account = await payoutAccountOf(deps.db, owner.id);
  }
  return connect.onboardingLink(account!.accountId, urls);
}

/** Back from onboarding: read the account at once rather than wait for the webhook. */
export async function refreshPayoutAccount(
  deps: { db: Db; gateway: PaymentGateway },
  userId: string,
  now: Date,
): Promise<PayoutAccount | null> {
  const account = await payoutAccountOf(deps.db, userId);
  if (!account || !deps.gateway.connect) return account;
  await updatePayoutAccount(deps.db, await deps.gateway.connect.retrieveAccount(account.accountId), now);
  return payoutAccountOf(deps.db, userId);
}

/** An account Stripe has not told us about for this long is asked for by the job. */
export const accountStaleAfterMs = 6 * 3_600_000;

/**
 * The fallback for lost `account.updated` events: asks Stripe for the accounts least recently heard
 * of (not updated for `accountStaleAfterMs`), a batch at a time, and records what it says. Returns
 * how many were asked for; an account Stripe cannot answer for is left to the next run.
 */
export async function refreshStalePayoutAccounts(
  deps: { db: Db; gateway: PaymentGateway },
  now: Date,
  options: { batch?: number } = {},
): Promise<number> {
  const connect = deps.gateway.connect;
  if (!connect) return 0;
  const stale = await deps.db
    .selectFrom("payout_accounts")
    .select("stripe_account_id")
    .where("updated_at", "<", new Date(now.getTime() - accountStaleAfterMs).toISOString())
    .orderBy("updated_at")
    .limit(options.batch ?? 50)
    .execute();
  let refreshed = 0;
  for (const { stripe_account_id: accountId } of stale) {
    let status: PayoutAccountStatus;
    try {
      status = await connect.retrieveAccount(accountId);
    } catch (error) {
      console.warn(`Could not refresh payout account ${accountId}: ${String(error)}`);
      continue;
    }
    await updatePayoutAccount(deps.db, status, now);
    refreshed++;
  }
  return refreshed;
}
