// One-click unsubscribe (RFC 8058): a signed link per person and kind of email; the preference is
// checked when each email is sent, so an email queued before the click is not sent after it.
import { createHmac, timingSafeEqual } from "node:crypto";
import type { UnsubscribeKind } from "../../emails";
import type { Db } from "~/lib/db.server";

export function unsubscribeToken(secret: string, email: string, kind: string): string {
  return createHmac("sha256", secret)
    .update(`unsubscribe:${email.toLowerCase()}:${kind}`)
    .digest("base64url")
    .slice(0, 32);
}

export function verifyUnsubscribeToken(secret: string, email: string, kind: string, token: string): boolean {
  const expected = Buffer.from(unsubscribeToken(secret, email, kind));
  const given = Buffer.from(token);
  return given.length === expected.length && timingSafeEqual(given, expected);
}

export function unsubscribeUrl(
  publicUrl: string,
  secret: string,
  email: string,
  kind: UnsubscribeKind,
): string {
  const query = new URLSearchParams({ e: email, k: kind, t: unsubscribeToken(secret, email, kind) });
  return `${publicUrl}/unsubscribe?${query}`;
}

export async function unsubscribe(db: Db, email: string, kind: UnsubscribeKind, now: Date): Promise<void> {
  await db
    .insertInto("email_unsubscribes")
    .values({ email: email.toLowerCase(), kind, created_at: now.toISOString() })
    .onConflict((oc) => oc.columns(["email", "kind"]).doNothing())
    .execute();
}

export async function isUnsubscribed(db: Db, email: string, kind: string): Promise<boolean> {
  const row = await db
    .selectFrom("email_unsubscribes")
    .select("email")
    .where("email", "=", email.toLowerCase())
    .where("kind", "=", kind)
    .executeTakeFirst();
  return row !== undefined;
}
