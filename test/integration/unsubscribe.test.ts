// The unsubscribe link through its real route: a mail client's one-click POST (RFC 8058) or a
// person's confirmation stops that kind of email for that address; a forged link does nothing.
import { expect, test } from "vitest";
import { isUnsubscribed, unsubscribeUrl } from "~/notifications/unsubscribe.server";
import { action, loader } from "~/routes/unsubscribe";
import { testContext } from "../support/context";
import { callRoute } from "../support/routes";
import { useTestDatabase } from "../support/database";

const database = useTestDatabase();

test("a one-click POST to the List-Unsubscribe link unsubscribes; a GET only asks", async () => {
  const context = testContext(database());
  const url = unsubscribeUrl(
    context.config.PUBLIC_URL,
    context.config.SESSION_SECRET,
    "lea@example.org",
    "reminders",
  );
  const shown = await callRoute<{ email: string; kind: string }>(loader, { url, context });
  expect(shown).toMatchObject({ status: 200, data: { email: "lea@example.org", kind: "reminders" } });
  expect(await isUnsubscribed(database().db, "lea@example.org", "reminders")).toBe(false);

  const clicked = await callRoute(action, { url, context, form: { "List-Unsubscribe": "One-Click" } });
  expect(clicked.status).toBe(200);
  expect(await isUnsubscribed(database().db, "lea@example.org", "reminders")).toBe(true);
  expect(await isUnsubscribed(database().db, "lea@example.org", "milestones")).toBe(false);
});

test("a link whose token does not match its address or kind is refused", async () => {
  const context = testContext(database());
  const url = new URL(
    unsubscribeUrl(context.config.PUBLIC_URL, context.config.SESSION_SECRET, "a@example.org", "digest"),
  );
  url.searchParams.set("e", "b@example.org");
  expect((await callRoute(action, { url: url.toString(), context, form: {} })).status).toBe(403);
  url.searchParams.set("e", "a@example.org");
  url.searchParams.set("k", "milestones");
  expect((await callRoute(loader, { url: url.toString(), context })).status).toBe(403);
  expect(await isUnsubscribed(database().db, "b@example.org", "digest")).toBe(false);
});
