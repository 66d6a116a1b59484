// The pledge form's states in Chromium (issue #15, items 7 and 8): a reward that sells out while a
// second tab has it chosen, a `?tier=` link to a sold-out reward, the public reward card's backers,
// and an invalid form sent with and without JavaScript (first invalid field focused, a summary).
import type { Browser, Page } from "playwright-core";
import { afterAll, beforeAll, describe, expect, test } from "vitest";
import { openDatabase, type DatabaseHandle } from "#db/connection.ts";
import { commitPledge, startPledge } from "~/pledges/pledges.server";
import { axeViolations, launchBrowser, skipBrowser } from "../support/browser";
import { pledgeRequest } from "../support/factories";
import { startServer, type RunningServer } from "../support/server";

describe.skipIf(skipBrowser)("the pledge form's states in Chromium", () => {
  let server: RunningServer;
  let browser: Browser;
  let database: DatabaseHandle;

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

  async function newPage(javaScriptEnabled = true): Promise<Page> {
    const context = await browser.newContext({ locale: "fr-FR", javaScriptEnabled });
    const page = await context.newPage();
    page.on("pageerror", (error) => {
      throw error;
    });
    return page;
  }

  /** The demo's "Mécène de l'établi": 6 units, 4 of them taken by the demo's backers. */
  async function patronTier() {
    return database.db
      .selectFrom("reward_tiers")
      .innerJoin("campaigns", "campaigns.id", "reward_tiers.campaign_id")
      .select(["reward_tiers.id", "reward_tiers.campaign_id", "reward_tiers.claimed_count"])
      .where("campaigns.slug", "=", "la-machinerie")
      .where("reward_tiers.stock_limit", "=", 6)
      .executeTakeFirstOrThrow();
  }

  /** Checkouts left open until the reward has no unit left (the first test leaves it so already). */
  async function sellOutPatron() {
    const tier = await patronTier();
    for (let taken = tier.claimed_count; taken < 6; taken++) {
      await startPledge(
        database.db,
        pledgeRequest(tier.campaign_id, 50_000, { tierId: tier.id }),
        new Date(),
      );
    }
    return tier;
  }

  const patronRadio = (page: Page) => page.getByRole("radio", { name: /Mécène de l'établi/ });

  async function fillPatronPledge(page: Page) {
    await page.goto(`${server.url}/campaigns/la-machinerie/pledge`);
    await patronRadio(page).check();
    await page.getByLabel("Montant de votre contribution").fill("520");
    await page.getByLabel("Votre nom", { exact: true }).fill("Noé Dubois");
    await page.getByLabel("Votre adresse e-mail").fill("noe@example.org");
    await page.getByLabel(/Un mot pour le projet/).fill("Bravo !");
    await page.getByRole("checkbox", { name: /ma carte est enregistrée/ }).check();
  }

  async function expectTypedKept(page: Page) {
    expect(await page.getByLabel("Montant de votre contribution").inputValue()).toBe("520");
    expect(await page.getByLabel("Votre nom", { exact: true }).inputValue()).toBe("Noé Dubois");
    expect(await page.getByLabel("Votre adresse e-mail").inputValue()).toBe("noe@example.org");
    expect(await page.getByLabel(/Un mot pour le projet/).inputValue()).toBe("Bravo !");
  }

  test("a reward that sells out meanwhile: the second tab's form comes back with the reward's error, what was typed kept, and every page says sold out; an abandoned checkout is no backer", async () => {
    const tier = await patronTier();
    expect(tier.claimed_count).toBe(4);
    const withScript = await newPage(true);
    const withoutScript = await newPage(false);
    await fillPatronPledge(withScript);
    await fillPatronPledge(withoutScript);
    await expect(
      withScript.locator(".tier-option", { has: patronRadio(withScript) }).textContent(),
    ).resolves.toMatch(/2 restantes sur 6/);

    // Meanwhile: one backer pays for a unit, another starts a checkout and leaves it (it holds the last).
    const now = new Date();
    const paid = await startPledge(
      database.db,
      pledgeRequest(tier.campaign_id, 50_000, { tierId: tier.id }),
      now,
    );
    expect(await commitPledge(database.db, paid.id, {}, now)).toBe("committed");
    await startPledge(database.db, pledgeRequest(tier.campaign_id, 50_000, { tierId: tier.id }), now);

    // Without JavaScript the answer read the rewards again, but its sold-out radio was disabled and
    // still checked: sent again, the form posted no reward at all. With JavaScript the rewards were
    // not read again after the refusal: "2 left of 6", still choosable.
    for (const page of [withoutScript, withScript]) {
      await page.getByRole("button", { name: "Continuer vers le paiement" }).click();
      await page
        .locator("#tierId-error")
        .filter({ hasText: "Cette contrepartie vient d'être épuisée" })
        .waitFor();
      expect(page.url()).toMatch(/\/campaigns\/la-machinerie\/pledge$/);
      await expectTypedKept(page);
      expect(await patronRadio(page).isChecked()).toBe(true);
      // The reward reads as sold out, not as what was left when the page was opened (with
      // JavaScript the error shows as the rewards are read again, a moment before they are).
      const option = page.locator(".tier-option", { has: patronRadio(page) });
      await expect.poll(() => option.textContent()).toMatch(/Épuisée/);
      await expect(option.textContent()).resolves.not.toMatch(/restante/);
      await page.waitForLoadState("networkidle");
      // Sent again as it is, the reward is refused again: it never silently becomes "no reward".
      await page.getByRole("button", { name: "Continuer vers le paiement" }).click();
      await page
        .locator("#tierId-error")
        .filter({ hasText: "Cette contrepartie vient d'être épuisée" })
        .waitFor();
      expect(page.url()).toMatch(/\/campaigns\/la-machinerie\/pledge$/);
      await expectTypedKept(page);
      if (page === withScript) expect(await axeViolations(page, "all")).toEqual([]);
    }
    const pledges = await database.db
      .selectFrom("pledges")
      .select("id")
      .where("backer_email", "=", "noe@example.org")
      .execute();
    expect(pledges).toEqual([]);

    // The public card: sold out, and the backers are the four demo ones and the one who paid.
    const campaignPage = await newPage(true);
    await campaignPage.goto(`${server.url}/campaigns/la-machinerie`);
    const card = campaignPage.locator(".tier", { hasText: "Mécène de l'établi" });
    await expect(card.getByTestId("tier-stock").textContent()).resolves.toBe("Épuisée");
    await expect(card.textContent()).resolves.toMatch(/5 contributeurs/);
    await expect(card.textContent()).resolves.not.toMatch(/6 contributeurs/);
    for (const page of [withScript, withoutScript, campaignPage]) await page.context().close();
  });

  test("a ?tier= link to a sold-out reward says so in a visible notice and offers the others", async () => {
    const tier = await sellOutPatron();
    for (const javaScriptEnabled of [true, false]) {
      const page = await newPage(javaScriptEnabled);
      await page.goto(`${server.url}/campaigns/la-machinerie/pledge?tier=${tier.id}`);
      const notice = page.getByTestId("tier-sold-out");
      await notice.waitFor();
      expect(await notice.isVisible()).toBe(true);
      await expect(notice.textContent()).resolves.toMatch(/« Mécène de l'établi » est épuisée/);
      // The others are there to choose, the sold-out one is not.
      expect(await patronRadio(page).isDisabled()).toBe(true);
      expect(await page.getByRole("radio", { name: /Initiation au fablab/ }).isEnabled()).toBe(true);
      expect(await page.getByRole("radio", { name: /Adhésion annuelle/ }).isEnabled()).toBe(true);
      expect(await page.getByRole("radio", { name: /Sans contrepartie/ }).isEnabled()).toBe(true);
      expect(
        await page.getByRole("group", { name: "Votre contrepartie" }).getAttribute("aria-describedby"),
      ).toMatch(/tier-sold-out/);
      if (javaScriptEnabled) expect(await axeViolations(page, "all")).toEqual([]);
      await page.context().close();
    }
  });

  test("with JavaScript, Enter on an empty form focuses the first invalid field and shows a summary", async () => {
    const page = await newPage(true);
    await page.goto(`${server.url}/campaigns/la-machinerie/pledge`);
    // Hydrated: the form checks fields in the browser from now on.
    await page.waitForFunction(() => document.querySelector("form.pledge-form")?.hasAttribute("novalidate"));
    await page.waitForLoadState("networkidle");
    await page.getByLabel("Montant de votre contribution").press("Enter");
    const summary = page.locator(".error-summary");
    await summary.waitFor();
    expect(await summary.getAttribute("role")).toBe("alert");
    const links = summary.getByRole("link");
    await expect(links.evaluateAll((as) => as.map((a) => a.getAttribute("href")))).resolves.toEqual([
      "#name",
      "#email",
      "#consent",
    ]);
    await expect(links.first().textContent()).resolves.toBe("Indiquez votre nom.");
    // The first invalid field in the page's order, not the last.
    expect(await page.evaluate(() => document.activeElement?.id)).toBe("name");
    // Nothing was sent: the browser checked it.
    expect(page.url()).toMatch(/\/pledge$/);
    expect(await axeViolations(page, "all")).toEqual([]);

    // Fixing one field takes it off the list; the next attempt focuses the next one still wrong.
    await page.getByLabel("Votre nom", { exact: true }).fill("Inès");
    await page.getByLabel("Votre nom", { exact: true }).press("Enter");
    await expect
      .poll(() => links.evaluateAll((as) => as.map((a) => a.getAttribute("href"))))
      .toEqual(["#email", "#consent"]);
    expect(await page.evaluate(() => document.activeElement?.id)).toBe("email");
    // A summary link takes the reader to its field.
    await links.last().click();
    expect(await page.evaluate(() => document.activeElement?.id)).toBe("consent");
    await page.context().close();
  });

  test("without JavaScript, the server's answer shows the same summary and each field's error, what was typed kept", async () => {
    const page = await newPage(false);
    await page.goto(`${server.url}/campaigns/la-machinerie/pledge`);
    await page.getByLabel("Votre adresse e-mail").fill("ines@");
    await page.getByLabel(/Un mot pour le projet/).fill("Courage");
    await page.getByRole("button", { name: "Continuer vers le paiement" }).click();
    const summary = page.locator(".error-summary");
    await summary.waitFor();
    expect(await summary.getAttribute("role")).toBe("alert");
    await expect(
      summary.getByRole("link").evaluateAll((as) => as.map((a) => a.getAttribute("href"))),
    ).resolves.toEqual(["#name", "#email", "#consent"]);
    await page.locator("#name-error").filter({ hasText: "Indiquez votre nom." }).waitFor();
    await page.locator("#email-error").filter({ hasText: "Cette adresse e-mail n'est pas valide" }).waitFor();
    await page.locator("#consent-error").filter({ hasText: "Cochez cette case pour continuer." }).waitFor();
    expect(await page.getByLabel("Votre adresse e-mail").inputValue()).toBe("ines@");
    expect(await page.getByLabel(/Un mot pour le projet/).inputValue()).toBe("Courage");
    expect(await page.getByLabel("Votre adresse e-mail").getAttribute("aria-invalid")).toBe("true");
    await page.context().close();
  });
});
