// The render cache in the real server (issue #14): an owner's change drops the cached pages at once,
// not when they expire. The server loads page-changes.ts twice (server.ts, where the cache is, and
// the Remix build, where the domain functions are), which the in-process tests cannot see.
import type { Browser } from "playwright-core";
import { afterAll, beforeAll, describe, expect, test } from "vitest";
import { launchBrowser, signInByEmail, skipBrowser } from "../support/browser";
import { startServer, type RunningServer } from "../support/server";

describe.skipIf(skipBrowser)("the render cache in the real server", () => {
  let server: RunningServer;
  let browser: Browser;

  beforeAll(async () => {
    // A minute: only a change dropping the page can show the new tagline within this test.
    server = await startServer({ RENDER_CACHE_MS: "60000" });
    browser = await launchBrowser();
  });
  afterAll(async () => {
    await browser?.close();
    await server?.stop();
  });

  const anonymousPage = async () =>
    (await fetch(`${server.url}/campaigns/la-machinerie`, { headers: { "Accept-Language": "fr" } })).text();

  test("an owner's edit is on the anonymous page at once", async () => {
    // Rendered once and kept for a minute.
    expect(await anonymousPage()).not.toContain("Un tiers-lieu qui tient debout grâce à vous");
    const { page } = await signInByEmail(browser, server, "bonjour@lamachinerie.example");
    await page.goto(`${server.url}/account`);
    await page
      .getByRole("link", { name: /La Machinerie/ })
      .first()
      .click();
    await page.getByRole("heading", { level: 1, name: "Votre campagne" }).waitFor();
    // The campaign's own details form (the English version's form has an "Accroche" too).
    const details = page.locator("form", { has: page.locator("#tagline") });
    await details.locator("#tagline").fill("Un tiers-lieu qui tient debout grâce à vous");
    await details.getByRole("button", { name: "Enregistrer", exact: true }).click();
    await page.getByText("Enregistré.").waitFor();
    expect(await anonymousPage()).toContain("Un tiers-lieu qui tient debout grâce à vous");
  });
});
