// Issue #16 part 5, budget lines, in Chromium: the owner of La Machinerie lists what the money buys
// (with JavaScript, then without, and the English label of one line), and a fresh visitor sees, beside
// the progress bar, which lines the money raised covers, in order, in French and English, without
// JavaScript too; with JavaScript the list follows the live total; axe finds nothing serious, and a
// 390 px phone scrolls no wider than itself.
import type { Browser, BrowserContext, Page } from "playwright-core";
import { afterAll, beforeAll, describe, expect, test } from "vitest";
import { launchBrowser, seriousViolations, signInByEmail, skipBrowser } from "../support/browser";
import { startServer, type RunningServer } from "../support/server";
import { openDatabase, type DatabaseHandle } from "#db/connection.ts";

const OWNER = "bonjour@lamachinerie.example";
const phone = { width: 390, height: 844 };

describe.skipIf(skipBrowser)("budget lines on a live campaign", () => {
  let server: RunningServer;
  let browser: Browser;
  let database: DatabaseHandle;
  let editor: string;
  let owner: BrowserContext;
  let raised: number;
  let campaignId: string;

  beforeAll(async () => {
    server = await startServer();
    browser = await launchBrowser();
    database = openDatabase(server.databaseUrl);
    const live = await database.db
      .selectFrom("campaigns")
      .select(["id", "pledged_amount"])
      .where("slug", "=", "la-machinerie")
      .executeTakeFirstOrThrow();
    campaignId = live.id;
    raised = Number(live.pledged_amount);
    editor = `${server.url}/manage/campaigns/${live.id}`;
    owner = (await signInByEmail(browser, server, OWNER)).context;
  });
  afterAll(async () => {
    await browser?.close();
    await database?.db.destroy();
    await server?.stop();
  });

  const lines = async () =>
    (
      await database.db
        .selectFrom("campaign_budget_lines")
        .select(["id", "label", "amount"])
        .where("campaign_id", "=", campaignId)
        .orderBy("position")
        .execute()
    ).map((row) => ({ ...row, amount: Number(row.amount) }));
  const addForm = (page: Page) =>
    page.locator("form", { has: page.getByRole("button", { name: "Ajouter la ligne" }) });

  test("the owner adds lines with and without JavaScript, and gives one its English label", async () => {
    expect(raised).toBeGreaterThan(20_000);
    // The first line is covered by what is raised, the second only partly, the third not yet.
    const euros = Math.floor(raised / 100);
    const first = Math.floor(euros / 2);

    const page = await owner.newPage();
    await page.goto(editor);
    await page.waitForFunction(() => (window as unknown as { __remixRouter?: unknown }).__remixRouter);
    await addForm(page).getByLabel("Ce que la ligne finance").fill("Loyer, trois premiers mois");
    await addForm(page).getByLabel("Montant (EUR)").fill(String(first));
    await addForm(page).getByRole("button", { name: "Ajouter la ligne" }).click();
    await page.getByText("Enregistré.").waitFor();
    await expect.poll(() => addForm(page).getByLabel("Ce que la ligne finance").inputValue()).toBe("");
    await addForm(page).getByLabel("Ce que la ligne finance").fill("Découpeuse laser");
    await addForm(page).getByLabel("Montant (EUR)").fill(String(euros));
    await addForm(page).getByRole("button", { name: "Ajouter la ligne" }).click();
    await expect.poll(async () => (await lines()).length).toBe(2);
    expect(await seriousViolations(page)).toEqual([]);
    await page.close();

    // Without JavaScript: refused (an amount of nothing), what was typed stays; then saved.
    const plain = await browser.newContext({
      locale: "fr-FR",
      javaScriptEnabled: false,
      storageState: await owner.storageState(),
    });
    const noScript = await plain.newPage();
    await noScript.goto(editor);
    await addForm(noScript).getByLabel("Ce que la ligne finance").fill("Outillage");
    await addForm(noScript).getByLabel("Montant (EUR)").fill("0");
    await addForm(noScript).getByRole("button", { name: "Ajouter la ligne" }).click();
    await addForm(noScript).locator(".field__error").first().waitFor();
    expect(await addForm(noScript).getByLabel("Ce que la ligne finance").inputValue()).toBe("Outillage");
    await addForm(noScript).getByLabel("Montant (EUR)").fill("1 000");
    await addForm(noScript).getByRole("button", { name: "Ajouter la ligne" }).click();
    await noScript.waitForURL(/notice=saved/);
    expect((await lines()).map((l) => [l.label, l.amount])).toEqual([
      ["Loyer, trois premiers mois", first * 100],
      ["Découpeuse laser", euros * 100],
      ["Outillage", 100_000],
    ]);

    // The first line's English label, through its translation form (the editor has one per line).
    const rent = (await lines())[0]!;
    await noScript.locator(`#translate-budget-${rent.id}-label`).fill("Rent, first three months");
    await noScript
      .locator("form", { has: noScript.locator(`#translate-budget-${rent.id}-label`) })
      .getByRole("button", { name: "Enregistrer la traduction" })
      .click();
    await noScript.waitForURL(/notice=saved/);
    await plain.close();
  });

  test("a fresh visitor reads which lines the money raised covers, in order, in French and English", async () => {
    const [rent, laser] = await lines();
    const partly = raised - rent!.amount;

    // French, without JavaScript: the numbers as rendered.
    const french = await browser.newContext({ locale: "fr-FR", javaScriptEnabled: false, viewport: phone });
    const page = await french.newPage();
    await page.goto(`${server.url}/campaigns/la-machinerie`);
    const budget = page.getByRole("region", { name: "Ce que l'argent finance" });
    const items = budget.getByRole("listitem");
    expect(await items.count()).toBe(3);
    expect(await items.nth(0).textContent()).toMatch(/^Loyer, trois premiers mois .*Financé$/u);
    const partial = await items.nth(1).textContent();
    expect(partial).toMatch(/^Découpeuse laser .*Financé en partie : [\d\s,]+\s€ sur [\d\s,]+\s€$/u);
    expect(partial?.replace(/\s/gu, "")).toContain(
      `${new Intl.NumberFormat("fr-FR", { style: "currency", currency: "EUR", minimumFractionDigits: partly % 100 ? 2 : 0 }).format(partly / 100).replace(/\s/gu, "")}sur`,
    );
    expect(await items.nth(2).textContent()).toMatch(/Outillage .*Pas encore financé$/u);
    // Beside the bar: in the same aside as the progress bar.
    expect(
      await page.locator(".campaign__stats").getByRole("region", { name: "Ce que l'argent finance" }).count(),
    ).toBe(1);
    expect(await page.evaluate(() => document.documentElement.scrollWidth)).toBeLessThanOrEqual(phone.width);
    await french.close();

    // English, with JavaScript: the translated label, the others in French; axe; the phone's width.
    const english = await browser.newContext({ locale: "en-GB", viewport: phone });
    const en = await english.newPage();
    await en.goto(`${server.url}/campaigns/la-machinerie`);
    const enBudget = en.getByRole("region", { name: "What the money pays for" });
    await enBudget.getByText("Rent, first three months").waitFor();
    expect(await enBudget.getByRole("listitem").nth(1).textContent()).toMatch(/Partly covered: .+ of .+/u);
    expect(await enBudget.getByRole("listitem").nth(2).textContent()).toMatch(/Not covered yet$/u);
    expect(await seriousViolations(en)).toEqual([]);
    expect(await en.evaluate(() => document.documentElement.scrollWidth)).toBeLessThanOrEqual(phone.width);
    await en.setViewportSize({ width: 1366, height: 768 });
    expect(await seriousViolations(en)).toEqual([]);

    // The live total moves (as a pledge would move it): the list follows without a reload.
    await en.locator('[data-live="on"]').waitFor();
    await database.db
      .updateTable("campaigns")
      .set({ pledged_amount: rent!.amount + laser!.amount })
      .where("id", "=", campaignId)
      .execute();
    await expect
      .poll(() => enBudget.getByRole("listitem").nth(1).textContent(), { timeout: 10_000 })
      .toMatch(/Covered$/u);
    await database.db
      .updateTable("campaigns")
      .set({ pledged_amount: raised })
      .where("id", "=", campaignId)
      .execute();
    await english.close();
  });
});
