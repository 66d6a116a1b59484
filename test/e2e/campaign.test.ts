// A visitor in Chromium: the home page, the demo campaign, its progress bar against the database,
// the page without JavaScript, the language switch and the 404 page.
import type { Browser, BrowserContext, Page } from "playwright-core";
import { afterAll, beforeAll, describe, expect, test } from "vitest";
import { openDatabase, type DatabaseHandle } from "#db/connection.ts";
import { recomputeTotals } from "~/campaigns/campaigns.server";
import { launchBrowser, skipBrowser } from "../support/browser";
import { startServer, type RunningServer } from "../support/server";

const plain = (text: string | null) => (text ?? "").replace(/[\u00a0\u202f]/g, " ");

describe.skipIf(skipBrowser)("a visitor in Chromium", () => {
  let server: RunningServer;
  let browser: Browser;
  let database: DatabaseHandle;
  const pageErrors: string[] = [];

  beforeAll(async () => {
    server = await startServer();
    browser = await launchBrowser();
    database = openDatabase(server.databaseUrl);
  });
  afterAll(async () => {
    await database?.db.destroy();
    await browser?.close();
    await server?.stop();
  });

  async function newPage(
    options: Parameters<Browser["newContext"]>[0] = {},
  ): Promise<{ context: BrowserContext; page: Page }> {
    const context = await browser.newContext({ locale: "fr-FR", ...options });
    const page = await context.newPage();
    page.on("pageerror", (error) => pageErrors.push(error.message));
    page.on("console", (message) => {
      if (message.type() === "error") pageErrors.push(message.text());
    });
    return { context, page };
  }

  async function demoCampaign() {
    return database.db
      .selectFrom("campaigns")
      .selectAll()
      .where("slug", "=", "la-machinerie")
      .executeTakeFirstOrThrow();
  }

  test("the home page lists the demo campaign and leads to it", async () => {
    const { context, page } = await newPage();
    const response = await page.goto(server.url);
    expect(response?.status()).toBe(200);
    await expect(page.title()).resolves.toContain("Tour de table");
    const link = page.getByRole("link", { name: "La Machinerie : 15 000 € en 15 jours" });
    await link.click();
    await page.waitForURL(`${server.url}/campaigns/la-machinerie`);
    await page.getByRole("heading", { level: 1, name: "La Machinerie : 15 000 € en 15 jours" }).waitFor();
    await context.close();
    expect(pageErrors).toEqual([]);
  });

  test("the progress bar's numbers equal the database's", async () => {
    const campaign = await demoCampaign();
    const totals = await recomputeTotals(database.db, campaign.id);
    expect(totals).toEqual({ pledged: campaign.pledged_amount, backers: campaign.backer_count });
    const percent = Math.floor((campaign.pledged_amount * 100) / campaign.goal_amount);

    const { context, page } = await newPage();
    await page.goto(`${server.url}/campaigns/la-machinerie`);
    const bar = page.getByRole("progressbar", { name: "Progression de la collecte" });
    await expect(bar.getAttribute("data-raised")).resolves.toBe(String(campaign.pledged_amount));
    await expect(bar.getAttribute("data-goal")).resolves.toBe("1500000");
    await expect(bar.getAttribute("aria-valuenow")).resolves.toBe(String(percent));
    await expect(bar.getAttribute("aria-valuemin")).resolves.toBe("0");
    await expect(bar.getAttribute("aria-valuemax")).resolves.toBe("100");
    const raisedText = new Intl.NumberFormat("fr-FR", {
      style: "currency",
      currency: "EUR",
      maximumFractionDigits: 0,
    }).format(campaign.pledged_amount / 100);
    expect(plain(await bar.getAttribute("aria-valuetext"))).toBe(
      `${plain(raisedText)} collectés sur 15 000 €, soit ${percent} %`,
    );
    expect(plain(await page.locator(".progress__goal").first().textContent())).toBe(
      "sur un objectif de 15 000 €",
    );
    expect(plain(await page.getByTestId("raised").first().textContent())).toBe(plain(raisedText));
    expect(await page.getByTestId("percent").first().textContent()).toBe(`${percent} %`);
    expect(await page.getByTestId("backers").textContent()).toBe(String(campaign.backer_count));
    // The width of the bar follows the percentage.
    const widths = await bar.evaluate((el) => ({
      track: el.getBoundingClientRect().width,
      fill: (el.firstElementChild as HTMLElement).getBoundingClientRect().width,
    }));
    expect(widths.fill / widths.track).toBeCloseTo(percent / 100, 2);
    await context.close();
    expect(pageErrors).toEqual([]);
  });

  test("the campaign page shows tiers with stock, stretch goals and the deadline in Paris time", async () => {
    const { context, page } = await newPage();
    await page.goto(`${server.url}/campaigns/la-machinerie`);
    const tiers = page
      .getByRole("region", { name: "Contreparties" })
      .getByRole("listitem")
      .filter({ has: page.getByRole("heading") });
    await expect(tiers.count()).resolves.toBe(5);
    await expect(page.getByText("Épuisée").count()).resolves.toBe(1);
    await expect(page.getByText("2 restantes sur 6").count()).resolves.toBe(1);
    await expect(
      page.getByRole("region", { name: "Paliers" }).getByRole("heading", { level: 3 }).allTextContents(),
    ).resolves.toEqual(["Une découpeuse laser grand format", "Un atelier vélo partagé"]);
    const deadline = await page.locator(".campaign__deadline time").textContent();
    expect(deadline).toMatch(/^\p{L}+ \d{1,2} \p{L}+ 2026 à 23:59, heure de Paris$/u);
    await context.close();
  });

  test("without JavaScript the page shows the same numbers", async () => {
    const campaign = await demoCampaign();
    const { context, page } = await newPage({ javaScriptEnabled: false });
    await page.goto(`${server.url}/campaigns/la-machinerie`);
    const bar = page.getByRole("progressbar");
    await expect(bar.getAttribute("data-raised")).resolves.toBe(String(campaign.pledged_amount));
    expect(await page.getByTestId("backers").textContent()).toBe(String(campaign.backer_count));
    expect(plain(await page.locator(".progress__goal").first().textContent())).toBe(
      "sur un objectif de 15 000 €",
    );
    await context.close();
  });

  test("the language switch turns the page to English and remembers it", async () => {
    const { context, page } = await newPage();
    await page.goto(`${server.url}/campaigns/la-machinerie`);
    await page.getByRole("button", { name: "English" }).click();
    await page.getByRole("heading", { level: 1, name: "La Machinerie: 15 000 € in 15 days" }).waitFor();
    expect(await page.evaluate(() => document.documentElement.lang)).toBe("en");
    expect(page.url()).toBe(`${server.url}/campaigns/la-machinerie`);
    expect(plain(await page.locator(".progress__goal").first().textContent())).toBe("of a €15,000 goal");
    await page.goto(server.url);
    await expect(page.getByRole("heading", { level: 1 }).textContent()).resolves.toBe(
      "Projects carried by the people who live them",
    );
    await context.close();
    expect(pageErrors).toEqual([]);
  });

  test("an unknown campaign gets a 404 page with a way back", async () => {
    const { context, page } = await newPage();
    const response = await page.goto(`${server.url}/campaigns/does-not-exist`);
    expect(response?.status()).toBe(404);
    await expect(page.getByRole("heading", { level: 1 }).textContent()).resolves.toBe("Page introuvable");
    await page.getByRole("link", { name: "Retour à l'accueil" }).click();
    await page.waitForURL(`${server.url}/`);
    await context.close();
  });
});
