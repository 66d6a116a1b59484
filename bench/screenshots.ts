// The README's screenshots: the campaign page, the owner's editor and the admins' review page, on a
// 390 px phone and a laptop, taken in Chromium from the production build with the demo data.
//
//   npm run build && npx tsx bench/screenshots.ts      # writes docs/screenshots/*.png
import { mkdirSync } from "node:fs";
import { join } from "node:path";
import { openDatabase } from "#db/connection.ts";
import type { Browser } from "playwright-core";
import { launchBrowser } from "../test/support/browser.ts";
import { startServer } from "../test/support/server.ts";

const out = join(import.meta.dirname, "../docs/screenshots");
mkdirSync(out, { recursive: true });
const ADMIN = "admin-screenshots@example.org";
const viewports = { phone: { width: 390, height: 844 }, desktop: { width: 1280, height: 900 } };

const server = await startServer({ ADMIN_EMAILS: ADMIN });

/** Signs in by the emailed link, read from the server's log (outside vitest, without its waitFor). */
async function signIn(browser: Browser, email: string) {
  const context = await browser.newContext({ locale: "fr-FR" });
  const page = await context.newPage();
  const links = () =>
    [...server.output().matchAll(/^Sign-in link for (\S+): (\S+)$/gm)].filter((m) => m[1] === email);
  const before = links().length;
  await page.goto(`${server.url}/sign-in`);
  await page.getByLabel("Votre adresse e-mail").fill(email);
  await page.getByRole("button", { name: "Recevoir mon lien" }).click();
  for (let i = 0; i < 200 && links().length === before; i++) await new Promise((r) => setTimeout(r, 50));
  const link = links().at(-1)?.[2];
  if (!link) throw new Error(`No sign-in link for ${email}`);
  await page.goto(link.replace(/^http:\/\/localhost:\d+/, server.url));
  const state = await context.storageState();
  await context.close();
  return state;
}
const browser = await launchBrowser();
const { db } = openDatabase(server.databaseUrl);
try {
  const live = await db
    .selectFrom("campaigns")
    .select("id")
    .where("slug", "=", "la-machinerie")
    .executeTakeFirstOrThrow();
  const draft = await db
    .selectFrom("campaigns")
    .select("id")
    .where("slug", "=", "repair-cafe-mobile")
    .executeTakeFirstOrThrow();
  const owner = await signIn(browser, "bonjour@lamachinerie.example");
  const admin = await signIn(browser, ADMIN);
  const shots = [
    { name: "campaign", path: "/campaigns/la-machinerie", state: undefined },
    { name: "editor", path: `/manage/campaigns/${live.id}`, state: owner },
    { name: "review", path: `/admin/campaigns/${draft.id}/review`, state: admin },
  ];
  for (const shot of shots) {
    for (const [size, viewport] of Object.entries(viewports)) {
      const context = await browser.newContext({ locale: "fr-FR", viewport, storageState: shot.state });
      const page = await context.newPage();
      await page.goto(`${server.url}${shot.path}`, { waitUntil: "networkidle" });
      const file = join(out, `${shot.name}-${size}.png`);
      // The phone's whole page would be a very long strip: its first two screens say enough.
      await page.screenshot({
        path: file,
        fullPage: size === "desktop",
        ...(size === "phone" ? { clip: { x: 0, y: 0, width: 390, height: 1688 } } : {}),
      });
      console.log(`${file}`);
      await context.close();
    }
  }
} finally {
  await db.destroy();
  await browser.close();
  await server.stop();
}
