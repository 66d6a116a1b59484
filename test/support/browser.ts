// Debian's Chromium driven by playwright-core. Without Chromium the browser tests are skipped
// with a printed reason, unless E2E_REQUIRED=1 (as in CI), where its absence is a failure.
import { existsSync } from "node:fs";
import { chromium, type Browser } from "playwright-core";

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
