// Signed-in people for route tests: a session opened the way the app opens one, its cookie, and the
// anti-forgery token its pages carry.
import type { AppLoadContext } from "@remix-run/node";
import { csrfToken } from "~/auth/csrf.server";
import { createSession, sessionCookieHeader } from "~/auth/session.server";
import { createUser } from "./factories";

export async function signedInAs(
  context: AppLoadContext,
  email: string,
): Promise<{ id: string; cookie: string; sessionId: string; csrf: string }> {
  const existing = await context.db
    .selectFrom("users")
    .select("id")
    .where("email", "=", email)
    .executeTakeFirst();
  const id = existing?.id ?? (await createUser(context.db, { email }));
  const session = await createSession(context.db, id, context.clock());
  const cookie = await sessionCookieHeader(context.config, session.token);
  return { id, cookie, sessionId: session.id, csrf: csrfToken(context.config.SESSION_SECRET, session.id) };
}
