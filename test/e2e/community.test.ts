// The campaign as a community, in Chromium: two backers pledge through the real form (one anonymous,
// each with a word), both show on the backers' wall in French and English (the anonymous one
// without a name, neither with an email), the wall pages without JavaScript (never from the render
// cache), the share links carry the campaign's public URL, and on a 390 px phone the pledge button
// stays in reach at the bottom of the screen without covering the page's end or widening it.
import type { Browser, BrowserContext, Page } from "playwright-core";
import { afterAll, beforeAll, describe, expect, test, vi } from "vitest";
import { launchBrowser, seriousViolations, skipBrowser } from "../support/browser";
import { startServer, type RunningServer } from "../support/server";

const anonymous = {
  name: "Zoé Cachée",
  email: "zoe.cachee@example.org",
  word: "Bravo pour ce lieu, on viendra !",
};
const named = {
  name: "Jules Visible",
  email: "jules.visible@example.org",
  word: "Hâte de voir l'atelier ouvert.",
};

describe.skipIf(skipBrowser)("the campaign as a community, in Chromium", () => {
  let server: RunningServer;
  let browser: Browser;
  const contexts: BrowserContext[] = [];
  const pageErrors: string[] = [];

  beforeAll(async () => {
    server = await startServer();
    browser = await launchBrowser();
  });
  afterAll(async () => {
    for (const context of contexts) await context.close().catch(() => undefined);
    await browser?.close();
    await server?.stop();
  });

  async function newPage(options: Parameters<Browser["newContext"]>[0] = {}): Promise<Page> {
    const context = await browser.newContext({ locale: "fr-FR", ...options });
    contexts.push(context);
    const page = await context.newPage();
    page.on("pageerror", (error) => pageErrors.push(error.message));
    return page;
  }

  const campaignPath = "/campaigns/la-machinerie";
  const wall = (page: Page) => page.locator("#backers");
  const wallNames = (page: Page) => wall(page).locator(".backers-wall__name").allTextContents();

  async function pledge(backer: typeof anonymous, { hideName }: { hideName: boolean }): Promise<Page> {
    const page = await newPage();
    await page.goto(`${server.url}${campaignPath}`);
    await page.getByRole("link", { name: "Soutenir ce projet" }).click();
    await page.getByRole("heading", { level: 1, name: /Soutenir/ }).waitFor();
    await page.getByRole("radio", { name: /Sans contrepartie/ }).check();
    await page.getByLabel("Montant de votre contribution").fill("15");
    await page.getByLabel("Votre nom", { exact: true }).fill(backer.name);
    await page.getByLabel("Votre adresse e-mail").fill(backer.email);
    await page.getByLabel(/Un mot pour le projet/).fill(backer.word);
    if (hideName) await page.getByRole("checkbox", { name: "Ne pas afficher mon nom publiquement" }).check();
    await page.getByRole("checkbox", { name: /ma carte est enregistrée/ }).check();
    await page.getByRole("button", { name: "Continuer vers le paiement" }).click();
    await page.getByRole("heading", { level: 1, name: "Paiement simulé" }).waitFor();
    await page.getByLabel("Numéro de carte").fill("4242 4242 4242 4242");
    await page.getByLabel("Expiration (MM/AA)").fill("12/30");
    await page.getByLabel("CVC").fill("123");
    await page.getByRole("button", { name: "Enregistrer ma carte" }).click();
    await page.getByText(new RegExp(`Merci, ${backer.name}`)).waitFor();
    await expect(page.getByTestId("pledge-status").textContent()).resolves.toBe(
      "Confirmée : carte enregistrée",
    );
    return page;
  }

  /** The share links' addresses, by their accessible names, within a page's share navigation. */
  async function shareLinks(page: Page, label: string) {
    const nav = page.getByRole("navigation", { name: label });
    const links = nav.getByRole("link");
    const found: { name: string; href: string; target: string | null; rel: string | null }[] = [];
    for (const link of await links.all())
      found.push({
        name: (await link.textContent()) ?? "",
        href: (await link.getAttribute("href")) ?? "",
        target: await link.getAttribute("target"),
        rel: await link.getAttribute("rel"),
      });
    return found;
  }

  function expectShareLinks(found: Awaited<ReturnType<typeof shareLinks>>, url: string, title: string) {
    const q = encodeURIComponent;
    const byName = (pattern: RegExp) => found.find((l) => pattern.test(l.name));
    expect(found).toHaveLength(5);
    const email = byName(/^E-?mail/i)!;
    expect(email.href.startsWith("mailto:?subject=")).toBe(true);
    const mail = new URLSearchParams(email.href.slice("mailto:?".length));
    expect(mail.get("subject")).toBe(title);
    expect(mail.get("body")).toContain(url);
    expect(byName(/^Facebook/)!.href).toBe(`https://www.facebook.com/sharer/sharer.php?u=${q(url)}`);
    expect(new URL(byName(/^X \(Twitter\)/)!.href).searchParams.get("url")).toBe(url);
    expect(byName(/^X \(Twitter\)/)!.href).toMatch(/^https:\/\/twitter\.com\/intent\/tweet\?/);
    expect(byName(/^LinkedIn/)!.href).toBe(`https://www.linkedin.com/sharing/share-offsite/?url=${q(url)}`);
    expect(new URL(byName(/^WhatsApp/)!.href).searchParams.get("text")).toContain(url);
    expect(byName(/^WhatsApp/)!.href).toMatch(/^https:\/\/wa\.me\/\?text=/);
    for (const link of found.filter((l) => l !== email)) {
      expect(link.target, link.name).toBe("_blank");
      expect(link.rel?.split(" "), link.name).toContain("noopener");
    }
  }

  test("two backers pledge through the form; both are on the wall in French and English, one without a name", async () => {
    const first = await pledge(anonymous, { hideName: true });
    const second = await pledge(named, { hideName: false });

    // The thank-you page offers to share the campaign, by its public URL.
    const page = await newPage();
    await page.goto(`${server.url}${campaignPath}`);
    const url = (await page.locator('meta[property="og:url"]').getAttribute("content"))!;
    expect(url).toMatch(/\/campaigns\/la-machinerie$/);
    expectShareLinks(
      await shareLinks(second, "Partager ce projet"),
      url,
      "La Machinerie : 15 000 € en 15 jours",
    );
    expect(await seriousViolations(second)).toEqual([]);
    await first.context().close();

    // The anonymous page may be a second old (the render cache): the newest backers come first.
    await vi.waitFor(
      async () => {
        await page.reload();
        expect((await wallNames(page)).slice(0, 2)).toEqual([named.name, "Anonyme"]);
      },
      { timeout: 10_000, interval: 300 },
    );
    const rows = wall(page).getByRole("listitem");
    await expect(rows.nth(0).locator("blockquote").textContent()).resolves.toBe(named.word);
    await expect(rows.nth(1).locator("blockquote").textContent()).resolves.toBe(anonymous.word);
    await expect(rows.nth(0).locator("time").getAttribute("datetime")).resolves.toMatch(/^\d{4}-\d\d-\d\dT/);
    await page.getByRole("heading", { level: 2, name: "Ils et elles soutiennent le projet" }).waitFor();
    const html = await page.content();
    expect(html).not.toContain(anonymous.name);
    expect(html).not.toContain(anonymous.email);
    expect(html).not.toContain(named.email);
    expectShareLinks(
      await shareLinks(page, "Partager ce projet"),
      url,
      "La Machinerie : 15 000 € en 15 jours",
    );
    expect(await seriousViolations(page)).toEqual([]);

    const english = await newPage({ locale: "en-US" });
    await english.goto(`${server.url}${campaignPath}`);
    await english.getByRole("heading", { level: 2, name: "Backers" }).waitFor();
    expect((await wallNames(english)).slice(0, 2)).toEqual([named.name, "Anonymous"]);
    expect(await english.content()).not.toContain(anonymous.name);
    const shared = await shareLinks(english, "Share this project");
    expectShareLinks(shared, url, "La Machinerie: 15 000 € in 15 days");
    expect(shared.find((l) => l.name.startsWith("Facebook"))!.name).toBe("Facebook (share, new tab)");
    expect(await seriousViolations(english)).toEqual([]);
    expect(pageErrors).toEqual([]);
  }, 120_000);

  test("the wall pages without JavaScript, 20 backers a page, none repeated, never from the render cache", async () => {
    const page = await newPage({ javaScriptEnabled: false });
    const top = await page.goto(`${server.url}${campaignPath}`);
    expect(top?.headers()["x-render-cache"]).toMatch(/^(hit|miss)$/);
    const firstPage = await wallNames(page);
    expect(firstPage).toHaveLength(20);
    const pager = page.getByRole("navigation", { name: "Pages des contributeurs" });
    expect(await pager.getByRole("link", { name: /Plus récentes/ }).count()).toBe(0);

    const [older] = await Promise.all([
      page.waitForResponse((r) => r.url().includes("?backers=")),
      pager.getByRole("link", { name: /Plus anciennes/ }).click(),
    ]);
    // The response's headers come before its page is shown: wait for the new page itself.
    await page.waitForURL(/\?backers=[^&#]+#backers$/);
    await wall(page).locator(".backers-wall__name").first().waitFor();
    // A page of its own: neither served from the cache nor kept in it.
    expect(older.headers()["x-render-cache"]).toBeUndefined();
    const secondPage = await wallNames(page);
    expect(secondPage.length).toBeGreaterThan(0);
    // Every backer of the second page is older than the first page's last (the integration test
    // checks that none is repeated or skipped).
    const times = (p: Page) =>
      wall(p)
        .locator("time")
        .evaluateAll((els) => els.map((e) => e.getAttribute("datetime")!));
    const secondTimes = await times(page);
    const top2 = await newPage({ javaScriptEnabled: false });
    await top2.goto(`${server.url}${campaignPath}`);
    const firstTimes = await times(top2);
    for (const time of secondTimes) expect(time <= firstTimes.at(-1)!).toBe(true);

    await page
      .getByRole("navigation", { name: "Pages des contributeurs" })
      .getByRole("link", { name: /Plus récentes/ })
      .click();
    await page.waitForURL(/\?backersBefore=/);
    expect(await wallNames(page)).toEqual(firstPage);
  }, 60_000);

  test("on a 390 px phone the pledge button stays at the bottom of the screen, covering nothing", async () => {
    const page = await newPage({ viewport: { width: 390, height: 844 } });
    await page.goto(`${server.url}${campaignPath}`);
    const cta = page.locator(".campaign__stats").getByRole("link", { name: "Soutenir ce projet" });
    // The same link as the pledge button, the only one.
    expect(await page.locator(`a[href="${campaignPath}/pledge"]`).count()).toBe(1);
    await page.locator(".campaign__story > .prose").evaluate((el) => el.scrollIntoView({ block: "end" }));
    expect(await cta.isVisible()).toBe(true);
    const box = (await cta.boundingBox())!;
    expect(box.y).toBeGreaterThan(844 / 2);
    expect(box.y + box.height).toBeLessThanOrEqual(844);
    expect(box.width).toBeLessThanOrEqual(390);

    // At the page's end the footer sits above the button, not under it.
    await page.evaluate(() => window.scrollTo(0, document.documentElement.scrollHeight));
    const footer = (await page.locator("footer").last().boundingBox())!;
    const end = (await cta.boundingBox())!;
    expect(footer.y + footer.height).toBeLessThanOrEqual(end.y);
    expect(await page.evaluate(() => document.documentElement.scrollWidth)).toBeLessThanOrEqual(390);
    expect(await seriousViolations(page)).toEqual([]);

    // On a wide screen it stays in the numbers' panel.
    const wide = await newPage({ viewport: { width: 1280, height: 800 } });
    await wide.goto(`${server.url}${campaignPath}`);
    expect(
      await wide
        .locator(".campaign__stats")
        .getByRole("link", { name: "Soutenir ce projet" })
        .evaluate((el) => getComputedStyle(el).position),
    ).toBe("static");
  }, 60_000);
});
