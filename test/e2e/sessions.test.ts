// The real server as an attacker meets it: the mailbox is closed to visitors, sign-in links are
// printed for the person at the console, redirects stay on the site, sessions end when asked,
// and a forged X-Forwarded-For neither escapes nor skips the sign-in limit.
import type { Browser } from "playwright-core";
import { afterAll, beforeAll, describe, expect, test } from "vitest";
import { launchBrowser, signInByEmail, skipBrowser } from "../support/browser";
import { startServer, type RunningServer } from "../support/server";

let server: RunningServer;
beforeAll(async () => {
  server = await startServer({ ADMIN_EMAILS: "first-admin@example.org" });
});
afterAll(async () => {
  await server?.stop();
});

test("on a default install a visitor is sent to sign in from the mailbox, never shown it", async () => {
  for (const path of ["/admin/mailbox", "/admin/mailbox/anything"]) {
    const response = await fetch(`${server.url}${path}`, { redirect: "manual" });
    expect(response.status).toBe(302);
    expect(response.headers.get("location")).toMatch(/^\/sign-in\?redirectTo=/);
  }
});

test.each(["/%09/evil.example", "//evil.example", "/\\evil.example"])(
  "the language switch does not leave the site for %s",
  async (target) => {
    // Written by hand so that `%09` reaches the server as a tab, as in the report.
    const response = await fetch(`${server.url}/lang`, {
      method: "POST",
      headers: { "Content-Type": "application/x-www-form-urlencoded" },
      body: `locale=en&redirectTo=${target}`,
      redirect: "manual",
    });
    expect(response.status).toBe(302);
    expect(response.headers.get("location")).toBe("/");
  },
);

test("a rotating X-Forwarded-For does not escape the sign-in limit, and no header does not skip it", async () => {
  const ask = (i: number, headers: Record<string, string>) =>
    fetch(`${server.url}/sign-in`, {
      method: "POST",
      headers: { "Content-Type": "application/x-www-form-urlencoded", ...headers },
      body: new URLSearchParams({ email: `rotating${i}@example.org` }),
    });
  for (let i = 0; i < 20; i++) expect((await ask(i, { "X-Forwarded-For": `10.1.0.${i}` })).status).toBe(200);
  expect((await ask(20, { "X-Forwarded-For": "10.1.0.250" })).status).toBe(429);
  expect((await ask(21, {})).status).toBe(429);
});

describe.skipIf(skipBrowser)("sessions in Chromium", () => {
  let browser: Browser;
  beforeAll(async () => {
    browser = await launchBrowser();
  });
  afterAll(async () => {
    await browser?.close();
  });

  test("signing out everywhere from the account page ends the other browser's session and a copied cookie", async () => {
    // A fresh server: the sign-in limit above was spent from this address.
    const fresh = await startServer({ ADMIN_EMAILS: "first-admin@example.org" });
    try {
      // The first admin of a fresh install signs in with the printed link and reads the mailbox.
      const laptop = await signInByEmail(browser, fresh, "first-admin@example.org");
      await laptop.page.goto(`${fresh.url}/admin/mailbox`);
      await laptop.page.getByRole("heading", { level: 1, name: "Boîte aux lettres locale" }).waitFor();
      const phone = await signInByEmail(browser, fresh, "first-admin@example.org");
      const cookie = (await phone.context.cookies()).find((c) => c.name === "tdt_session")!;
      const copied = `tdt_session=${cookie.value}`;
      expect(
        (await fetch(`${fresh.url}/account`, { headers: { Cookie: copied }, redirect: "manual" })).status,
      ).toBe(200);
      await laptop.page.goto(`${fresh.url}/account`);
      await laptop.page.getByRole("button", { name: "Se déconnecter partout" }).click();
      await laptop.page.waitForURL(`${fresh.url}/`);
      await phone.page.goto(`${fresh.url}/account`);
      await phone.page.getByRole("heading", { level: 1, name: "Connexion" }).waitFor();
      const after = await fetch(`${fresh.url}/account`, { headers: { Cookie: copied }, redirect: "manual" });
      expect(after.status).toBe(302);
      expect(after.headers.get("location")).toMatch(/^\/sign-in/);
      await laptop.context.close();
      await phone.context.close();
    } finally {
      await fresh.stop();
    }
  });
});
