// Sessions live in the database: signing out ends them for good (a copied cookie used to keep
// working: it was only a signed user id), "sign out everywhere" ends them all, sign-in always
// starts a fresh one, they expire 30 days after sign-in, and a CSRF token belongs to one session.
import { createHash } from "node:crypto";
import type { AppLoadContext } from "@remix-run/node";
import { expect, test } from "vitest";
import { csrfToken } from "~/auth/csrf.server";
import { currentUser, deleteExpiredSessions, SESSION_LIFETIME } from "~/auth/session.server";
import { requestSignInLink } from "~/notifications/sign-in-email.server";
import { loader as accountLoader } from "~/routes/account._index";
import { loader as verifyLoader } from "~/routes/auth.verify";
import { action as signOutAction } from "~/routes/sign-out";
import { testContext } from "../support/context";
import { useTestDatabase } from "../support/database";
import { callRoute } from "../support/routes";

const database = useTestDatabase();
const start = new Date("2026-12-01T12:00:00.000Z");

function contextAt(at: { now: Date }): AppLoadContext {
  return testContext(database(), { clock: () => at.now });
}

/** Signs in through the emailed link as a browser would; returns the cookie the browser keeps. */
async function signIn(context: AppLoadContext, email: string, cookie?: string): Promise<string> {
  const earlier = (await context.db.selectFrom("email_outbox").select("id").execute()).map((r) => r.id);
  await requestSignInLink(
    context.db,
    { email, ip: null, redirectTo: "/account", locale: "fr", publicUrl: "http://localhost:3000" },
    context.clock(),
  );
  const row = await context.db
    .selectFrom("email_outbox")
    .select("props")
    .where("to_email", "=", email)
    .$if(earlier.length > 0, (q) => q.where("id", "not in", earlier))
    .executeTakeFirstOrThrow();
  const link = new URL((JSON.parse(row.props) as { url: string }).url);
  const response = (await verifyLoader({
    request: new Request(`http://t/auth/verify${link.search}`, { headers: cookie ? { Cookie: cookie } : {} }),
    params: {},
    context,
  })) as Response;
  expect(response.headers.get("Location")).toBe("/account");
  const setCookie = response.headers.get("Set-Cookie") ?? "";
  expect(setCookie).toMatch(/^tdt_session=[^;]+; Max-Age=2592000; Path=\/; HttpOnly; SameSite=Lax/);
  return setCookie.split(";")[0]!;
}

const request = (cookie: string) => new Request("http://t/account", { headers: { Cookie: cookie } });

async function account(context: AppLoadContext, cookie: string) {
  return (await callRoute(accountLoader, { url: "http://t/account", context, headers: { Cookie: cookie } }))
    .status;
}

async function signOut(context: AppLoadContext, cookie: string, form: Record<string, string> = {}) {
  const user = await currentUser(request(cookie), context);
  const csrf = user ? csrfToken(context.config.SESSION_SECRET, user.sessionId) : "";
  return callRoute(signOutAction, {
    url: "http://t/sign-out",
    context,
    form: { csrf, ...form },
    headers: { Cookie: cookie },
  });
}

test("a copied cookie stops working once its owner signs out", async () => {
  const context = contextAt({ now: start });
  const cookie = await signIn(context, "copied@example.org");
  const copy = cookie;
  expect(await account(context, copy)).toBe(200);
  expect(await signOut(context, cookie)).toMatchObject({ status: 302, location: "/" });
  expect(await currentUser(request(copy), context)).toBeNull();
  expect(await account(context, copy)).toBe(302);
});

test("signing out everywhere ends the sessions of every other browser too", async () => {
  const context = contextAt({ now: start });
  const laptop = await signIn(context, "everywhere@example.org");
  const phone = await signIn(context, "everywhere@example.org");
  const someoneElse = await signIn(context, "bystander@example.org");
  // Signing out here only ends this browser's session.
  const tablet = await signIn(context, "everywhere@example.org");
  await signOut(context, tablet);
  expect(await account(context, laptop)).toBe(200);
  expect(await account(context, phone)).toBe(200);
  expect(await signOut(context, laptop, { scope: "everywhere" })).toMatchObject({ status: 302 });
  expect(await account(context, phone)).toBe(302);
  expect(await account(context, laptop)).toBe(302);
  expect(await account(context, someoneElse)).toBe(200);
});

test("signing in always opens a new session: a cookie planted before is neither reused nor kept", async () => {
  const context = contextAt({ now: start });
  const planted = await signIn(context, "attacker@example.org");
  const victim = await signIn(context, "victim@example.org", planted);
  expect(victim).not.toBe(planted);
  expect(await currentUser(request(planted), context)).toBeNull();
  expect((await currentUser(request(victim), context))?.email).toBe("victim@example.org");
  // Signing in again as the same person also changes the id.
  const again = await signIn(context, "victim@example.org", victim);
  expect(again).not.toBe(victim);
  expect(await currentUser(request(victim), context)).toBeNull();
});

test("the database keeps only a hash of the token: a leaked row is no cookie", async () => {
  const context = contextAt({ now: start });
  const cookie = await signIn(context, "leak@example.org");
  const user = (await currentUser(request(cookie), context))!;
  const rows = await context.db.selectFrom("sessions").selectAll().where("user_id", "=", user.id).execute();
  expect(rows).toHaveLength(1);
  expect(rows[0]!.id).toMatch(/^[0-9a-f]{64}$/);
  expect(rows[0]!.id).toBe(user.sessionId);
  const token = decodeURIComponent(cookie.split("=")[1]!);
  expect(token).not.toContain(rows[0]!.id);
  // A cookie made from the stored id is refused (it is not signed, and it hashes to another id).
  const forged = `tdt_session=${rows[0]!.id}`;
  expect(await currentUser(request(forged), context)).toBeNull();
  expect(createHash("sha256").update(rows[0]!.id).digest("hex")).not.toBe(rows[0]!.id);
});

test("a session ends 30 days after sign-in, however busy it was", async () => {
  const at = { now: start };
  const context = contextAt(at);
  const cookie = await signIn(context, "expiring@example.org");
  at.now = new Date(start.getTime() + SESSION_LIFETIME - 60_000);
  expect(await currentUser(request(cookie), context)).not.toBeNull();
  at.now = new Date(start.getTime() + SESSION_LIFETIME);
  expect(await currentUser(request(cookie), context)).toBeNull();
  expect(await account(context, cookie)).toBe(302);
});

test("when a session was last seen is written at most once a minute", async () => {
  const at = { now: start };
  const context = contextAt(at);
  const cookie = await signIn(context, "seen@example.org");
  const seen = async () =>
    (await context.db.selectFrom("sessions").select("last_seen_at").executeTakeFirstOrThrow()).last_seen_at;
  const user = (await currentUser(request(cookie), context))!;
  const lastSeen = async () =>
    new Date(
      (
        await context.db
          .selectFrom("sessions")
          .select("last_seen_at")
          .where("id", "=", user.sessionId)
          .executeTakeFirstOrThrow()
      ).last_seen_at,
    ).toISOString();
  expect(await seen()).toBeDefined();
  at.now = new Date(start.getTime() + 30_000);
  await currentUser(request(cookie), context);
  expect(await lastSeen()).toBe(start.toISOString());
  at.now = new Date(start.getTime() + 61_000);
  await currentUser(request(cookie), context);
  expect(await lastSeen()).toBe(at.now.toISOString());
});

test("a CSRF token from another session of the same person is refused", async () => {
  const context = contextAt({ now: start });
  const first = await signIn(context, "two-tabs@example.org");
  const second = await signIn(context, "two-tabs@example.org");
  const firstUser = (await currentUser(request(first), context))!;
  const answer = await callRoute(signOutAction, {
    url: "http://t/sign-out",
    context,
    form: { csrf: csrfToken(context.config.SESSION_SECRET, firstUser.sessionId) },
    headers: { Cookie: second },
  });
  expect(answer.status).toBe(403);
  // Nothing was signed out, and the right token works.
  expect(await account(context, second)).toBe(200);
  expect((await signOut(context, second)).status).toBe(302);
});

test("a CSRF token from before a sign-out is refused in the next session", async () => {
  const context = contextAt({ now: start });
  const before = await signIn(context, "signed-out-token@example.org");
  const staleToken = csrfToken(context.config.SESSION_SECRET, (await currentUser(request(before), context))!.sessionId);
  expect((await signOut(context, before)).status).toBe(302);
  const after = await signIn(context, "signed-out-token@example.org");
  const answer = await callRoute(signOutAction, {
    url: "http://t/sign-out",
    context,
    form: { csrf: staleToken },
    headers: { Cookie: after },
  });
  expect(answer.status).toBe(403);
  expect(await account(context, after)).toBe(200);
});

test("the sweep deletes sessions past their end and keeps the others", async () => {
  const at = { now: new Date("2027-03-01T12:00:00.000Z") };
  const context = contextAt(at);
  const old = await signIn(context, "sweep-old@example.org");
  at.now = new Date(at.now.getTime() + SESSION_LIFETIME / 2);
  const recent = await signIn(context, "sweep-recent@example.org");
  const end = new Date(at.now.getTime() + SESSION_LIFETIME / 2);
  const count = async () => (await context.db.selectFrom("sessions").select("id").execute()).length;
  const before = await count();
  expect(await deleteExpiredSessions(context.db, end)).toBeGreaterThanOrEqual(1);
  expect(await count()).toBeLessThan(before);
  at.now = new Date(end.getTime() - 1);
  expect(await currentUser(request(old), context)).toBeNull();
  expect((await currentUser(request(recent), context))?.email).toBe("sweep-recent@example.org");
});
