// Emails on a schedule rather than on an event: "48 hours left" to backers and owners, and each
// owner's daily digest of new pledges. Dedupe keys make a rerun (or a second worker) queue nothing new.
import { inTransaction, type Db } from "~/lib/db.server";
import { HOUR, DAY, toLocal } from "~/lib/time";
import { queueEmails, type QueuedEmail } from "./outbox.server";
import { campaignBackers, campaignForEmails, snapshotFor } from "./snapshot.server";

/** Live campaigns ending within 48 hours get their reminder, once. */
export async function queueDeadlineReminders(db: Db, now: Date): Promise<number> {
  const due = await db
    .selectFrom("campaigns")
    .select("id")
    .where("status", "=", "live")
    .where("deadline_at", ">", now.toISOString())
    .where("deadline_at", "<=", new Date(now.getTime() + 48 * HOUR).toISOString())
    .execute();
  let queued = 0;
  for (const { id } of due) {
    queued += await inTransaction(db, async (trx) => {
      const campaign = await campaignForEmails(trx, id, now);
      const backers = await campaignBackers(trx, id);
      const emails: QueuedEmail[] = backers.map((backer) => ({
        kind: "deadline_reminder",
        dedupeKey: `reminder-48h:${id}:${backer.email}`,
        to: backer.email,
        name: backer.name,
        locale: backer.locale,
        props: { campaign: snapshotFor(campaign, backer.locale), audience: "backer" },
        campaignId: id,
      }));
      emails.push({
        kind: "deadline_reminder",
        dedupeKey: `reminder-48h:${id}:owner`,
        to: campaign.ownerEmail,
        name: campaign.ownerName,
        locale: campaign.ownerLocale,
        props: { campaign: snapshotFor(campaign, campaign.ownerLocale), audience: "owner" },
        campaignId: id,
      });
      return queueEmails(trx, emails, now);
    });
  }
  return queued;
}

/** Digests go out from 8 in the morning, campaign time, for the pledges of the past day. */
export const DIGEST_HOUR = 8;

export async function queueOwnerDigests(db: Db, now: Date): Promise<number> {
  const since = new Date(now.getTime() - DAY).toISOString();
  const rows = await db
    .selectFrom("pledges")
    .innerJoin("campaigns", "campaigns.id", "pledges.campaign_id")
    .select((eb) => [
      "campaigns.id",
      "campaigns.time_zone",
      eb.fn.countAll<number>().as("count"),
      eb.fn.sum<number>("pledges.amount").as("amount"),
    ])
    .where("campaigns.status", "=", "live")
    .where("pledges.status", "in", ["committed", "collected", "payment_failed"])
    .where("pledges.committed_at", ">", since)
    .groupBy(["campaigns.id", "campaigns.time_zone"])
    .execute();
  let queued = 0;
  for (const row of rows) {
    const local = toLocal(now, row.time_zone);
    if (local.hour < DIGEST_HOUR) continue;
    const day = `${local.year}-${String(local.month).padStart(2, "0")}-${String(local.day).padStart(2, "0")}`;
    const campaign = await campaignForEmails(db, row.id, now);
    queued += await queueEmails(
      db,
      [
        {
          kind: "owner_daily_digest",
          dedupeKey: `digest:${row.id}:${day}`,
          to: campaign.ownerEmail,
          name: campaign.ownerName,
          locale: campaign.ownerLocale,
          props: {
            campaign: snapshotFor(campaign, campaign.ownerLocale),
            day,
            newPledges: Number(row.count),
            newAmount: Number(row.amount),
            dashboardUrl: `/campaigns/${campaign.slug}`,
          },
          campaignId: row.id,
        },
      ],
      now,
    );
  }
  return queued;
}
