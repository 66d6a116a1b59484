// Milestones: 25, 50, 75 and 100 % of the goal and each stretch goal. Each is reached once per
// campaign (a unique row), so its emails are queued once: also when pledges cross it together, when
// webhooks are replayed, and when a refund dips below it and it is crossed again.
import type { Milestone } from "../../emails/milestone-reached";
import type { Db } from "~/lib/db.server";
import { queueEmails, type QueuedEmail } from "./outbox.server";
import { campaignBackers, campaignForEmails, snapshotFor } from "./snapshot.server";

const percents = [25, 50, 75, 100] as const;

/** Records the milestones the campaign's total has reached and queues their emails. */
export async function recordMilestones(db: Db, campaignId: string, now: Date): Promise<string[]> {
  const campaign = await db
    .selectFrom("campaigns")
    .select(["pledged_amount", "goal_amount"])
    .where("id", "=", campaignId)
    .executeTakeFirstOrThrow();
  const stretchGoals = await db
    .selectFrom("stretch_goals")
    .select(["id", "title", "target_amount"])
    .where("campaign_id", "=", campaignId)
    .where("target_amount", "<=", campaign.pledged_amount)
    .execute();
  const reachedPercents = percents.filter((p) => campaign.pledged_amount * 100 >= campaign.goal_amount * p);
  const candidates = [...reachedPercents.map(String), ...stretchGoals.map((g) => `stretch:${g.id}`)];
  if (candidates.length === 0) return [];

  const already = new Set(
    (
      await db
        .selectFrom("campaign_milestones")
        .select("milestone")
        .where("campaign_id", "=", campaignId)
        .where("milestone", "in", candidates)
        .execute()
    ).map((r) => r.milestone),
  );
  const fresh: string[] = [];
  for (const milestone of candidates.filter((m) => !already.has(m))) {
    // The unique key decides between two transactions crossing the same milestone together.
    const inserted = await db
      .insertInto("campaign_milestones")
      .values({ campaign_id: campaignId, milestone, reached_at: now.toISOString() })
      .onConflict((oc) => oc.columns(["campaign_id", "milestone"]).doNothing())
      .executeTakeFirst();
    if (Number(inserted.numInsertedOrUpdatedRows ?? 0n) === 1) fresh.push(milestone);
  }
  if (fresh.length === 0) return [];

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

  const details = await campaignForEmails(db, campaignId, now);
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
