// Sign-in by a one-time link sent by email: the token is random, stored hashed, expires in
// 20 minutes and works once. Requests are limited per address and per IP address.
import { createHash, randomBytes, randomUUID } from "node:crypto";
import type { User } from "#db/schema.ts";
import { inTransaction, type Db } from "~/lib/db.server";
import { AuthError } from "~/lib/errors";
import { HOUR, MINUTE } from "~/lib/time";

export const LINK_LIFETIME = 20 * MINUTE;
export const LIMIT_PER_EMAIL = 5;
export const LIMIT_PER_IP = 20;

const hash = (token: string) => createHash("sha256").update(token).digest("hex");

/** A link just made, for the email that carries it. */
export interface SignInLink {
  id: string;
  /** The address as stored: trimmed, lower case. */
  email: string;
  url: string;
}

/**
 * Makes a link for an address, unless it or the IP address asked too often in the past hour, and
 * gives it to `send` in the transaction that stores it (the email is notifications' business:
 * app/notifications/sign-in-email.server.ts), so a link is never stored without its email.
 */
export async function issueSignInLink(
  db: Db,
  request: { email: string; ip: string | null; redirectTo: string | null; publicUrl: string },
  now: Date,
  send: (trx: Db, link: SignInLink) => Promise<unknown>,
): Promise<void> {
  const email = request.email.trim().toLowerCase();
  const since = new Date(now.getTime() - HOUR).toISOString();
  const count = async (column: "email" | "ip", value: string) =>
    Number(
      (
        await db
          .selectFrom("sign_in_tokens")
          .select((eb) => eb.fn.countAll<number>().as("n"))
          .where(column, "=", value)
          .where("created_at", ">", since)
          .executeTakeFirstOrThrow()
      ).n,
    );
  if (
    (await count("email", email)) >= LIMIT_PER_EMAIL ||
    (request.ip && (await count("ip", request.ip)) >= LIMIT_PER_IP)
  ) {
    throw new AuthError("too_many_requests", "Too many sign-in emails; try again in an hour");
  }
  const token = randomBytes(32).toString("base64url");
  await inTransaction(db, async (trx) => {
    const id = randomUUID();
    await trx
      .insertInto("sign_in_tokens")
      .values({
        id,
        email,
        token_hash: hash(token),
        ip: request.ip,
        redirect_to: request.redirectTo,
        created_at: now.toISOString(),
        expires_at: new Date(now.getTime() + LINK_LIFETIME).toISOString(),
        used_at: null,
      })
      .execute();
    await send(trx, { id, email, url: `${request.publicUrl}/auth/verify?token=${token}` });
  });
}

/** Uses a link: the user it signs in (created on first sign-in) and where to go next, or null. */
export async function verifySignInLink(
  db: Db,
  token: string,
  now: Date,
): Promise<{ user: User; redirectTo: string | null } | null> {
  return inTransaction(db, async (trx) => {
    const row = await trx
      .selectFrom("sign_in_tokens")
      .selectAll()
      .where("token_hash", "=", hash(token))
      .executeTakeFirst();
    if (!row || row.used_at || row.expires_at <= now.toISOString()) return null;
    const used = await trx
      .updateTable("sign_in_tokens")
      .set({ used_at: now.toISOString() })
      .where("id", "=", row.id)
      .where("used_at", "is", null)
      .executeTakeFirst();
    if (used.numUpdatedRows !== 1n) return null;
    let user = await trx.selectFrom("users").selectAll().where("email", "=", row.email).executeTakeFirst();
    if (!user) {
      const id = randomUUID();
      await trx
        .insertInto("users")
        .values({
          id,
          email: row.email,
          name: row.email.split("@")[0] ?? row.email,
          locale: "fr",
          created_at: now.toISOString(),
        })
        .execute();
      user = await trx.selectFrom("users").selectAll().where("id", "=", id).executeTakeFirstOrThrow();
    }
    return { user, redirectTo: row.redirect_to };
  });
}
