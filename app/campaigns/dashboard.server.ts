// The owner's dashboard: the funding curve against the pace line, key numbers, the pledges table
// (filtered by tier and status) and the backers' CSV export.
import type { Campaign, PledgeStatus } from "#db/schema.ts";
import { toDecimalString } from "~/lib/money";
import { csvDocument } from "~/lib/csv";
import type { Db } from "~/lib/db.server";
import { countedPledgeStatuses } from "./campaigns.server";

export interface CurvePoint {
  at: string;
  cumulative: number;
}

/** Cumulative amount pledged (counted pledges, by commitment time) from launch to now or the close. */
export async function fundingCurve(db: Db, campaign: Pick<Campaign, "id">): Promise<CurvePoint[]> {
  const rows = await db
    .selectFrom("pledges")
    .select(["committed_at", "amount", "refunded_amount"])
    .where("campaign_id", "=", campaign.id)
    .where("status", "in", [...countedPledgeStatuses])
    .where("committed_at", "is not", null)
    .orderBy("committed_at")
    .execute();
  let total = 0;
  return rows.map((row) => {
    total += row.amount - row.refunded_amount;
    return { at: row.committed_at!, cumulative: total };
  });
}

/** How many more backers at the average pledge would reach the goal (0 when it is reached). */
export function backersToGoal(raised: number, goal: number, backers: number): number {
  if (raised >= goal || backers === 0) return 0;
  const average = raised / backers;
  return Math.ceil((goal - raised) / average);
}

export interface PledgeFilter {
  tierId?: string | null;
  status?: PledgeStatus | null;
}

export function listPledges(db: Db, campaignId: string, filter: PledgeFilter = {}) {
  let query = db
    .selectFrom("pledges")
    .leftJoin("reward_tiers", "reward_tiers.id", "pledges.tier_id")
    .select([
      "pledges.id",
      "pledges.backer_name",
      "pledges.backer_email",
      "pledges.amount",
      "pledges.refunded_amount",
      "pledges.currency",
      "pledges.status",
      "pledges.comment",
      "pledges.tier_id",
      "reward_tiers.title as tier_title",
      "reward_tiers.shipping_required",
      "pledges.created_at",
    ])
    .where("pledges.campaign_id", "=", campaignId)
    .where("pledges.status", "not in", ["pending", "expired"]);
  if (filter.tierId) query = query.where("pledges.tier_id", "=", filter.tierId);
  if (filter.status) query = query.where("pledges.status", "=", filter.status);
  return query.orderBy("pledges.created_at", "desc").execute();
}

export async function backersCsv(db: Db, campaignId: string): Promise<string> {
  const pledges = await listPledges(db, campaignId);
  const header = ["name", "email", "tier", "amount", "currency", "status", "shipping_needed", "comment"];
  return csvDocument(
    header,
    pledges.map((p) => [
      p.backer_name,
      p.backer_email,
      p.tier_title ?? "",
      toDecimalString(p.amount - p.refunded_amount, p.currency),
      p.currency,
      p.status,
      p.shipping_required === 1 ? "yes" : "no",
      p.comment ?? "",
    ]),
  );
}

/** The campaign's tiers in order, to filter its pledges by. */
export function tierChoices(db: Db, campaignId: string) {
  return db
    .selectFrom("reward_tiers")
    .select(["id", "title"])
    .where("campaign_id", "=", campaignId)
    .orderBy("position")
    .execute();
}
