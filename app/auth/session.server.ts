// Who is asking: sessions kept in the database (`sessions`), named by a random token in a signed,
// HttpOnly, SameSite=Lax cookie. Signing out deletes the row, so a copied cookie dies with it.
import { createHash, randomBytes } from "node:crypto";
import { createCookie, redirect, type AppLoadContext, type Cookie } from "@remix-run/node";
import type { User } from "#db/schema.ts";
import type { Config } from "~/lib/config.server";
import type { Db } from "~/lib/db.server";
import { DAY, MINUTE } from "~/lib/time";

/** Absolute: 30 days after sign-in the link has to be asked again (docs/decisions/018). */
export const SESSION_LIFETIME = 30 * DAY;
/** `last_seen_at` is written at most this often, not on every request. */
export const SEEN_PRECISION = MINUTE;

/** A signed-in person, with the session they came with (the CSRF token is tied to it). */
export type SignedInUser = User & { sessionId: string };

const cookies = new Map<string, Cookie>();

function sessionCookie(config: Pick<Config, "SESSION_SECRET" | "PUBLIC_URL">): Cookie {
  const key = `${config.SESSION_SECRET}\n${config.PUBLIC_URL}`;
  let cookie = cookies.get(key);
  if (!cookie) {
    cookie = createCookie("tdt_session", {
      httpOnly: true,
      sameSite: "lax",
      path: "/",
      secure: config.PUBLIC_URL.startsWith("https://"),
      secrets: [config.SESSION_SECRET],
      maxAge: SESSION_LIFETIME / 1000,
    });
    cookies.set(key, cookie);
  }
  return cookie;
}

/** The row's id: a database leak gives hashes, and no cookie can be made from one. */
const sessionId = (token: string) => createHash("sha256").update(token).digest("hex");

/** Opens a session for the user; the token goes in the cookie, only its hash is kept. */
export async function createSession(
  db: Db,
  userId: string,
  now: Date,
): Promise<{ token: string; id: string }> {
  const token = randomBytes(32).toString("base64url");
  const id = sessionId(token);
  // The person's sessions that ran out go now, rather than waiting for a sweep.
  await db
    .deleteFrom("sessions")
    .where("user_id", "=", userId)
    .where("expires_at", "<=", now.toISOString())
    .execute();
  await db
    .insertInto("sessions")
    .values({
      id,
      user_id: userId,
      created_at: now.toISOString(),
      last_seen_at: now.toISOString(),
      expires_at: new Date(now.getTime() + SESSION_LIFETIME).toISOString(),
    })
    .execute();
  return { token, id };
}

/** The user a session token belongs to while it lasts, or null; notes when it was last seen. */
export async function findSession(db: Db, token: string, now: Date): Promise<SignedInUser | null> {
  const id = sessionId(token);
  const row = await db
    .selectFrom("sessions")
    .innerJoin("users", "users.id", "sessions.user_id")
    .selectAll("users")
    .select(["sessions.last_seen_at", "sessions.expires_at"])
    .where("sessions.id", "=", id)
    .executeTakeFirst();
  if (!row || new Date(row.expires_at).getTime() <= now.getTime()) return null;
  if (now.getTime() - new Date(row.last_seen_at).getTime() >= SEEN_PRECISION) {
    await db.updateTable("sessions").set({ last_seen_at: now.toISOString() }).where("id", "=", id).execute();
  }
  const { last_seen_at: _seen, expires_at: _expires, ...user } = row;
  return { ...user, sessionId: id };
}

export async function deleteSession(db: Db, id: string): Promise<void> {
  await db.deleteFrom("sessions").where("id", "=", id).execute();
}

/** Sessions past their end, everyone's: a job runs it (a person's own go when they sign in again). */
export async function deleteExpiredSessions(db: Db, now: Date): Promise<number> {
  const result = await db
    .deleteFrom("sessions")
    .where("expires_at", "<=", now.toISOString())
    .executeTakeFirst();
  return Number(result.numDeletedRows);
}

/** "Sign out everywhere": every browser this person is signed in with, this one included. */
export async function deleteUserSessions(db: Db, userId: string): Promise<number> {
  const result = await db.deleteFrom("sessions").where("user_id", "=", userId).executeTakeFirst();
  return Number(result.numDeletedRows);
}

async function tokenOf(request: Request, context: AppLoadContext): Promise<string | null> {
  const value: unknown = await sessionCookie(context.config).parse(request.headers.get("Cookie"));
  return typeof value === "string" && value.length > 0 ? value : null;
}

export async function currentUser(request: Request, context: AppLoadContext): Promise<SignedInUser | null> {
  const token = await tokenOf(request, context);
  return token ? findSession(context.db, token, context.clock()) : null;
}

/** The signed-in user, or a redirect to the sign-in page that comes back here afterwards. */
export async function requireUser(request: Request, context: AppLoadContext): Promise<SignedInUser> {
  const user = await currentUser(request, context);
  if (!user) {
    const url = new URL(request.url);
    throw redirect(`/sign-in?${new URLSearchParams({ redirectTo: url.pathname + url.search })}`);
  }
  return user;
}

/**
 * Signs the user in with a new session: whatever session cookie the browser had (someone else's
 * planted one included) is replaced, never reused, and the one it named is ended.
 */
export async function signInHeaders(
  context: AppLoadContext,
  request: Request,
  userId: string,
): Promise<Headers> {
  const previous = await tokenOf(request, context);
  if (previous) await deleteSession(context.db, sessionId(previous));
  const { token } = await createSession(context.db, userId, context.clock());
  return new Headers({ "Set-Cookie": await sessionCookie(context.config).serialize(token) });
}

/** Ends this browser's session (or, with `everywhere`, all of its user's) and clears the cookie. */
export async function signOutHeaders(
  context: AppLoadContext,
  request: Request,
  { everywhere = false }: { everywhere?: boolean } = {},
): Promise<Headers> {
  const user = await currentUser(request, context);
  if (user) {
    if (everywhere) await deleteUserSessions(context.db, user.id);
    else await deleteSession(context.db, user.sessionId);
  }
  return new Headers({
    "Set-Cookie": await sessionCookie(context.config).serialize("", {
      maxAge: undefined,
      expires: new Date(0),
    }),
  });
}

/** The cookie a browser would hold for a token: for tests that sign people in without email. */
export async function sessionCookieHeader(
  config: Pick<Config, "SESSION_SECRET" | "PUBLIC_URL">,
  token: string,
): Promise<string> {
  return (await sessionCookie(config).serialize(token)).split(";")[0]!;
}
