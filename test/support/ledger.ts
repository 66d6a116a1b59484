// The ledger's invariants and money made the real way (through the pledge state machine), for tests.
import { randomUUID } from "node:crypto";
import type { Kysely } from "kysely";
import type { Database } from "#db/schema.ts";
import { collectPledge, commitPledge, startPledge } from "~/pledges/pledges.server";

/** Transactions whose entries do not sum to zero: there must never be any. */
export function unbalancedTransactions(db: Kysely<Database>) {
  return db
    .selectFrom("ledger_entries")
    .select((eb) => ["transaction_id", eb.fn.sum<number>("amount").as("total")])
    .groupBy("transaction_id")
    .having((eb) => eb.fn.sum("amount"), "!=", 0)
    .execute();
}

/** The platform fee posted for one campaign (the platform_fees account holds every campaign's). */
export async function postedPlatformFee(db: Kysely<Database>, campaignId: string): Promise<number> {
  const row = await db
    .selectFrom("ledger_entries")
    .innerJoin("ledger_transactions", "ledger_transactions.id", "ledger_entries.transaction_id")
    .select((eb) => eb.fn.coalesce(eb.fn.sum<number>("ledger_entries.amount"), eb.lit(0)).as("total"))
    .where("ledger_transactions.campaign_id", "=", campaignId)
    .where("ledger_entries.account", "=", "platform_fees")
    .executeTakeFirstOrThrow();
  return 0 - Number(row.total);
}

/** A pledge through the simulated gateway, counted but not yet paid; returns its id. */
export async function committedPledge(db: Kysely<Database>, campaignId: string, amount: number, at: Date) {
  const pledge = await startPledge(
    db,
    {
      campaignId,
      tierId: null,
      amount,
      backerName: "B",
      backerEmail: `${randomUUID().slice(0, 8)}@example.org`,
      comment: null,
      anonymous: false,
      locale: "fr",
      submissionKey: randomUUID(),
      gateway: "simulated",
    },
    at,
  );
  await commitPledge(db, pledge.id, {}, at);
  return pledge.id;
}

/** A pledge paid through the simulated gateway (its fee posted at once); returns its id. */
export async function collectedPledge(db: Kysely<Database>, campaignId: string, amount: number, at: Date) {
  const pledge = await committedPledge(db, campaignId, amount, at);
  await collectPledge(db, pledge, { paymentIntentId: `sim_pi_${pledge}` }, at);
  return pledge;
}
