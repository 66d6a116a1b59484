// The audit log: every admin action on money (approve, mark paid, mark failed, override a fee,
// refund, import Stripe's lines), every review decision (approve, send back, cancel a campaign) and
// every moderation of a campaign's comments (a report, a hide, a show again), with who and when,
// written in the transaction of the action.
import { randomUUID } from "node:crypto";
import { sql } from "kysely";
import type { Db } from "~/lib/db.server";
import { beyond, likePattern, type Cursor } from "~/lib/listing";

export type AuditAction =
  | "payout.approve"
  | "payout.mark_paid"
  | "payout.mark_failed"
  | "fee.override"
  | "pledge.refund"
  | "stripe.import"
  | "campaign.approve"
  | "campaign.send_back"
  | "campaign.cancel"
  | "comment.report"
  | "comment.hide"
  | "comment.unhide"
  | "account.delete";

export interface Actor {
  id: string | null;
  email: string;
}

export async function audit(
  db: Db,
  actor: Actor,
  entry: {
    action: AuditAction;
    campaignId?: string | null;
    subjectId?: string | null;
    details: Record<string, unknown>;
  },
  now: Date,
): Promise<void> {
  await db
    .insertInto("audit_log")
    .values({
      id: randomUUID(),
      actor_id: actor.id,
      actor_email: actor.email,
      action: entry.action,
      campaign_id: entry.campaignId ?? null,
      subject_id: entry.subjectId ?? null,
      details: JSON.stringify(entry.details),
      created_at: now.toISOString(),
    })
    .execute();
}

export const auditActions: readonly AuditAction[] = [
  "campaign.approve",
  "campaign.send_back",
  "campaign.cancel",
  "payout.approve",
  "payout.mark_paid",
  "payout.mark_failed",
  "fee.override",
  "pledge.refund",
  "stripe.import",
  "comment.report",
  "comment.hide",
  "comment.unhide",
  "account.delete",
];

export interface AuditEntry {
  id: string;
  actorEmail: string;
  action: string;
  campaignId: string | null;
  campaignTitle: string | null;
  subjectId: string | null;
  details: Record<string, unknown>;
  createdAt: string;
}

export interface AuditFilter {
  campaignId?: string | null;
  action?: string | null;
  /** Part of the actor's email. */
  actor?: string | null;
  /** The page after this entry, newest first. */
  before?: Cursor | null;
  limit?: number;
}

/** Newest first, with the campaign's title; filtered, one page at a time (keyset). */
export async function auditEntries(db: Db, filter: AuditFilter = {}): Promise<AuditEntry[]> {
  let query = db
    .selectFrom("audit_log")
    .leftJoin("campaigns", "campaigns.id", "audit_log.campaign_id")
    .selectAll("audit_log")
    .select("campaigns.title as campaign_title")
    .orderBy("audit_log.created_at", "desc")
    .orderBy("audit_log.id", "desc")
    .limit(filter.limit ?? 200);
  if (filter.campaignId) query = query.where("audit_log.campaign_id", "=", filter.campaignId);
  if (filter.action) query = query.where("audit_log.action", "=", filter.action);
  if (filter.actor) {
    query = query.where(
      sql<boolean>`lower(audit_log.actor_email) like ${likePattern(filter.actor)} escape '\\'`,
    );
  }
  if (filter.before) query = query.where(beyond("audit_log", "<", filter.before));
  const rows = await query.execute();
  return rows.map((r) => ({
    id: r.id,
    actorEmail: r.actor_email,
    action: r.action,
    campaignId: r.campaign_id,
    campaignTitle: r.campaign_title,
    subjectId: r.subject_id,
    details: JSON.parse(r.details) as Record<string, unknown>,
    createdAt: r.created_at,
  }));
}

/** The campaigns the log names, to filter by. */
export function auditedCampaigns(db: Db) {
  return db
    .selectFrom("campaigns")
    .select(["id", "title"])
    .where("id", "in", (eb) =>
      eb.selectFrom("audit_log").select("campaign_id").where("campaign_id", "is not", null),
    )
    .orderBy("title")
    .execute();
}
