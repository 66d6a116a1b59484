// Sign-in by one-time link, on a real database: the link arrives in the outbox, works once, expires,
// and requests are limited per address and per IP.
import { expect, test } from "vitest";
import { LIMIT_PER_EMAIL, verifySignInLink } from "~/auth/sign-in.server";
import { requestSignInLink } from "~/notifications/sign-in-email.server";
import { useTestDatabase } from "../support/database";

const database = useTestDatabase();
const now = new Date("2026-11-30T12:00:00.000Z");

async function linkFor(email: string, at = now, ip: string | null = "203.0.113.7") {
  await requestSignInLink(
    database().db,
    { email, ip, redirectTo: "/account", locale: "fr", publicUrl: "https://t.example" },
    at,
  );
  const row = await database()
    .db.selectFrom("email_outbox")
    .select("props")
    .where("kind", "=", "sign_in_link")
    .where("to_email", "=", email.toLowerCase())
    .orderBy("created_at", "desc")
    .executeTakeFirstOrThrow();
  const url = (JSON.parse(row.props) as { url: string }).url;
  expect(url).toMatch(/^https:\/\/t\.example\/auth\/verify\?token=[\w-]{43}$/);
  return new URL(url).searchParams.get("token")!;
}

test("a link signs in once, creating the account on first use", async () => {
  const token = await linkFor("Nouvelle@Example.org");
  const first = await verifySignInLink(database().db, token, new Date(now.getTime() + 60_000));
  expect(first).toMatchObject({ user: { email: "nouvelle@example.org" }, redirectTo: "/account" });
  expect(await verifySignInLink(database().db, token, new Date(now.getTime() + 120_000))).toBeNull();
  const later = new Date(now.getTime() + 5 * 60_000);
  const again = await verifySignInLink(database().db, await linkFor("nouvelle@example.org", later), later);
  expect(again?.user.id).toBe(first?.user.id);
});

test("a link expires after 20 minutes, and a made-up token does nothing", async () => {
  const token = await linkFor("late@example.org");
  expect(await verifySignInLink(database().db, token, new Date(now.getTime() + 21 * 60_000))).toBeNull();
  expect(await verifySignInLink(database().db, "not-a-token", now)).toBeNull();
});

test("sign-in emails are limited per address and per IP address", async () => {
  for (let i = 0; i < LIMIT_PER_EMAIL; i++) await linkFor("busy@example.org", now, `198.51.100.${i}`);
  await expect(
    requestSignInLink(
      database().db,
      {
        email: "busy@example.org",
        ip: "198.51.100.99",
        redirectTo: null,
        locale: "fr",
        publicUrl: "https://t.example",
      },
      now,
    ),
  ).rejects.toMatchObject({ status: 429 });
  // An hour later it works again.
  await linkFor("busy@example.org", new Date(now.getTime() + 61 * 60_000));
  for (let i = 0; i < 20; i++) await linkFor(`ip${i}@example.org`, now, "192.0.2.1");
  await expect(
    requestSignInLink(
      database().db,
      {
        email: "another@example.org",
        ip: "192.0.2.1",
        redirectTo: null,
        locale: "fr",
        publicUrl: "https://t.example",
      },
      now,
    ),
  ).rejects.toMatchObject({ status: 429 });
});
