// The email outbox: an email is a row queued in the caller's transaction, unique by its dedupe
// key, so it is never queued twice and never queued for something that rolled back.
import { randomUUID } from "node:crypto";
import type { EmailKind, EmailProps } from "../../emails";
import { localeOrDefault } from "~/i18n/negotiate.server";
import type { Db } from "~/lib/db.server";

interface QueuedEmailOf<K extends EmailKind> {
  kind: K;
  dedupeKey: string;
  to: string;
  name: string | null;
  locale: string;
  props: EmailProps<K>;
  campaignId?: string | null;
  pledgeId?: string | null;
}

/** An email to queue: its kind decides the shape of its props. */
export type QueuedEmail = { [K in EmailKind]: QueuedEmailOf<K> }[EmailKind];

const CHUNK = 200;

/** Queues emails in the caller's transaction; returns how many were new (the rest were already queued). */
export async function queueEmails(db: Db, emails: QueuedEmail[], now: Date): Promise<number> {
  let queued = 0;
  for (let i = 0; i < emails.length; i += CHUNK) {
    const result = await db
      .insertInto("email_outbox")
      .values(
        emails.slice(i, i + CHUNK).map((email) => ({
          id: randomUUID(),
          dedupe_key: email.dedupeKey,
          kind: email.kind,
          to_email: email.to,
          to_name: email.name,
          // The reader's language as given, if we have its messages file; delivery writes in it.
          locale: localeOrDefault(email.locale),
          props: JSON.stringify(email.props),
          campaign_id: email.campaignId ?? null,
          pledge_id: email.pledgeId ?? null,
          status: "queued" as const,
          next_attempt_at: now.toISOString(),
          claimed_by: null,
          claimed_at: null,
          last_error: null,
          message_id: null,
          created_at: now.toISOString(),
          sent_at: null,
        })),
      )
      .onConflict((oc) => oc.column("dedupe_key").doNothing())
      .executeTakeFirst();
    queued += Number(result.numInsertedOrUpdatedRows ?? 0n);
  }
  return queued;
}

export function queueEmail(db: Db, email: QueuedEmail, now: Date): Promise<number> {
  return queueEmails(db, [email], now);
}
