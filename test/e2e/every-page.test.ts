// Every page of the site in Chromium, as a visitor, a backer, an owner and an admin would see it, in
// French and in English, on a 390 px phone and on a laptop (issue #15, items 2 and 14): each has a
// title, axe-core finds no serious or critical violation and no content outside landmarks, and on
// the phone nothing is wider than the screen.
import type { Browser, BrowserContext, Page } from "playwright-core";
import { afterAll, beforeAll, describe, expect, test } from "vitest";
import { openDatabase, type DatabaseHandle } from "#db/connection.ts";
import { launchBrowser, seriousViolations, signInByEmail, skipBrowser } from "../support/browser";
import { startServer, type RunningServer } from "../support/server";

const ADMIN = "admin-pages@example.org";
const OWNER = "bonjour@lamachinerie.example";
const viewports = {
  phone: { width: 390, height: 844 },
  laptop: { width: 1280, height: 800 },
} as const;
const locales = { fr: "fr-FR", en: "en-GB" } as const;

describe.skipIf(skipBrowser)("every page, in both languages, on a phone and a laptop", () => {
  let server: RunningServer;
  let browser: Browser;
  let database: DatabaseHandle;
  /** Storage states (the session cookie) of the people signed in. */
  const people: Record<
    "visitor" | "owner" | "admin",
    Awaited<ReturnType<BrowserContext["storageState"]>> | undefined
  > = {
    visitor: undefined,
    owner: undefined,
    admin: undefined,
  };
  /** `described`: a public page search engines show, which needs a description. */
  const pages: { who: keyof typeof people; path: string; status?: number; described?: boolean }[] = [];

  beforeAll(async () => {
    server = await startServer({ ADMIN_EMAILS: ADMIN });
    browser = await launchBrowser();
    database = openDatabase(server.databaseUrl);
    const { db } = database;

    // A backer's checkout, 3-D Secure step and pledge page, made in the browser as a backer makes them.
    const context = await browser.newContext({ locale: "fr-FR" });
    const page = await context.newPage();
    const pledge = async (card: string) => {
      await page.goto(`${server.url}/campaigns/la-machinerie/pledge`);
      await page.getByRole("radio", { name: /Sans contrepartie/ }).check();
      await page.getByLabel("Montant de votre contribution").fill("20");
      await page.getByLabel("Votre nom", { exact: true }).fill("Inès Martin");
      await page.getByLabel("Votre adresse e-mail").fill("ines@example.org");
      await page.getByRole("checkbox", { name: /ma carte est enregistrée/ }).check();
      await page.getByRole("button", { name: "Continuer vers le paiement" }).click();
      await page.getByRole("heading", { level: 1, name: "Paiement simulé" }).waitFor();
      const checkout = new URL(page.url()).pathname;
      await page.getByLabel("Numéro de carte").fill(card);
      await page.getByLabel("Expiration (MM/AA)").fill("12/30");
      await page.getByLabel("CVC").fill("123");
      await page.getByRole("button", { name: "Enregistrer ma carte" }).click();
      await page.waitForURL((url) => url.pathname !== checkout);
      return { checkout, next: `${new URL(page.url()).pathname}${new URL(page.url()).search}` };
    };
    const paid = await pledge("4242 4242 4242 4242");
    await page.getByText(/Merci, Inès Martin/).waitFor();
    const authenticating = await pledge("4000 0027 6000 3184");
    const awaiting = await pledge("4000 0027 6000 3184");
    await context.close();

    people.owner = await (await signInByEmail(browser, server, OWNER)).context.storageState();
    people.admin = await (await signInByEmail(browser, server, ADMIN)).context.storageState();

    const campaigns = await db.selectFrom("campaigns").select(["id", "slug", "status"]).execute();
    const live = campaigns.find((c) => c.slug === "la-machinerie")!;
    const succeeded = campaigns.find((c) => c.status === "succeeded")!;
    const draft = campaigns.find((c) => c.status === "draft")!;
    const message = await db.selectFrom("mailbox_messages").select("id").limit(1).executeTakeFirstOrThrow();

    pages.push(
      { who: "visitor", path: "/", described: true },
      ...campaigns
        .filter((c) => c.status !== "draft")
        .map((c) => ({ who: "visitor" as const, path: `/campaigns/${c.slug}`, described: true })),
      { who: "visitor", path: "/campaigns/la-machinerie/pledge", described: true },
      { who: "visitor", path: awaiting.checkout },
      { who: "visitor", path: authenticating.next },
      { who: "visitor", path: paid.next },
      { who: "visitor", path: "/sign-in" },
      { who: "visitor", path: "/privacy" },
      { who: "visitor", path: "/unsubscribe", status: 403 },
      { who: "visitor", path: "/no-such-page", status: 404 },
      { who: "owner", path: "/account" },
      { who: "owner", path: "/account/payouts" },
      { who: "owner", path: "/account/delete" },
      { who: "owner", path: "/campaigns/new" },
      { who: "owner", path: `/manage/campaigns/${live.id}` },
      { who: "owner", path: `/manage/campaigns/${live.id}/statement` },
      { who: "owner", path: `/campaigns/${live.slug}` },
      { who: "admin", path: "/admin" },
      { who: "admin", path: "/admin/audit" },
      { who: "admin", path: `/admin/campaigns/${live.id}` },
      { who: "admin", path: `/admin/campaigns/${succeeded.id}` },
      { who: "admin", path: `/admin/campaigns/${draft.id}/review` },
      { who: "admin", path: "/admin/mailbox" },
      { who: "admin", path: `/admin/mailbox/${message.id}` },
      { who: "admin", path: "/admin/payouts" },
      { who: "admin", path: `/admin/payouts/${succeeded.id}` },
    );
  }, 120_000);
  afterAll(async () => {
    await browser?.close();
    await database?.db.destroy();
    await server?.stop();
  });

  async function visit(
    who: keyof typeof people,
    locale: keyof typeof locales,
    viewport: keyof typeof viewports,
  ): Promise<{ page: Page; close: () => Promise<void> }> {
    const context = await browser.newContext({
      locale: locales[locale],
      viewport: viewports[viewport],
      storageState: people[who],
    });
    return { page: await context.newPage(), close: () => context.close() };
  }

  test("on a phone the signed-in links fold into a menu that opens without JavaScript", async () => {
    const context = await browser.newContext({
      locale: "fr-FR",
      viewport: viewports.phone,
      storageState: people.admin,
      javaScriptEnabled: false,
    });
    const page = await context.newPage();
    await page.goto(`${server.url}/`);
    const account = page.getByRole("link", { name: "Mon compte" });
    // Neither the row (not displayed on a phone) nor the closed menu shows it yet.
    expect(await account.count()).toBe(0);
    await page.getByText("Menu", { exact: true }).click();
    expect(await account.count()).toBe(1);
    expect(await account.isVisible()).toBe(true);
    expect(await page.getByRole("button", { name: "Se déconnecter" }).isVisible()).toBe(true);
    await account.click();
    await page.getByRole("heading", { level: 1, name: "Mes contributions" }).waitFor();
    await context.close();
  });

  test("the audit log names the campaign and the decision, and filters by action, campaign and person", async () => {
    const context = await browser.newContext({ locale: "fr-FR", storageState: people.admin });
    const page = await context.newPage();
    await page.goto(`${server.url}/admin/audit`);
    const rows = page.getByTestId("audit").locator("tbody tr");
    // The demo's campaigns were approved by its reviewer, as an admin approves one.
    const approved = rows.filter({ hasText: "Campagne approuvée" }).filter({ hasText: "La Machinerie" });
    expect(await approved.count()).toBe(1);
    expect(await approved.getByRole("link", { name: /La Machinerie/ }).getAttribute("href")).toMatch(
      /^\/admin\/campaigns\//,
    );
    await page.getByLabel("Adresse de la personne (ou une partie)").fill("nobody-here");
    await page.getByRole("button", { name: "Filtrer" }).click();
    await page.getByText("Aucune action enregistrée.").waitFor();
    await page.getByLabel("Adresse de la personne (ou une partie)").fill("demo-reviewer");
    await page.getByLabel("Quoi").selectOption({ label: "Campagne approuvée" });
    await page.getByRole("button", { name: "Filtrer" }).click();
    await page.waitForURL(/action=campaign.approve/);
    // The filtered table, once the page has it (the URL can change before it renders).
    await rows.filter({ hasText: "demo-reviewer" }).first().waitFor();
    expect(await rows.filter({ hasNotText: "Campagne approuvée" }).count()).toBe(0);
    await context.close();
  });

  test("a campaign not public yet is a preview for its owner and admins, a 404 for everyone else", async () => {
    const draft = "/campaigns/repair-cafe-mobile";
    expect((await fetch(`${server.url}${draft}`)).status).toBe(404);
    for (const who of ["admin", "owner"] as const) {
      const context = await browser.newContext({ locale: "fr-FR", storageState: people[who] });
      const page = await context.newPage();
      const answer = await page.goto(`${server.url}${draft}`);
      if (who === "owner") {
        // Not this owner's campaign (the demo's draft is the repair café's): no preview for them.
        expect(answer?.status()).toBe(404);
      } else {
        expect(answer?.status()).toBe(200);
        await page.getByText(/Aperçu \(Brouillon\) : cette page n’est pas encore publique/).waitFor();
        expect(await page.getByRole("link", { name: "Soutenir ce projet" }).count()).toBe(0);
        expect(await seriousViolations(page)).toEqual([]);
      }
      await context.close();
    }
    // The draft's own owner sees it too.
    const own = await signInByEmail(browser, server, "contact@repaircafe-amiens.example");
    expect((await own.page.goto(`${server.url}${draft}`))?.status()).toBe(200);
    await own.page.getByText(/Aperçu \(Brouillon\)/).waitFor();
    await own.context.close();
  });

  test("an owner's payout account page is that page, not their pledges (#15 item 1)", async () => {
    const context = await browser.newContext({ locale: "fr-FR", storageState: people.owner });
    const page = await context.newPage();
    await page.goto(`${server.url}/account/payouts`);
    const heading = await page.getByRole("heading", { level: 1 }).textContent();
    expect(heading).not.toBe("Mes contributions");
    expect(heading).toBe("Compte de versement");
    await context.close();
  });

  for (const locale of Object.keys(locales) as (keyof typeof locales)[]) {
    for (const viewport of Object.keys(viewports) as (keyof typeof viewports)[]) {
      test(`${locale}, ${viewport}: a title, no serious axe violation${viewport === "phone" ? ", nothing wider than the screen" : ""}`, async () => {
        const problems: string[] = [];
        for (const who of ["visitor", "owner", "admin"] as const) {
          const { page, close } = await visit(who, locale, viewport);
          page.on("pageerror", (error) => problems.push(`${page.url()}: ${error.message}`));
          for (const target of pages.filter((p) => p.who === who)) {
            const answer = await page.goto(`${server.url}${target.path}`);
            const where = `${who} ${target.path}`;
            if (answer?.status() !== (target.status ?? 200))
              problems.push(`${where}: status ${answer?.status()}`);
            await page.waitForFunction(
              () => (window as unknown as { __remixRouter?: unknown }).__remixRouter,
            );
            expect(await page.evaluate(() => document.documentElement.lang)).toBe(locale);
            const title = await page.title();
            if (!title.trim()) problems.push(`${where}: no document title`);
            if (
              target.described &&
              !(await page.locator('meta[name="description"]').getAttribute("content"))?.trim()
            )
              problems.push(`${where}: no meta description`);
            for (const violation of await seriousViolations(page)) problems.push(`${where}: ${violation}`);
            if (viewport === "phone") {
              const { width, culprits } = await page.evaluate(() => {
                // The outermost elements that reach past the screen's right edge say what to fix.
                const wide = [...document.querySelectorAll("body *")].filter(
                  (e) => e.getBoundingClientRect().right > window.innerWidth + 1,
                );
                const outermost = wide.filter((e) => !wide.includes(e.parentElement!));
                const name = (e: Element) =>
                  `${e.tagName.toLowerCase()}${e.className ? `.${String(e.className).split(" ")[0]}` : ""}`;
                return {
                  width: document.documentElement.scrollWidth,
                  culprits: outermost.slice(0, 3).map(name).join(", "),
                };
              });
              if (width > viewports.phone.width)
                problems.push(`${where}: ${width} px wide on a 390 px phone (${culprits})`);
            }
          }
          await close();
        }
        expect(problems).toEqual([]);
      }, 180_000);
    }
  }
});
