// Debian's Chromium driven by playwright-core. Without Chromium the browser tests are skipped
// with a printed reason, unless E2E_REQUIRED=1 (as in CI), where its absence is a failure.
import { existsSync, readFileSync } from "node:fs";
import { createRequire } from "node:module";
import { chromium, type Browser, type BrowserContext, type Page } from "playwright-core";
import { expect, vi } from "vitest";
import type { RunningServer } from "./server";

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
 * Signs in as a French-speaking person through the emailed link, the way the first admin of a fresh
 * install does: with the local mailbox as transport the server prints the link on its console
 * (the delivery job runs every 2 s). Ends on their account page.
 */
export async function signInByEmail(
  browser: Browser,
  server: Pick<RunningServer, "url" | "output">,
  email: string,
): Promise<{ context: BrowserContext; page: Page }> {
  const context = await browser.newContext({ locale: "fr-FR" });
  const page = await context.newPage();
  const printed = () => [...server.output().matchAll(/^Sign-in link for (\S+): (\S+)$/gm)];
  const before = printed().length;
  await page.goto(`${server.url}/sign-in`);
  await page.getByLabel("Votre adresse e-mail").fill(email);
  await page.getByRole("button", { name: "Recevoir mon lien" }).click();
  await page.getByText(/un lien de connexion vient de partir/).waitFor();
  const link = await vi
    .waitFor(
      () => {
        const found = printed()
          .slice(before)
          .find((line) => line[1] === email)?.[2];
        if (!found) throw new Error("no sign-in link printed yet");
        return found;
      },
      { timeout: 10_000, interval: 50 },
    )
    .catch(() => undefined);
  expect(link, server.output()).toMatch(/^http:\/\/localhost:\d+\/auth\/verify\?token=[\w-]+$/);
  await page.goto(link!.replace(/^http:\/\/localhost:\d+/, server.url));
  await page.getByRole("heading", { level: 1, name: "Mes contributions" }).waitFor();
  return { context, page };
}

const axeSource = readFileSync(createRequire(import.meta.url).resolve("axe-core/axe.min.js"), "utf8");

/**
 * axe-core's violations on the page as it is now, evaluated through the DevTools protocol (which the
 * page's CSP does not govern): WCAG 2 A/AA by default, every rule (best practices too) with `all`.
 */
export async function axeViolations(page: Page, rules: "wcag" | "all" = "wcag"): Promise<string[]> {
  await page.evaluate(axeSource);
  const runOnly = rules === "wcag" ? ["wcag2a", "wcag2aa"] : null;
  const result = await page.evaluate(async (only) => {
    const axe = (
      window as unknown as { axe: { run: (context: Document, options: object) => Promise<unknown> } }
    ).axe;
    return (await axe.run(document, only ? { runOnly: only } : {})) as {
      violations: { id: string; nodes: { target: string[] }[] }[];
    };
  }, runOnly);
  return result.violations.map((v) => `${v.id}: ${v.nodes.map((n) => n.target.join(" ")).join(", ")}`);
}

/**
 * What a page must not have, for everyone (issue #15): axe-core's serious and critical violations
 * (WCAG 2 A/AA and best practices), and content outside landmarks (axe's `region`, moderate in its
 * terms, but a screen reader's landmark list misses it).
 */
export async function seriousViolations(page: Page): Promise<string[]> {
  await page.evaluate(axeSource);
  const result = await page.evaluate(async () => {
    const axe = (
      window as unknown as { axe: { run: (context: Document, options: object) => Promise<unknown> } }
    ).axe;
    return (await axe.run(document, {})) as {
      violations: { id: string; impact: string | null; nodes: { target: string[] }[] }[];
    };
  });
  return result.violations
    .filter((v) => v.impact === "serious" || v.impact === "critical" || v.id === "region")
    .map((v) => `${v.id} (${v.impact}): ${v.nodes.map((n) => n.target.join(" ")).join(", ")}`);
}
