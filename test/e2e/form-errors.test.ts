// Issue #15 (accessibility): every refused form shows a summary of what to fix at its top, announced
// (role="alert"), each line a link to its field. With JavaScript the first wrong field (in the page's
// order) takes the focus; without it the server's page focuses the summary and keeps what was typed.
// Here on the sign-in form, the editor's forms (a reward, a reward's translation, the cover, the new
// campaign's details), the admin's refund form and the backer's pledge page, in Chromium.
import type { Browser, BrowserContext, Locator, Page } from "playwright-core";
import { afterAll, beforeAll, describe, expect, test } from "vitest";
import { openDatabase, type DatabaseHandle } from "#db/connection.ts";
import { pledgeToken } from "~/auth/pledge-link.server";
import { axeViolations, launchBrowser, signInByEmail, skipBrowser } from "../support/browser";
import { createCampaign } from "../support/factories";
import { collectedPledge, committedPledge } from "../support/ledger";
import { startServer, type RunningServer } from "../support/server";

const OWNER = "bonjour@lamachinerie.example";
const ADMIN = "admin-form-errors@example.org";
/** The server's, so that the test can sign a pledge's private link. */
const SESSION_SECRET = "form-errors-session-secret-0123456789abcdef";

describe.skipIf(skipBrowser)("a refused form's error summary in Chromium", () => {
  let server: RunningServer;
  let browser: Browser;
  let database: DatabaseHandle;
  let editor: string;
  let liveId: string;
  let owner: BrowserContext;
  let admin: BrowserContext;

  beforeAll(async () => {
    server = await startServer({ ADMIN_EMAILS: ADMIN, SESSION_SECRET });
    browser = await launchBrowser();
    database = openDatabase(server.databaseUrl);
    const live = await database.db
      .selectFrom("campaigns")
      .select("id")
      .where("slug", "=", "la-machinerie")
      .executeTakeFirstOrThrow();
    liveId = live.id;
    editor = `${server.url}/manage/campaigns/${live.id}`;
    owner = (await signInByEmail(browser, server, OWNER)).context;
    admin = (await signInByEmail(browser, server, ADMIN)).context;
  });
  afterAll(async () => {
    await owner?.close();
    await admin?.close();
    await browser?.close();
    await database?.db.destroy();
    await server?.stop();
  });

  async function newPage(javaScriptEnabled: boolean, as?: "owner" | "admin"): Promise<Page> {
    const context = await browser.newContext({
      locale: "fr-FR",
      javaScriptEnabled,
      storageState: as ? await (as === "owner" ? owner : admin).storageState() : undefined,
    });
    const page = await context.newPage();
    page.on("pageerror", (error) => {
      throw error;
    });
    return page;
  }

  const hrefs = (summary: Locator) =>
    summary.getByRole("link").evaluateAll((as) => as.map((a) => a.getAttribute("href")));
  const focusedId = (page: Page) => page.evaluate(() => document.activeElement?.id ?? "");
  const summaryFocused = (page: Page) =>
    page.evaluate(() => document.activeElement?.classList.contains("error-summary") ?? false);

  /** Hydrated: the forms are sent by the page's script from now on. */
  async function hydrated(page: Page) {
    await page.waitForLoadState("networkidle");
    await page.waitForFunction(() => {
      const form = document.querySelector("form");
      return form !== null && Object.keys(form).some((key) => key.startsWith("__reactFiber"));
    });
    // A mark the page keeps as long as no new document replaces it.
    await page.evaluate(() => Object.assign(window, { sameDocument: true }));
  }
  const sameDocument = (page: Page) => page.evaluate(() => "sameDocument" in window);

  const addTierForm = (page: Page) =>
    page.locator("form", { has: page.getByRole("button", { name: "Ajouter la contrepartie" }) });

  test("with JavaScript, the empty sign-in form focuses its field and announces the summary", async () => {
    const page = await newPage(true);
    await page.goto(`${server.url}/sign-in`);
    await hydrated(page);
    await page.getByRole("button", { name: "Recevoir mon lien" }).click();
    const summary = page.locator("form .error-summary");
    await summary.waitFor();
    expect(await summary.getAttribute("role")).toBe("alert");
    expect(await hrefs(summary)).toEqual(["#email"]);
    await page.locator("#email-error").waitFor();
    await expect.poll(() => focusedId(page)).toBe("email");
    expect(await page.getByLabel("Votre adresse e-mail").getAttribute("aria-invalid")).toBe("true");
    // Sent through the page's script: no new document.
    expect(await sameDocument(page)).toBe(true);
    expect(await axeViolations(page, "all")).toEqual([]);

    // The summary's link leads back to the field.
    await summary.getByRole("link").click();
    expect(await focusedId(page)).toBe("email");
    await page.context().close();
  });

  test("without JavaScript, the sign-in form comes back with the summary focused, the error and what was typed", async () => {
    const page = await newPage(false);
    await page.goto(`${server.url}/sign-in`);
    await page.getByLabel("Votre adresse e-mail").fill("ines@");
    await page.getByRole("button", { name: "Recevoir mon lien" }).click();
    const summary = page.locator("form .error-summary");
    await summary.waitFor();
    expect(await summary.getAttribute("role")).toBe("alert");
    expect(await hrefs(summary)).toEqual(["#email"]);
    await expect.poll(() => summaryFocused(page)).toBe(true);
    await page.locator("#email-error").waitFor();
    expect(await page.getByLabel("Votre adresse e-mail").inputValue()).toBe("ines@");
    // From the summary, the next stop of the keyboard is its link, then the field.
    await page.keyboard.press("Tab");
    expect(await page.evaluate(() => document.activeElement?.getAttribute("href"))).toBe("#email");
    await page.context().close();
  });

  test("with JavaScript, an invalid reward focuses its FIRST wrong field and lists every one", async () => {
    const page = await newPage(true, "owner");
    await page.goto(editor);
    await hydrated(page);
    const form = addTierForm(page);
    // No title, an amount that is none, a delivery month in the wrong shape: the title comes first.
    await form.getByLabel("Montant minimum").fill("beaucoup");
    await form.getByLabel("Livraison estimée").fill("mars");
    await form.getByLabel("Description").fill("Un sac en toile épaisse");
    await form.getByRole("button", { name: "Ajouter la contrepartie" }).click();
    const summary = form.locator(".error-summary");
    await summary.waitFor();
    expect(await summary.getAttribute("role")).toBe("alert");
    expect(await hrefs(summary)).toEqual(["#new-tier-title", "#new-tier-minimum", "#new-tier-delivery"]);
    await expect.poll(() => focusedId(page)).toBe("new-tier-title");
    expect(await sameDocument(page)).toBe(true);
    // Only this form shows a summary.
    expect(await page.locator(".error-summary").count()).toBe(1);
    expect(await form.getByLabel("Description").inputValue()).toBe("Un sac en toile épaisse");
    expect(await form.getByLabel("Montant minimum").inputValue()).toBe("beaucoup");
    expect(await axeViolations(page)).toEqual([]);
    // A link to a later field takes the reader there.
    await summary.getByRole("link").nth(1).click();
    expect(await focusedId(page)).toBe("new-tier-minimum");
    await page.context().close();
  });

  test("without JavaScript, the invalid reward comes back with its summary focused, the errors and what was typed", async () => {
    const page = await newPage(false, "owner");
    await page.goto(editor);
    const form = addTierForm(page);
    await form.getByLabel("Titre").fill("S");
    await form.getByLabel("Montant minimum").fill("12");
    await form.getByLabel("Livraison estimée").fill("2027-13");
    await form.getByRole("button", { name: "Ajouter la contrepartie" }).click();
    const summary = addTierForm(page).locator(".error-summary");
    await summary.waitFor();
    expect(await summary.getAttribute("role")).toBe("alert");
    expect(await hrefs(summary)).toEqual(["#new-tier-title", "#new-tier-delivery"]);
    await expect.poll(() => summaryFocused(page)).toBe(true);
    await page.locator("#new-tier-title-error").waitFor();
    await page.locator("#new-tier-delivery-error").waitFor();
    expect(await page.locator("#new-tier-title").inputValue()).toBe("S");
    expect(await page.locator("#new-tier-minimum").inputValue()).toBe("12");
    expect(await page.locator("#new-tier-delivery").inputValue()).toBe("2027-13");
    expect(await page.locator("#new-tier-title").getAttribute("aria-invalid")).toBe("true");
    await page.context().close();
  });

  /** A flexible campaign with one collected pledge of 50 €: its follow-up page and the pledge's refund form. */
  async function refundForm(page: Page) {
    const campaign = await createCampaign(database.db, { funding_model: "flexible" });
    const pledgeId = await collectedPledge(database.db, campaign, 5_000, new Date());
    await page.goto(`${server.url}/admin/campaigns/${campaign}`);
    const form = () =>
      page.locator("form", { has: page.locator(`input[name="pledgeId"][value="${pledgeId}"]`) });
    return { pledgeId, form };
  }

  test("with JavaScript, a refund without a reason focuses the reason from its summary", async () => {
    const page = await newPage(true, "admin");
    const { pledgeId, form } = await refundForm(page);
    await hydrated(page);
    await form().getByLabel("Montant").fill("10");
    await form().getByLabel("Je confirme ce remboursement").check();
    await form().getByRole("button", { name: "Rembourser" }).click();
    const summary = form().locator(".error-summary");
    await summary.waitFor();
    expect(await summary.getAttribute("role")).toBe("alert");
    expect(await hrefs(summary)).toEqual([`#refund-${pledgeId}-reason`]);
    await expect.poll(() => focusedId(page)).toBe(`refund-${pledgeId}-reason`);
    expect(await sameDocument(page)).toBe(true);
    expect(await form().getByLabel("Montant").inputValue()).toBe("10");
    expect(await form().getByLabel("Motif").getAttribute("aria-invalid")).toBe("true");
    expect(await axeViolations(page)).toEqual([]);
    await page.context().close();
  });

  test("without JavaScript, a refund of no amount comes back with its summary focused and what was typed", async () => {
    const page = await newPage(false, "admin");
    const { pledgeId, form } = await refundForm(page);
    await form().getByLabel("Montant").fill("beaucoup");
    await form().getByLabel("Motif").fill("Colis perdu");
    await form().getByLabel("Je confirme ce remboursement").check();
    await form().getByRole("button", { name: "Rembourser" }).click();
    const summary = form().locator(".error-summary");
    await summary.waitFor();
    expect(await hrefs(summary)).toEqual([`#refund-${pledgeId}-amount`]);
    await expect.poll(() => summaryFocused(page)).toBe(true);
    await page.locator(`#refund-${pledgeId}-amount-error`).waitFor();
    expect(await form().getByLabel("Montant").inputValue()).toBe("beaucoup");
    expect(await form().getByLabel("Motif").inputValue()).toBe("Colis perdu");
    await page.context().close();
  });

  test("without JavaScript, a cover that is no image comes back with its summary, linked to the file field", async () => {
    const page = await newPage(false, "owner");
    await page.goto(editor);
    await page.locator("#cover").setInputFiles({
      name: "couverture.png",
      mimeType: "image/png",
      buffer: Buffer.from("ceci n'est pas une image"),
    });
    await page.getByRole("button", { name: "Envoyer l'image" }).click();
    const summary = page.locator("#step-cover .error-summary");
    await summary.waitFor();
    expect(await summary.getAttribute("role")).toBe("alert");
    expect(await hrefs(summary)).toEqual(["#cover"]);
    await expect.poll(() => summaryFocused(page)).toBe(true);
    await page.locator("#cover-error").waitFor();
    expect(await page.locator(".error-summary").count()).toBe(1);
    await page.context().close();
  });

  test("with JavaScript, the new campaign's empty details are checked in the browser: the title first, a summary of all", async () => {
    const page = await newPage(true, "owner");
    await page.goto(`${server.url}/campaigns/new`);
    await hydrated(page);
    await page.locator("#story").fill("Une histoire.");
    await page.getByRole("button", { name: "Enregistrer", exact: true }).click();
    const summary = page.locator("form .error-summary");
    await summary.waitFor();
    expect(await summary.getAttribute("role")).toBe("alert");
    const links = await hrefs(summary);
    expect(links[0]).toBe("#title");
    expect(links).toContain("#goal");
    expect(links.length).toBeGreaterThan(2);
    await expect.poll(() => focusedId(page)).toBe("title");
    // Nothing was sent: the browser checked it.
    expect(page.url()).toMatch(/\/campaigns\/new$/);
    expect(await page.locator("#story").inputValue()).toBe("Une histoire.");
    expect(await axeViolations(page)).toEqual([]);
    await page.context().close();
  });

  test("with JavaScript, a reward's refused translation focuses its title from the summary at its form's top", async () => {
    const page = await newPage(true, "owner");
    const tier = await database.db
      .selectFrom("reward_tiers")
      .select("id")
      .where("campaign_id", "=", liveId)
      .where("title", "=", "Merci !")
      .executeTakeFirstOrThrow();
    await page.goto(editor);
    await hydrated(page);
    const form = page.locator("form", { has: page.getByRole("group", { name: "Contrepartie « Merci ! »" }) });
    await form.getByRole("textbox", { name: "Titre" }).fill("T");
    await form.getByRole("textbox", { name: "Description" }).fill("A thank-you card");
    await form.getByRole("button", { name: "Enregistrer la traduction" }).click();
    const summary = form.locator(".error-summary");
    await summary.waitFor();
    expect(await summary.getAttribute("role")).toBe("alert");
    const title = `translate-tier-${tier.id}-title`;
    expect(await hrefs(summary)).toEqual([`#${title}`]);
    await expect.poll(() => focusedId(page)).toBe(title);
    expect(await sameDocument(page)).toBe(true);
    expect(await page.locator(".error-summary").count()).toBe(1);
    expect(await form.getByRole("textbox", { name: "Description" }).inputValue()).toBe("A thank-you card");
    expect(await axeViolations(page)).toEqual([]);
    await page.context().close();
  });

  /** A pledge of 50 € without a reward on a live campaign: its private page, where it can be changed. */
  async function pledgePage(page: Page) {
    const campaign = await createCampaign(database.db);
    const pledgeId = await committedPledge(database.db, campaign, 5_000, new Date());
    await page.goto(`${server.url}/pledges/${pledgeId}?token=${pledgeToken(SESSION_SECRET, pledgeId)}`);
    return page.locator("form", { has: page.getByRole("button", { name: "Enregistrer les modifications" }) });
  }

  test("with JavaScript, a pledge changed to no amount focuses the amount from the change form's summary", async () => {
    const page = await newPage(true);
    const form = await pledgePage(page);
    await hydrated(page);
    await form.getByLabel("Montant de votre contribution").fill("");
    await form.getByRole("button", { name: "Enregistrer les modifications" }).click();
    const summary = form.locator(".error-summary");
    await summary.waitFor();
    expect(await summary.getAttribute("role")).toBe("alert");
    expect(await hrefs(summary)).toEqual(["#amount"]);
    await expect.poll(() => focusedId(page)).toBe("amount");
    expect(await sameDocument(page)).toBe(true);
    expect(await axeViolations(page)).toEqual([]);
    await page.context().close();
  });

  test("without JavaScript, a pledge changed to an amount that is none comes back with its summary focused and what was typed", async () => {
    const page = await newPage(false);
    const form = await pledgePage(page);
    await form.getByLabel("Montant de votre contribution").fill("beaucoup");
    await form.getByRole("button", { name: "Enregistrer les modifications" }).click();
    const summary = page.locator("form .error-summary");
    await summary.waitFor();
    expect(await hrefs(summary)).toEqual(["#amount"]);
    expect(await summary.innerText()).toContain("Ce montant n'est pas un nombre");
    await expect.poll(() => summaryFocused(page)).toBe(true);
    await page.locator("#amount-error").waitFor();
    expect(await page.getByLabel("Montant de votre contribution").inputValue()).toBe("beaucoup");
    expect(await page.getByLabel("Montant de votre contribution").getAttribute("aria-invalid")).toBe("true");
    await page.context().close();
  });
});
