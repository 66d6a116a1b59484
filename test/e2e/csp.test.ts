// The Content-Security-Policy in Chromium: the campaign page and the pledge form run their scripts
// (hydrated, interactive, live progress) and their inlined stylesheet, and the browser reports no
// violation.
import type { Browser, Page } from "playwright-core";
import { afterAll, beforeAll, describe, expect, test } from "vitest";
import { launchBrowser, skipBrowser } from "../support/browser";
import { startServer, type RunningServer } from "../support/server";

describe.skipIf(skipBrowser)("the CSP in Chromium", () => {
  let server: RunningServer;
  let browser: Browser;

  beforeAll(async () => {
    server = await startServer();
    browser = await launchBrowser();
  });
  afterAll(async () => {
    await browser?.close();
    await server?.stop();
  });

  /** A page that records every CSP violation and console error. */
  async function watchedPage(): Promise<{ page: Page; problems: string[] }> {
    const context = await browser.newContext({ locale: "fr-FR" });
    await context.addInitScript(() => {
      document.addEventListener("securitypolicyviolation", (event) => {
        console.error(`CSP violation: ${event.violatedDirective} ${event.blockedURI}`);
      });
    });
    const page = await context.newPage();
    const problems: string[] = [];
    page.on("console", (message) => {
      if (message.type() === "error" || /Content.Security.Policy/i.test(message.text()))
        problems.push(message.text());
    });
    page.on("pageerror", (error) => problems.push(error.message));
    return { page, problems };
  }

  test("the campaign page hydrates and streams its progress without a violation", async () => {
    const { page, problems } = await watchedPage();
    const live = page.waitForRequest((request) => request.url().includes("/campaigns/la-machinerie/live"));
    const response = await page.goto(`${server.url}/campaigns/la-machinerie`);
    expect(response?.headers()["content-security-policy"]).toMatch(/script-src 'self' 'nonce-/);
    // Client-side navigation only works once React has hydrated the page.
    await page.waitForFunction(() => (window as unknown as { __remixRouter?: unknown }).__remixRouter);
    // The live progress stream (EventSource, connect-src 'self') opened.
    await live;
    // The inlined stylesheet (its nonce) applies, before and after hydration and a client-side
    // navigation: the header is laid out as a flex row.
    const headerDisplay = () =>
      page.evaluate(() => getComputedStyle(document.querySelector(".site-header__inner")!).display);
    expect(await headerDisplay()).toBe("flex");
    await page.getByRole("link", { name: "Soutenir ce projet" }).first().click();
    await page.getByRole("heading", { level: 1, name: /Soutenir/ }).waitFor();
    expect(await headerDisplay()).toBe("flex");
    expect(await page.locator("#app-styles").evaluate((style) => style.textContent?.length)).toBeGreaterThan(
      1000,
    );
    expect(problems).toEqual([]);
  });

  test("the pledge form checks fields in the browser (its scripts run) without a violation", async () => {
    const { page, problems } = await watchedPage();
    await page.goto(`${server.url}/campaigns/la-machinerie/pledge`);
    await page.waitForFunction(() => (window as unknown as { __remixRouter?: unknown }).__remixRouter);
    const posts: string[] = [];
    page.on("request", (request) => {
      if (request.method() === "POST") posts.push(request.url());
    });
    // Picking a reward raises the amount to its minimum: a script does that, not the server.
    const amount = page.getByLabel("Montant de votre contribution");
    const before = await amount.inputValue();
    const tiers = page.locator('input[type="radio"][name="tierId"]:not([disabled])');
    await tiers.nth((await tiers.count()) - 1).check();
    await expect.poll(() => amount.inputValue()).not.toBe(before);
    // An empty name is caught by react-hook-form before anything is sent.
    await page.getByRole("button", { name: "Continuer vers le paiement" }).click();
    await page.locator(".field__error").first().waitFor();
    expect(posts).toEqual([]);
    expect(problems).toEqual([]);
  });
});
