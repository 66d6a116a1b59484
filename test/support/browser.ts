// Debian's Chromium driven by playwright-core. Without Chromium the browser tests are skipped
// with a printed reason, unless E2E_REQUIRED=1 (as in CI), where its absence is a failure.
import { existsSync } from "node:fs";
import { chromium, type Browser, type BrowserContext, type Page } from "playwright-core";
import { expect } from "vitest";

export const chromiumPath = process.env.CHROMIUM_PATH ?? "/usr/bin/chromium";
export const browserAvailable = existsSync(chromiumPath);
const required = process.env.E2E_REQUIRED === "1";

if (!browserAvailable) {
  const reason = `Chromium not found at ${chromiumPath} (apt-get install chromium, or set CHROMIUM_PATH)`;
  if (required) throw new Error(`E2E_REQUIRED=1 but ${reason}`);
  console.warn(`Skipping browser tests: ${reason}.`);
}

/** True when the browser tests should be skipped (no Chromium, and not required). */
export const skipBrowser = !browserAvailable;

export function launchBrowser(): Promise<Browser> {
  return chromium.launch({
    executablePath: chromiumPath,
    args: [
      "--headless",
      "--no-sandbox",
      "--disable-gpu",
      "--disable-quic",
      "--no-first-run",
      "--disable-background-networking",
      "--disable-component-update",
      "--disable-sync",
    ],
  });
}

/**
 * Signs in as a French-speaking person through the emailed link, read from the local mailbox (the
 * delivery job runs every 2 s); ends on their account page.
 */
export async function signInByEmail(
  browser: Browser,
  serverUrl: string,
  email: string,
): Promise<{ context: BrowserContext; page: Page }> {
  const context = await browser.newContext({ locale: "fr-FR" });
  const page = await context.newPage();
  await page.goto(`${serverUrl}/sign-in`);
  await page.getByLabel("Votre adresse e-mail").fill(email);
  await page.getByRole("button", { name: "Recevoir mon lien" }).click();
  await page.getByText(/un lien de connexion vient de partir/).waitFor();
  const row = page.locator("tr", { hasText: email });
  for (let tries = 0; tries < 20 && !(await row.count()); tries++) {
    await page.goto(`${serverUrl}/admin/mailbox`);
    if (!(await row.count())) await page.waitForTimeout(500);
  }
  await row.getByRole("link", { name: "Votre lien de connexion à Tour de table" }).first().click();
  const text = (await page.getByTestId("mail-text").textContent()) ?? "";
  const link = /http:\/\/localhost:\d+\/auth\/verify\?token=[\w-]+/.exec(text)?.[0];
  expect(link, text).toBeDefined();
  await page.goto(link!.replace(/^http:\/\/localhost:\d+/, serverUrl));
  await page.getByRole("heading", { level: 1, name: "Mes contributions" }).waitFor();
  return { context, page };
}
