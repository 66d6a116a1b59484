// Signed-in people for route tests: a session cookie made the way the app makes one.
import type { AppLoadContext } from "@remix-run/node";
import { sessionStorage } from "~/auth/session.server";
import { createUser } from "./factories";

export async function signedInAs(
  context: AppLoadContext,
  email: string,
): Promise<{ id: string; cookie: string }> {
  const existing = await context.db
    .selectFrom("users")
    .select("id")
    .where("email", "=", email)
    .executeTakeFirst();
  const id = existing?.id ?? (await createUser(context.db, { email }));
  const storage = sessionStorage(context.config);
  const session = await storage.getSession();
  session.set("userId", id);
  const cookie = (await storage.commitSession(session)).split(";")[0]!;
  return { id, cookie };
}
