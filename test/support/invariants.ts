// The money invariants a crash, an outage or a copy must never break, as a list of what is wrong
// (empty when all hold): each campaign's totals equal its pledge rows, each tier's claimed stock
// equals the pledges holding it and never exceeds its limit, every ledger transaction balances.
import type { Kysely } from "kysely";
import type { Database } from "#db/schema.ts";
import { recomputeTotals } from "~/campaigns/campaigns.server";
import { unbalancedTransactions } from "./ledger";

export async function invariantViolations(db: Kysely<Database>): Promise<string[]> {
  const problems: string[] = [];
  const campaigns = await db
    .selectFrom("campaigns")
    .select(["id", "slug", "pledged_amount", "backer_count"])
    .execute();
  for (const campaign of campaigns) {
    const rows = await recomputeTotals(db, campaign.id);
    if (rows.pledged !== campaign.pledged_amount || rows.backers !== campaign.backer_count) {
      problems.push(
        `campaign ${campaign.slug}: stored ${campaign.pledged_amount}/${campaign.backer_count}, rows ${rows.pledged}/${rows.backers}`,
      );
    }
  }
  const tiers = await db
    .selectFrom("reward_tiers")
    .leftJoin("pledges", (join) =>
      join.onRef("pledges.tier_id", "=", "reward_tiers.id").on("pledges.holds_stock", "=", 1),
    )
    .select((eb) => [
      "reward_tiers.id",
      "reward_tiers.stock_limit",
      "reward_tiers.claimed_count",
      eb.fn.count<number>("pledges.id").as("holders"),
    ])
    .groupBy(["reward_tiers.id", "reward_tiers.stock_limit", "reward_tiers.claimed_count"])
    .execute();
  for (const tier of tiers) {
    if (Number(tier.holders) !== tier.claimed_count) {
      problems.push(`tier ${tier.id}: claimed ${tier.claimed_count}, held by ${tier.holders} pledges`);
    }
    if (tier.stock_limit !== null && tier.claimed_count > tier.stock_limit) {
      problems.push(`tier ${tier.id}: claimed ${tier.claimed_count} of ${tier.stock_limit}`);
    }
  }
  for (const { transaction_id, total } of await unbalancedTransactions(db)) {
    problems.push(`ledger transaction ${transaction_id} sums to ${total}`);
  }
  return problems;
}
