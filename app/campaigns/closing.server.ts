// Closing at the deadline: exactly once per campaign (a guarded update), even with two workers or
// after a restart that missed the moment. All-or-nothing: succeeded if the committed total reached
// the goal (cards are then charged by the charge run), else failed and every pledge is released.
// Flexible campaigns were paid at pledge time: they close as funded, with nothing to charge.
import { queueEmails, type QueuedEmail } from "~/notifications/outbox.server";
import { campaignForEmails, snapshotFor } from "~/notifications/snapshot.server";
import { cancelPledge, expirePledge } from "~/pledges/pledges.server";
import { inTransaction, type Db } from "~/lib/db.server";
import { campaignPagesChanged } from "~/lib/page-changes";
import { campaignProgressChanged } from "~/lib/progress-changes.server";

export interface ClosedCampaign {
  id: string;
  outcome: "succeeded" | "failed";
}

export async function closeCampaignsDue(db: Db, now: Date): Promise<ClosedCampaign[]> {
  const due = await db
    .selectFrom("campaigns")
    .select("id")
    .where("status", "=", "live")
    .where("deadline_at", "<=", now.toISOString())
    .execute();
  const closed: ClosedCampaign[] = [];
  for (const { id } of due) {
    const outcome = await inTransaction(db, (trx) => closeCampaign(trx, id, now));
    if (outcome) closed.push({ id, outcome });
  }
  // Their pages say closed now (in this process at once; elsewhere within RENDER_CACHE_MS).
  if (closed.length) campaignPagesChanged();
  return closed;
}

/**
 * Closes one campaign whose deadline has passed, as closeCampaignsDue does each of them (null when
 * it is not due or was closed already): for a caller that must not close anyone else's.
 */
export async function closeCampaignIfDue(
  db: Db,
  campaignId: string,
  now: Date,
): Promise<ClosedCampaign["outcome"] | null> {
  const outcome = await inTransaction(db, (trx) => closeCampaign(trx, campaignId, now));
  if (outcome) campaignPagesChanged();
  return outcome;
}

async function closeCampaign(
  db: Db,
  campaignId: string,
  now: Date,
): Promise<ClosedCampaign["outcome"] | null> {
  const campaign = await db
    .selectFrom("campaigns")
    .select(["pledged_amount", "goal_amount", "backer_count", "funding_model"])
    .where("id", "=", campaignId)
    .executeTakeFirstOrThrow();
  const outcome =
    campaign.funding_model === "flexible" || campaign.pledged_amount >= campaign.goal_amount
      ? "succeeded"
      : "failed";
  const closing = await db
    .updateTable("campaigns")
    .set({
      status: outcome,
      closed_at: now.toISOString(),
      final_pledged_amount: campaign.pledged_amount,
      final_backer_count: campaign.backer_count,
      updated_at: now.toISOString(),
    })
    .where("id", "=", campaignId)
    .where("status", "=", "live")
    .where("deadline_at", "<=", now.toISOString())
    .executeTakeFirst();
  // Another worker closed it a moment ago.
  if (closing.numUpdatedRows !== 1n) return null;
  campaignProgressChanged(db, campaignId);

  const pledges = await db
    .selectFrom("pledges")
    .select(["id", "status", "amount", "refunded_amount", "backer_email", "backer_name", "locale"])
    .where("campaign_id", "=", campaignId)
    .where("status", "in", ["pending", "committed", "collected"])
    .execute();
  // Checkouts still open at the close will never count.
  for (const pledge of pledges.filter((p) => p.status === "pending"))
    await expirePledge(db, pledge.id, "after_deadline", now);
  if (outcome === "failed") {
    // Nobody is charged; saved cards are never used again.
    for (const pledge of pledges.filter((p) => p.status === "committed")) {
      await cancelPledge(db, pledge.id, "campaign_closed", now);
    }
  }

  const details = await campaignForEmails(db, campaignId, now);
  const counted = pledges.filter((p) => p.status !== "pending");
  const kind = outcome === "succeeded" ? "campaign_succeeded" : "campaign_failed";
  const emails: QueuedEmail[] = counted.map((pledge) =>
    outcome === "succeeded"
      ? {
          kind: "campaign_succeeded",
          dedupeKey: `${kind}:${campaignId}:${pledge.id}`,
          to: pledge.backer_email,
          name: pledge.backer_name,
          locale: pledge.locale,
          props: {
            campaign: snapshotFor(details, pledge.locale),
            audience: "backer",
            amount: pledge.amount - pledge.refunded_amount,
          },
          campaignId,
          pledgeId: pledge.id,
        }
      : {
          kind: "campaign_failed",
          dedupeKey: `${kind}:${campaignId}:${pledge.id}`,
          to: pledge.backer_email,
          name: pledge.backer_name,
          locale: pledge.locale,
          props: { campaign: snapshotFor(details, pledge.locale), audience: "backer" },
          campaignId,
          pledgeId: pledge.id,
        },
  );
  emails.push(
    outcome === "succeeded"
      ? {
          kind: "campaign_succeeded",
          dedupeKey: `${kind}:${campaignId}:owner`,
          to: details.ownerEmail,
          name: details.ownerName,
          locale: details.ownerLocale,
          props: { campaign: snapshotFor(details, details.ownerLocale), audience: "owner" },
          campaignId,
        }
      : {
          kind: "campaign_failed",
          dedupeKey: `${kind}:${campaignId}:owner`,
          to: details.ownerEmail,
          name: details.ownerName,
          locale: details.ownerLocale,
          props: { campaign: snapshotFor(details, details.ownerLocale), audience: "owner" },
          campaignId,
        },
  );
  await queueEmails(db, emails, now);
  return outcome;
}
