// Milestones: 25, 50, 75 and 100 % of the goal and each stretch goal. Each is reached once per
// campaign (a unique row), so its emails are queued once: also when pledges cross it together, when
// webhooks are replayed, and when a refund dips below it and it is crossed again.
import type { Milestone } from "../../emails/milestone-reached";
import { sql } from "kysely";
import type { Db } from "~/lib/db.server";
import { queueEmails, type QueuedEmail } from "./outbox.server";
import { campaignBackers, campaignForEmails, snapshotFor, type CampaignForEmails } from "./snapshot.server";

const percents = [25, 50, 75, 100] as const;

/**
 * What a campaign's totals update returns so that the milestone check needs no statement of its own
 * when nothing is crossed (nearly every pledge): which percentages are already recorded, and the
 * lowest stretch goal not yet reached. Subqueries on `campaigns`, beside `campaignEmailColumns()`
 * (which brings the totals themselves).
 */
export function milestoneColumns() {
  return [
    sql<
      number | null
    >`(select min(target_amount) from stretch_goals where stretch_goals.campaign_id = campaigns.id and stretch_goals.reached_at is null)`.as(
      "next_stretch_target",
    ),
    ...percents.map((p) =>
      sql<
        number | boolean
      >`exists (select 1 from campaign_milestones where campaign_milestones.campaign_id = campaigns.id and campaign_milestones.milestone = ${String(p)})`.as(
        `recorded_${p}`,
      ),
    ),
  ];
}

export interface MilestoneRow {
  pledged_amount: number;
  goal_amount: number;
  next_stretch_target: number | null;
  [recorded: `recorded_${number}`]: number | boolean;
}

/**
 * False when `recordMilestones` would find nothing new: no percentage reached and unrecorded, no
 * stretch goal unreached at or below the total. True sends it to look (and it decides for itself).
 */
export function mayReachMilestone(row: MilestoneRow): boolean {
  const pledged = Number(row.pledged_amount);
  if (row.next_stretch_target !== null && Number(row.next_stretch_target) <= pledged) return true;
  return percents.some((p) => pledged * 100 >= Number(row.goal_amount) * p && !Number(row[`recorded_${p}`]));
}

/**
 * Records the milestones the campaign's total has reached and queues their emails. `known`: the
 * campaign as the totals update that may have crossed them returned it (no need to read it again).
 */
export async function recordMilestones(
  db: Db,
  campaignId: string,
  now: Date,
  known?: { campaign: CampaignForEmails; totals: MilestoneRow },
): Promise<string[]> {
  const campaign =
    known?.totals ??
    (await db
      .selectFrom("campaigns")
      .select(["pledged_amount", "goal_amount"])
      .where("id", "=", campaignId)
      .executeTakeFirstOrThrow());
  const stretchGoals =
    known &&
    (known.totals.next_stretch_target === null || known.totals.next_stretch_target > campaign.pledged_amount)
      ? [] // none left to reach, or the lowest is still above the total: the others too
      : await db
          .selectFrom("stretch_goals")
          .select(["id", "title", "target_amount"])
          .where("campaign_id", "=", campaignId)
          .where("target_amount", "<=", campaign.pledged_amount)
          .execute();
  const reachedPercents = percents.filter((p) => campaign.pledged_amount * 100 >= campaign.goal_amount * p);
  const candidates = [...reachedPercents.map(String), ...stretchGoals.map((g) => `stretch:${g.id}`)];
  if (candidates.length === 0) return [];

  // The unique key decides between two transactions crossing the same milestone together: the
  // rows this insert returns are the ones it wrote, the milestones this change reached first.
  const fresh = (
    await db
      .insertInto("campaign_milestones")
      .values(
        candidates.map((milestone) => ({
          campaign_id: campaignId,
          milestone,
          reached_at: now.toISOString(),
        })),
      )
      .onConflict((oc) => oc.columns(["campaign_id", "milestone"]).doNothing())
      .returning("milestone")
      .execute()
  ).map((r) => r.milestone);
  if (fresh.length === 0) return [];

  // Known totals whose lowest unreached stretch goal is above the total: none to mark reached.
  if (stretchGoals.length || !known)
    await db
      .updateTable("stretch_goals")
      .set({ reached_at: now.toISOString() })
      .where("campaign_id", "=", campaignId)
      .where("reached_at", "is", null)
      .where("target_amount", "<=", campaign.pledged_amount)
      .execute();

  // One email per milestone crossed; when a single pledge jumps several percentages, only the
  // highest is announced (the others are recorded as reached, silently).
  const freshPercent = fresh.filter((m) => !m.startsWith("stretch:")).map(Number);
  const announced: { key: string; milestone: Milestone }[] = [];
  if (freshPercent.length) {
    const top = Math.max(...freshPercent) as 25 | 50 | 75 | 100;
    announced.push({ key: String(top), milestone: { type: "percent", percent: top } });
  }
  for (const goal of stretchGoals.filter((g) => fresh.includes(`stretch:${g.id}`))) {
    announced.push({
      key: `stretch:${goal.id}`,
      milestone: { type: "stretch", title: goal.title, target: goal.target_amount },
    });
  }

  const details = known?.campaign ?? (await campaignForEmails(db, campaignId, now));
  const backers = await campaignBackers(db, campaignId);
  const emails: QueuedEmail[] = [];
  for (const { key, milestone } of announced) {
    for (const backer of backers) {
      emails.push({
        kind: "milestone_reached",
        dedupeKey: `milestone:${campaignId}:${key}:${backer.email}`,
        to: backer.email,
        name: backer.name,
        locale: backer.locale,
        props: { campaign: snapshotFor(details, backer.locale), milestone, audience: "backer" },
        campaignId,
      });
    }
    emails.push({
      kind: "milestone_reached",
      dedupeKey: `milestone:${campaignId}:${key}:owner`,
      to: details.ownerEmail,
      name: details.ownerName,
      locale: details.ownerLocale,
      props: { campaign: snapshotFor(details, details.ownerLocale), milestone, audience: "owner" },
      campaignId,
    });
  }
  await queueEmails(db, emails, now);
  return fresh;
}
