// Who is asking: a signed, HttpOnly, SameSite=Lax session cookie holding the user's id.
import {
  createCookieSessionStorage,
  redirect,
  type AppLoadContext,
  type SessionStorage,
} from "@remix-run/node";
import type { User } from "#db/schema.ts";
import type { Config } from "~/lib/config.server";

const storages = new Map<string, SessionStorage>();

export function sessionStorage(config: Pick<Config, "SESSION_SECRET" | "PUBLIC_URL">): SessionStorage {
  let storage = storages.get(config.SESSION_SECRET);
  if (!storage) {
    storage = createCookieSessionStorage({
      cookie: {
        name: "tdt_session",
        httpOnly: true,
        sameSite: "lax",
        path: "/",
        secure: config.PUBLIC_URL.startsWith("https://"),
        secrets: [config.SESSION_SECRET],
        maxAge: 30 * 24 * 3600,
      },
    });
    storages.set(config.SESSION_SECRET, storage);
  }
  return storage;
}

export async function currentUser(request: Request, context: AppLoadContext): Promise<User | null> {
  const session = await sessionStorage(context.config).getSession(request.headers.get("Cookie"));
  const userId = session.get("userId");
  if (typeof userId !== "string") return null;
  return (
    (await context.db.selectFrom("users").selectAll().where("id", "=", userId).executeTakeFirst()) ?? null
  );
}

/** The signed-in user, or a redirect to the sign-in page that comes back here afterwards. */
export async function requireUser(request: Request, context: AppLoadContext): Promise<User> {
  const user = await currentUser(request, context);
  if (!user) {
    const url = new URL(request.url);
    throw redirect(`/sign-in?${new URLSearchParams({ redirectTo: url.pathname + url.search })}`);
  }
  return user;
}

export async function signInHeaders(
  context: AppLoadContext,
  request: Request,
  userId: string,
): Promise<Headers> {
  const storage = sessionStorage(context.config);
  const session = await storage.getSession(request.headers.get("Cookie"));
  session.set("userId", userId);
  return new Headers({ "Set-Cookie": await storage.commitSession(session) });
}

export async function signOutHeaders(context: AppLoadContext, request: Request): Promise<Headers> {
  const storage = sessionStorage(context.config);
  const session = await storage.getSession(request.headers.get("Cookie"));
  return new Headers({ "Set-Cookie": await storage.destroySession(session) });
}
