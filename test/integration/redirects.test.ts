// Open redirects: `redirectTo` on the language switch and through the sign-in link never leaves the
// site, however it is disguised (the report: `/%09/evil.example` came back as `Location: /\t/…`).
import type { AppLoadContext } from "@remix-run/node";
import { expect, test } from "vitest";
import { action as langAction } from "~/routes/lang";
import { action as signInAction, loader as signInLoader } from "~/routes/sign-in";
import { loader as verifyLoader } from "~/routes/auth.verify";
import { testContext } from "../support/context";
import { useTestDatabase } from "../support/database";
import { callRoute } from "../support/routes";

const database = useTestDatabase();

// As a browser sends them in a form body (URL-encoded once more by URLSearchParams).
const disguised = ["/\t/evil.example", "/%09/evil.example", "//evil.example", "/\\evil.example", "/\n/x"];

test.each(disguised)("the language switch refuses to go to %j", async (target) => {
  const answer = await callRoute(langAction, {
    url: "http://t/lang",
    context: testContext(database()),
    form: { locale: "en", redirectTo: target },
  });
  expect(answer).toMatchObject({ status: 302, location: "/" });
});

test("the language switch goes back to the page it was on", async () => {
  const answer = await callRoute(langAction, {
    url: "http://t/lang",
    context: testContext(database()),
    form: { locale: "en", redirectTo: "/campaigns/la-machinerie?tier=2" },
  });
  expect(answer.location).toBe("/campaigns/la-machinerie?tier=2");
});

test.each(disguised)("the sign-in link never goes to %j", async (target) => {
  const context = testContext(database());
  const page = await callRoute<{ redirectTo: string }>(signInLoader, {
    url: `http://t/sign-in?${new URLSearchParams({ redirectTo: target })}`,
    context,
  });
  expect(page.data?.redirectTo).toBe("/account");
  const email = `redirect-${Math.random().toString(36).slice(2)}@example.org`;
  const sent = await callRoute(signInAction, {
    url: "http://t/sign-in",
    context,
    form: { email, redirectTo: target },
  });
  expect(sent.status).toBe(200);
  const verified = await callRoute(verifyLoader, { url: await emailedLink(context, email), context });
  expect(verified).toMatchObject({ status: 302, location: "/account" });
});

test("a sign-in link loaded as an image (a story's picture redirected to it) signs nobody in and stays usable", async () => {
  const context = testContext(database());
  const email = `image-${Math.random().toString(36).slice(2)}@example.org`;
  await callRoute(signInAction, { url: "http://t/sign-in", context, form: { email } });
  const url = await emailedLink(context, email);
  for (const dest of ["image", "script", "empty", "iframe"]) {
    const fetched = await callRoute(verifyLoader, { url, context, headers: { "Sec-Fetch-Dest": dest } });
    expect(fetched.status, dest).toBe(403);
  }
  expect(await context.db.selectFrom("users").select("id").where("email", "=", email).execute()).toEqual([]);
  // The person who clicks it in their email still signs in with it (the fetches did not use it up).
  const clicked = await callRoute(verifyLoader, { url, context, headers: { "Sec-Fetch-Dest": "document" } });
  expect(clicked).toMatchObject({ status: 302, location: "/account" });
});

/** The sign-in link emailed to `email`, on the test's host. */
async function emailedLink(context: AppLoadContext, email: string): Promise<string> {
  const row = await context.db
    .selectFrom("email_outbox")
    .select("props")
    .where("to_email", "=", email)
    .executeTakeFirstOrThrow();
  return `http://t/auth/verify${new URL((JSON.parse(row.props) as { url: string }).url).search}`;
}
