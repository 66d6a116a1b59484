// Payouts: an admin reviews a succeeded campaign's statement and approves what is due; the owner is
// paid by a Stripe transfer to their Express account, or by a bank transfer the admin records as
// paid. States: approved → sent → paid, or failed. An approved Stripe payout waits until Stripe makes
// its campaign's card funds available (docs/decisions/020), then the job sends it. A refund or dispute
// after a Stripe payout takes the money back by a transfer reversal; otherwise the owner's debt is
// carried to the next payout.
import { randomUUID } from "node:crypto";
import type { Selectable } from "kysely";
import type { Campaign, Payout, PayoutReversalsTable } from "#db/schema.ts";
import type { PaymentGateway } from "~/payments/gateway";
import { PayoutError } from "~/lib/errors";
import { inTransaction, isUniqueViolation, type Db } from "~/lib/db.server";
import { payoutAccountOf } from "./accounts.server";
import { audit, type Actor } from "~/ledger/audit.server";
import { balance, ownerAccount, post } from "~/ledger/ledger.server";
import { campaignStatement, settlePlatformFee } from "./statement.server";
import { paymentsAwaitingFees } from "./provider-fees.server";

/** The campaign's fee rate: an admin's override, else the platform's. */
export const feeRateOf = (campaign: Pick<Campaign, "platform_fee_bps">, defaultBps: number) =>
  campaign.platform_fee_bps ?? defaultBps;

/** Succeeded campaigns, and flexible ones once closed, have money to pay out. */
export function isPayable(campaign: Pick<Campaign, "status" | "funding_model" | "closed_at">): boolean {
  return (
    campaign.status === "succeeded" ||
    (campaign.funding_model === "flexible" && campaign.closed_at !== null && campaign.status !== "canceled")
  );
}

async function requireCampaign(db: Db, campaignId: string): Promise<Campaign> {
  const campaign = await db
    .selectFrom("campaigns")
    .selectAll()
    .where("id", "=", campaignId)
    .executeTakeFirst();
  if (!campaign) throw new PayoutError("campaign_not_found", "No such campaign");
  return campaign;
}

/** Stripe payments whose fee Stripe has not told us yet: the statement is not final while any remain. */
export async function feesAwaited(db: Db, campaignId: string): Promise<number> {
  const row = await paymentsAwaitingFees(db)
    .select((eb) => eb.fn.countAll<number>().as("n"))
    .where("campaign_id", "=", campaignId)
    .executeTakeFirstOrThrow();
  return Number(row.n);
}

/**
 * When Stripe makes the last of the campaign's payments available to transfer (each payment's
 * balance transaction's available_on, read with its fee); null when none is recorded.
 */
export async function campaignFundsAvailableAt(db: Db, campaignId: string): Promise<string | null> {
  const row = await db
    .selectFrom("pledges")
    .select((eb) => eb.fn.max("funds_available_at").as("at"))
    .where("campaign_id", "=", campaignId)
    .where("gateway", "=", "stripe")
    .where("status", "in", ["collected", "refunded"])
    .executeTakeFirst();
  return row?.at ? new Date(row.at).toISOString() : null;
}

/** After Stripe refused a transfer for want of available balance, it is asked again this much later. */
export const fundsRetryMs = 6 * 3_600_000;

/** A payout is waiting for its funds while its date is still to come. */
export const waitsForFunds = (payout: Pick<Payout, "status" | "funds_available_at">, now: Date) =>
  payout.status === "approved" &&
  payout.funds_available_at !== null &&
  new Date(payout.funds_available_at).getTime() > now.getTime();

/**
 * Approves paying what the statement says is due. `expectedAmount` is the amount the admin saw: if
 * anything moved since (a refund, a late payment), the approval is refused rather than pay another
 * sum. The platform fee is posted here, in the same transaction. A Stripe payout is sent at once
 * when the campaign's funds are available at Stripe; otherwise it waits, approved, until they are.
 */
export async function approvePayout(
  deps: { db: Db; gateway: PaymentGateway; defaultFeeBps: number },
  request: { campaignId: string; expectedAmount: number; actor: Actor },
  now: Date,
): Promise<Payout> {
  const payout = await inTransaction(deps.db, async (trx) => {
    const campaign = await requireCampaign(trx, request.campaignId);
    if (!isPayable(campaign)) throw new PayoutError("not_payable", "The campaign has not succeeded");
    if ((await feesAwaited(trx, campaign.id)) > 0)
      throw new PayoutError("fees_pending", "Stripe has not reported every payment's fee yet");
    const inFlight = await trx
      .selectFrom("payouts")
      .select("id")
      .where("campaign_id", "=", campaign.id)
      .where("status", "in", ["approved", "sent"])
      .executeTakeFirst();
    if (inFlight) throw new PayoutError("payout_in_flight", "A payout is already on its way");

    const feeBps = feeRateOf(campaign, deps.defaultFeeBps);
    await settlePlatformFee(trx, campaign, feeBps, now);
    const statement = await campaignStatement(trx, campaign.id, feeBps);
    if (statement.due !== -(await balance(trx, ownerAccount(campaign.id))))
      throw new PayoutError("ledger_mismatch", "The statement does not match the owner's balance");
    if (statement.due <= 0) throw new PayoutError("nothing_due", "Nothing is due to the owner");
    if (statement.due !== request.expectedAmount)
      throw new PayoutError("stale_amount", "The amount due changed since the page was shown");

    const account = await payoutAccountOf(trx, campaign.owner_id);
    const byStripe = deps.gateway.connect !== undefined && account?.payoutsEnabled === true;
    const fundsAt = byStripe ? await campaignFundsAvailableAt(trx, campaign.id) : null;
    const last = await trx
      .selectFrom("payouts")
      .select((eb) => eb.fn.max("number").as("n"))
      .where("campaign_id", "=", campaign.id)
      .executeTakeFirst();
    const row: Payout = {
      id: randomUUID(),
      campaign_id: campaign.id,
      number: Number(last?.n ?? 0) + 1,
      currency: campaign.currency,
      amount: statement.due,
      method: byStripe ? "stripe" : "bank",
      status: "approved",
      destination: byStripe ? account!.accountId : null,
      transfer_id: null,
      reference: null,
      failure_message: null,
      approved_by: request.actor.email,
      approved_at: now.toISOString(),
      sent_at: null,
      paid_at: null,
      failed_at: null,
      updated_at: now.toISOString(),
      funds_available_at: fundsAt !== null && new Date(fundsAt) > now ? fundsAt : null,
    };
    try {
      await trx.insertInto("payouts").values(row).execute();
    } catch (error) {
      if (isUniqueViolation(error))
        throw new PayoutError("payout_in_flight", "A payout is already on its way");
      throw error;
    }
    await audit(
      trx,
      request.actor,
      {
        action: "payout.approve",
        campaignId: campaign.id,
        subjectId: row.id,
        details: {
          amount: row.amount,
          currency: row.currency,
          method: row.method,
          feeBps,
          statement,
          ...(row.funds_available_at ? { fundsAvailableAt: row.funds_available_at } : {}),
        },
      },
      now,
    );
    return row;
  });
  if (payout.method === "stripe") return sendPayout(deps, payout.id, now);
  return payout;
}

export async function getPayout(db: Db, payoutId: string): Promise<Payout> {
  const payout = await db.selectFrom("payouts").selectAll().where("id", "=", payoutId).executeTakeFirst();
  if (!payout) throw new PayoutError("payout_not_found", "No such payout");
  return payout;
}

/** Moves a payout out of `approved`, once: false when it had already moved (a retry, a double click). */
async function leaveApproved(
  trx: Db,
  payoutId: string,
  set: Partial<Omit<Payout, "id">>,
  now: Date,
  onlyMethod?: Payout["method"],
): Promise<boolean> {
  let update = trx
    .updateTable("payouts")
    .set({ ...set, updated_at: now.toISOString() })
    .where("id", "=", payoutId)
    .where("status", "=", "approved");
  if (onlyMethod) update = update.where("method", "=", onlyMethod);
  return (await update.executeTakeFirst()).numUpdatedRows === 1n;
}

/** The money leaving for the owner: from the Stripe balance by transfer, or from the platform's bank. */
function postPayout(
  trx: Db,
  payout: Payout,
  via: { from: "stripe_balance"; transferId: string } | { from: "platform_bank" },
  now: Date,
) {
  return post(
    trx,
    {
      sourceKey: `payout:${payout.id}`,
      kind: "payout",
      campaignId: payout.campaign_id,
      pledgeId: null,
      currency: payout.currency,
      providerRef: via.from === "stripe_balance" ? via.transferId : null,
    },
    [
      { account: ownerAccount(payout.campaign_id), amount: payout.amount },
      { account: via.from, amount: -payout.amount },
    ],
    now,
  );
}

/**
 * Sends an approved Stripe payout once its funds are available: one transfer, keyed by the payout's
 * id (and the date it waited for) so that a retry after a crash or a timeout makes the same transfer,
 * grouped by the campaign. Stripe saying the available balance is short (`balance_insufficient`)
 * keeps it waiting, asked again later under a new key (Stripe replays a key's answer, the refusal
 * too); another refusal fails the payout (nothing moved; the amount stays due); a network error
 * leaves it approved for the job to retry.
 */
export async function sendPayout(
  deps: { db: Db; gateway: PaymentGateway },
  payoutId: string,
  now: Date,
): Promise<Payout> {
  const payout = await getPayout(deps.db, payoutId);
  const connect = deps.gateway.connect;
  if (payout.status !== "approved" || payout.method !== "stripe" || !payout.destination || !connect)
    return payout;
  if (waitsForFunds(payout, now)) return payout;
  const waitedFor = payout.funds_available_at
    ? `-funds-${new Date(payout.funds_available_at).getTime()}`
    : "";
  const result = await connect.transfer({
    amount: payout.amount,
    currency: payout.currency,
    destination: payout.destination,
    // The group the campaign's charges carry (`campaign-<id>`), so Stripe ties them to this transfer.
    transferGroup: `campaign-${payout.campaign_id}`,
    idempotencyKey: `payout-${payout.id}${waitedFor}`,
    metadata: { payout_id: payout.id, campaign_id: payout.campaign_id },
  });
  await inTransaction(deps.db, async (trx) => {
    if (result.status === "refused" && result.code === "balance_insufficient") {
      // Nothing moved: the funds settle later than announced, or other payments' refunds used them.
      await trx
        .updateTable("payouts")
        .set({
          funds_available_at: new Date(now.getTime() + fundsRetryMs).toISOString(),
          updated_at: now.toISOString(),
        })
        .where("id", "=", payout.id)
        .where("status", "=", "approved")
        .execute();
    } else if (result.status === "refused") {
      await leaveApproved(
        trx,
        payout.id,
        { status: "failed", failure_message: result.message, failed_at: now.toISOString() },
        now,
      );
    } else if (
      await leaveApproved(
        trx,
        payout.id,
        { status: "sent", transfer_id: result.transferId, sent_at: now.toISOString() },
        now,
      )
    ) {
      await postPayout(trx, payout, { from: "stripe_balance", transferId: result.transferId }, now);
    }
  });
  return getPayout(deps.db, payout.id);
}

/**
 * The job: approved Stripe payouts whose funds are available now, and those whose transfer did not go
 * through yet (a crash, a timeout).
 */
export async function sendApprovedPayouts(
  deps: { db: Db; gateway: PaymentGateway },
  now: Date,
): Promise<number> {
  if (!deps.gateway.connect) return 0;
  const approved = await deps.db
    .selectFrom("payouts")
    .select("id")
    .where("status", "=", "approved")
    .where("method", "=", "stripe")
    .where((eb) =>
      eb.or([eb("funds_available_at", "is", null), eb("funds_available_at", "<=", now.toISOString())]),
    )
    .execute();
  for (const { id } of approved) await sendPayout(deps, id, now);
  return approved.length;
}

/** Which payout an admin decides on, and who they are; from a campaign's page, that campaign's. */
interface PayoutDecision {
  payoutId: string;
  actor: Actor;
  /** When given, the payout must be this campaign's (404 otherwise). */
  campaignId?: string;
}

/**
 * An admin moves an approved payout on: one guarded update (a second click finds it moved and is
 * refused), what it moved posted by `then`, and the audit entry, in one transaction.
 */
async function decideApproved(
  db: Db,
  request: PayoutDecision,
  change: {
    action: "payout.mark_paid" | "payout.mark_failed";
    set: Partial<Omit<Payout, "id">>;
    bankOnly: boolean;
    details: Record<string, unknown>;
    then?: (trx: Db, payout: Payout) => Promise<unknown>;
  },
  now: Date,
): Promise<Payout> {
  await inTransaction(db, async (trx) => {
    const payout = await getPayout(trx, request.payoutId);
    if (request.campaignId !== undefined && payout.campaign_id !== request.campaignId)
      throw new PayoutError("payout_not_found", "No such payout");
    const moved = await leaveApproved(trx, payout.id, change.set, now, change.bankOnly ? "bank" : undefined);
    if (!moved)
      throw new PayoutError("payout_state", "This payout is no longer approved (or not a bank payout)");
    await change.then?.(trx, payout);
    await audit(
      trx,
      request.actor,
      {
        action: change.action,
        campaignId: payout.campaign_id,
        subjectId: payout.id,
        details: { amount: payout.amount, currency: payout.currency, ...change.details },
      },
      now,
    );
  });
  return getPayout(db, request.payoutId);
}

/** A bank transfer made by hand: the admin records it as paid, with the bank's reference. */
export async function markBankPayoutPaid(
  db: Db,
  request: PayoutDecision & { reference: string },
  now: Date,
): Promise<Payout> {
  const reference = request.reference.trim();
  if (reference.length < 3) throw new PayoutError("reference_required", "Give the bank reference");
  return decideApproved(
    db,
    request,
    {
      action: "payout.mark_paid",
      set: { status: "paid", reference, sent_at: now.toISOString(), paid_at: now.toISOString() },
      bankOnly: true,
      details: { reference },
      then: (trx, payout) => postPayout(trx, payout, { from: "platform_bank" }, now),
    },
    now,
  );
}

/** An approved payout that will not be made (wrong details, the owner asked to wait): nothing moved. */
export async function markPayoutFailed(
  db: Db,
  request: PayoutDecision & { reason: string },
  now: Date,
): Promise<Payout> {
  const reason = request.reason.trim();
  if (reason.length < 3) throw new PayoutError("reason_required", "Say why");
  return decideApproved(
    db,
    request,
    {
      action: "payout.mark_failed",
      set: { status: "failed", failure_message: reason, failed_at: now.toISOString() },
      bankOnly: false,
      details: { reason },
    },
    now,
  );
}

/** An admin sets the campaign's fee rate (null: back to the platform's); posted at the next approval. */
export async function overridePlatformFee(
  db: Db,
  request: { campaignId: string; feeBps: number | null; actor: Actor },
  now: Date,
): Promise<void> {
  if (
    request.feeBps !== null &&
    (!Number.isInteger(request.feeBps) || request.feeBps < 0 || request.feeBps > 5_000)
  )
    throw new PayoutError("bad_fee", "Between 0 and 50 %");
  await inTransaction(db, async (trx) => {
    const campaign = await requireCampaign(trx, request.campaignId);
    await trx
      .updateTable("campaigns")
      .set({ platform_fee_bps: request.feeBps, updated_at: now.toISOString() })
      .where("id", "=", campaign.id)
      .execute();
    await audit(
      trx,
      request.actor,
      {
        action: "fee.override",
        campaignId: campaign.id,
        details: { from: campaign.platform_fee_bps, to: request.feeBps },
      },
      now,
    );
  });
}

type PayoutReversal = Selectable<PayoutReversalsTable>;

/**
 * Claims the next reversal of a campaign, in one transaction that first locks the campaign's row (so
 * two workers take turns and each sees what the other posted): settles the platform fee, then, if
 * the owner owes the platform, writes down a pending reversal of the latest transfer that still has
 * something to take back. Null when nothing is owed, nothing can be reversed, or a reversal is
 * already pending.
 */
async function claimReversal(
  db: Db,
  campaign: Campaign,
  feeBps: number,
  now: Date,
): Promise<PayoutReversal | null> {
  return inTransaction(db, async (trx) => {
    // A no-op update: it takes the row's lock until this transaction ends (SQLite: the write lock).
    await trx
      .updateTable("campaigns")
      .set((eb) => ({ updated_at: eb.ref("updated_at") }))
      .where("id", "=", campaign.id)
      .execute();
    const pending = await trx
      .selectFrom("payout_reversals")
      .select("id")
      .where("campaign_id", "=", campaign.id)
      .where("status", "=", "pending")
      .executeTakeFirst();
    if (pending) return null;
    await settlePlatformFee(trx, campaign, feeBps, now);
    const owed = await balance(trx, ownerAccount(campaign.id));
    if (owed <= 0) return null;
    const payouts = await trx
      .selectFrom("payouts")
      .select((eb) => [
        "payouts.id",
        "payouts.amount",
        eb
          .selectFrom("payout_reversals")
          .select((r) => r.fn.coalesce(r.fn.sum<number>("payout_reversals.amount"), r.lit(0)).as("taken"))
          .whereRef("payout_reversals.payout_id", "=", "payouts.id")
          .as("reversed"),
      ])
      .where("campaign_id", "=", campaign.id)
      .where("method", "=", "stripe")
      .where("status", "in", ["sent", "paid"])
      .orderBy("number", "desc")
      .execute();
    const payout = payouts.find((p) => p.amount - Number(p.reversed ?? 0) > 0);
    if (!payout) return null;
    const row: PayoutReversal = {
      id: randomUUID(),
      campaign_id: campaign.id,
      payout_id: payout.id,
      amount: Math.min(owed, payout.amount - Number(payout.reversed ?? 0)),
      status: "pending",
      reversal_id: null,
      created_at: now.toISOString(),
      done_at: null,
    };
    await trx.insertInto("payout_reversals").values(row).execute();
    return row;
  });
}

/** Asks Stripe for a written-down reversal (again, after a crash: same key, same reversal) and posts it once. */
async function finishReversal(
  db: Db,
  connect: NonNullable<PaymentGateway["connect"]>,
  reversal: PayoutReversal,
  now: Date,
): Promise<boolean> {
  const payout = await getPayout(db, reversal.payout_id);
  const { reversalId } = await connect.reverseTransfer({
    transferId: payout.transfer_id!,
    amount: reversal.amount,
    idempotencyKey: `reversal-${reversal.id}`,
    metadata: { payout_id: payout.id, campaign_id: payout.campaign_id, reversal_id: reversal.id },
  });
  return inTransaction(db, async (trx) => {
    const done = await trx
      .updateTable("payout_reversals")
      .set({ status: "done", reversal_id: reversalId, done_at: now.toISOString() })
      .where("id", "=", reversal.id)
      .where("status", "=", "pending")
      .executeTakeFirst();
    if (done.numUpdatedRows !== 1n) return false;
    return post(
      trx,
      {
        sourceKey: `reversal:${reversal.id}`,
        kind: "reversal",
        campaignId: payout.campaign_id,
        pledgeId: null,
        currency: payout.currency,
        providerRef: payout.transfer_id,
      },
      [
        { account: ownerAccount(payout.campaign_id), amount: -reversal.amount },
        { account: "stripe_balance", amount: reversal.amount },
      ],
      now,
    );
  });
}

/**
 * After a Stripe payout, a refund or a lost dispute leaves the owner owing the platform. The platform
 * fee is settled first (it follows the money kept), then what the owner owes is taken back from the
 * latest transfers by reversals, each written down before Stripe is asked (a crash is finished, not
 * repeated). What no transfer can cover (bank payouts, fully reversed transfers) stays as a negative
 * balance, carried to the next payout and shown on the statement.
 */
export async function reverseAfterPayouts(
  deps: { db: Db; gateway: PaymentGateway; defaultFeeBps: number },
  now: Date,
): Promise<number> {
  const connect = deps.gateway.connect;
  if (!connect) return 0;
  const campaigns = await deps.db
    .selectFrom("campaigns")
    .selectAll("campaigns")
    .where(({ exists, selectFrom }) =>
      exists(
        selectFrom("payouts")
          .select("payouts.id")
          .whereRef("payouts.campaign_id", "=", "campaigns.id")
          .where("payouts.method", "=", "stripe")
          .where("payouts.status", "in", ["sent", "paid"]),
      ),
    )
    .execute();
  let reversals = 0;
  for (const campaign of campaigns) {
    // What a crash left half done first, then what is owed now; each claimed turn reverses one transfer.
    const left = await deps.db
      .selectFrom("payout_reversals")
      .selectAll()
      .where("campaign_id", "=", campaign.id)
      .where("status", "=", "pending")
      .execute();
    for (const reversal of left) if (await finishReversal(deps.db, connect, reversal, now)) reversals++;
    for (let turn = 0; turn < 100; turn++) {
      const claimed = await claimReversal(deps.db, campaign, feeRateOf(campaign, deps.defaultFeeBps), now);
      if (!claimed) break;
      if (await finishReversal(deps.db, connect, claimed, now)) reversals++;
    }
  }
  return reversals;
}
