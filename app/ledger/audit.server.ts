// The audit log: every admin action on money (approve, mark paid, mark failed, override a fee,
// refund, import Stripe's lines) with who and when, written in the transaction of the action.
import { randomUUID } from "node:crypto";
import type { Db } from "~/lib/db.server";

export type AuditAction =
  | "payout.approve"
  | "payout.mark_paid"
  | "payout.mark_failed"
  | "fee.override"
  | "pledge.refund"
  | "stripe.import";

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

export interface AuditEntry {
  id: string;
  actorEmail: string;
  action: string;
  campaignId: string | null;
  subjectId: string | null;
  details: Record<string, unknown>;
  createdAt: string;
}

/** Newest first; one campaign's, or everything. */
export async function auditEntries(
  db: Db,
  filter: { campaignId?: string; limit?: number } = {},
): Promise<AuditEntry[]> {
  let query = db
    .selectFrom("audit_log")
    .selectAll()
    .orderBy("created_at", "desc")
    .orderBy("id")
    .limit(filter.limit ?? 200);
  if (filter.campaignId) query = query.where("campaign_id", "=", filter.campaignId);
  const rows = await query.execute();
  return rows.map((r) => ({
    id: r.id,
    actorEmail: r.actor_email,
    action: r.action,
    campaignId: r.campaign_id,
    subjectId: r.subject_id,
    details: JSON.parse(r.details) as Record<string, unknown>,
    createdAt: r.created_at,
  }));
}
