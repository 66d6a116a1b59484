// A campaign's life after writing: draft → in_review (the owner submits) → live (an admin approves,
// for now or a later moment) → succeeded | failed (the close at the deadline, closing.server.ts), or
// back to draft with a reviewer's message, or canceled by an admin. Commands that a person asks for
// take `{ campaignId, actor }` and check, in their transaction, that it is the actor's to do.
import type { Campaign } from "#db/schema.ts";
import { audit } from "~/ledger/audit.server";
import { formatZonedInstant } from "~/lib/zoned-time.server";
import { localeOrDefault } from "~/i18n/negotiate.server";
import { queueEmail } from "~/notifications/outbox.server";
import { campaignForEmails, snapshotFor } from "~/notifications/snapshot.server";
import { inTransaction, type Db } from "~/lib/db.server";
import { CampaignError } from "~/lib/errors";
import { campaignPagesChanged } from "~/lib/page-changes";
import { campaignProgressChanged } from "~/lib/progress-changes.server";
import { campaignDeadline, DAY, toLocal } from "~/lib/time";
import { cancelPledge, expirePledge } from "~/pledges/pledges.server";
import { campaignForCommand, findCampaign, type CampaignTarget } from "./access.server";

export { closeCampaignIfDue, closeCampaignsDue, type ClosedCampaign } from "./closing.server";

const iso = (d: Date) => d.toISOString();

/** The owner (or an admin) sends a draft to review. */
export async function submitForReview(db: Db, target: CampaignTarget, now: Date): Promise<void> {
  await inTransaction(db, async (trx) => {
    const campaign = await campaignForCommand(trx, target);
    const result = await trx
      .updateTable("campaigns")
      .set({ status: "in_review", review_message: null, updated_at: iso(now) })
      .where("id", "=", campaign.id)
      .where("status", "=", "draft")
      .executeTakeFirst();
    if (result.numUpdatedRows !== 1n) throw new CampaignError("not_a_draft", "Only a draft can be submitted");
  });
  campaignPagesChanged();
}

/** An admin approves: the campaign goes live now (or at `launchAt`); its deadline is set from then. */
export async function approveCampaign(
  db: Db,
  target: CampaignTarget,
  launchAt: Date | null,
  now: Date,
): Promise<void> {
  await inTransaction(db, async (trx) => {
    const campaign = await campaignForCommand(trx, target, "admin.access");
    const later = launchAt && launchAt > now ? launchAt : null;
    if (later) await scheduleLaunch(trx, campaign.id, later, now);
    else await launch(trx, campaign, now);
    await audit(
      trx,
      target.actor,
      {
        action: "campaign.approve",
        campaignId: campaign.id,
        details: later ? { launchAt: iso(later) } : {},
      },
      now,
    );
    // The owner hears of it (the review's other outcome, a send-back, is emailed too).
    const details = await campaignForEmails(trx, campaign.id, now);
    await queueEmail(
      trx,
      {
        kind: "campaign_approved",
        dedupeKey: `approved:${campaign.id}`,
        to: details.ownerEmail,
        name: details.ownerName,
        locale: details.ownerLocale,
        props: {
          campaign: snapshotFor(details, details.ownerLocale),
          launchText: later
            ? formatZonedInstant(later, campaign.time_zone, localeOrDefault(details.ownerLocale))
            : null,
          campaignUrl: `/campaigns/${campaign.slug}`,
        },
        campaignId: campaign.id,
      },
      now,
    );
  });
  campaignPagesChanged();
}

async function scheduleLaunch(trx: Db, campaignId: string, launchAt: Date, now: Date): Promise<void> {
  const scheduled = await trx
    .updateTable("campaigns")
    .set({ launch_at: iso(launchAt), updated_at: iso(now) })
    .where("id", "=", campaignId)
    .where("status", "=", "in_review")
    .executeTakeFirst();
  if (scheduled.numUpdatedRows !== 1n) throw new CampaignError("not_in_review", "Not in review");
}

/** With an end date, the number of days from the launch day to it, counted in the campaign's zone. */
export function durationUntil(launch: Date, endDate: string, timeZone: string): number {
  const start = toLocal(launch, timeZone);
  const [year, month, day] = endDate.split("-").map(Number) as [number, number, number];
  return (
    Math.round((Date.UTC(year, month - 1, day) - Date.UTC(start.year, start.month - 1, start.day)) / DAY) + 1
  );
}

async function launch(trx: Db, campaign: Campaign, now: Date): Promise<void> {
  const days = campaign.end_date
    ? durationUntil(now, campaign.end_date, campaign.time_zone)
    : campaign.duration_days;
  if (days < 1 || days > 60) {
    throw new CampaignError("bad_end_date", "The end date must be 1 to 60 days after the launch");
  }
  const deadline = campaignDeadline(now, days, campaign.time_zone);
  const result = await trx
    .updateTable("campaigns")
    .set({
      status: "live",
      launched_at: iso(now),
      deadline_at: iso(deadline),
      duration_days: days,
      launch_at: null,
      updated_at: iso(now),
    })
    .where("id", "=", campaign.id)
    .where("status", "=", "in_review")
    .executeTakeFirst();
  if (result.numUpdatedRows !== 1n) throw new CampaignError("not_in_review", "Not in review");
  campaignProgressChanged(trx, campaign.id);
}

/** Campaigns approved for a later launch go live when their moment comes (a job). */
export async function launchScheduledCampaigns(db: Db, now: Date): Promise<number> {
  const due = await db
    .selectFrom("campaigns")
    .select("id")
    .where("status", "=", "in_review")
    .where("launch_at", "<=", iso(now))
    .execute();
  let launched = 0;
  for (const { id } of due) {
    await inTransaction(db, async (trx) => {
      const campaign = await findCampaign(trx, id);
      if (campaign) await launch(trx, campaign, now);
      launched++;
    }).catch(() => undefined);
  }
  if (launched) campaignPagesChanged();
  return due.length;
}

/** An admin sends the draft back with a message, which the owner receives by email. */
export async function sendBackToDraft(
  db: Db,
  target: CampaignTarget,
  message: string,
  now: Date,
): Promise<void> {
  await inTransaction(db, async (trx) => {
    const { id: campaignId } = await campaignForCommand(trx, target, "admin.access");
    const result = await trx
      .updateTable("campaigns")
      .set({ status: "draft", review_message: message, launch_at: null, updated_at: iso(now) })
      .where("id", "=", campaignId)
      .where("status", "=", "in_review")
      .executeTakeFirst();
    if (result.numUpdatedRows !== 1n) throw new CampaignError("not_in_review", "Not in review");
    await audit(trx, target.actor, { action: "campaign.send_back", campaignId, details: { message } }, now);
    const details = await campaignForEmails(trx, campaignId, now);
    await queueEmail(
      trx,
      {
        kind: "review_feedback",
        dedupeKey: `review:${campaignId}:${iso(now)}`,
        to: details.ownerEmail,
        name: details.ownerName,
        locale: details.ownerLocale,
        props: {
          campaign: snapshotFor(details, details.ownerLocale),
          message,
          editUrl: `/manage/campaigns/${campaignId}`,
        },
        campaignId,
      },
      now,
    );
  });
  campaignPagesChanged();
}

/**
 * An admin cancels a campaign (a fraud, a project that cannot happen): it stops taking pledges,
 * open checkouts expire, saved cards are released and never charged. Pledges already collected
 * (flexible campaigns) stay collected: each needs a refund, which the follow-up page offers.
 */
export async function cancelCampaign(
  db: Db,
  target: CampaignTarget,
  now: Date,
): Promise<{ released: number; toRefund: number }> {
  const canceled = await inTransaction(db, async (trx) => {
    const campaign = await campaignForCommand(trx, target, "admin.access");
    if (["canceled", "succeeded", "failed"].includes(campaign.status))
      throw new CampaignError("closed", "Already closed");
    await trx
      .updateTable("campaigns")
      .set({
        status: "canceled",
        closed_at: iso(now),
        final_pledged_amount: campaign.pledged_amount,
        final_backer_count: campaign.backer_count,
        updated_at: iso(now),
      })
      .where("id", "=", campaign.id)
      .execute();
    campaignProgressChanged(trx, campaign.id);
    const pledges = await trx
      .selectFrom("pledges")
      .select(["id", "status"])
      .where("campaign_id", "=", campaign.id)
      .execute();
    let released = 0;
    for (const pledge of pledges) {
      if (pledge.status === "pending") await expirePledge(trx, pledge.id, "campaign_closed", now);
      if (pledge.status === "committed" && (await cancelPledge(trx, pledge.id, "campaign_closed", now)))
        released++;
    }
    const outcome = { released, toRefund: pledges.filter((p) => p.status === "collected").length };
    await audit(
      trx,
      target.actor,
      { action: "campaign.cancel", campaignId: campaign.id, details: outcome },
      now,
    );
    return outcome;
  });
  campaignPagesChanged();
  return canceled;
}
