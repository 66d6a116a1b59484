// Shipping by zone in Chromium (docs/decisions/036): the owner of the demo's live campaign adds a
// postal reward with its costs to France and the EU (the costs show only while "sent by post" is
// ticked); a backer picks it, sees each zone's cost and, with JavaScript, the total once the country
// is chosen; a country not served is refused at its field; the simulated checkout and the pledge
// page show the amount with the shipping. Without JavaScript the same pledge works. axe finds
// nothing serious on the editor, the form or the pledge page.
import type { Browser, Page } from "playwright-core";
import { afterAll, beforeAll, describe, expect, test } from "vitest";
import { openDatabase, type DatabaseHandle } from "#db/connection.ts";
import { launchBrowser, seriousViolations, signInByEmail, skipBrowser } from "../support/browser";
import { startServer, type RunningServer } from "../support/server";

const OWNER = "bonjour@lamachinerie.example";
const poster = /Affiche sérigraphiée/;

describe.skipIf(skipBrowser)("shipping by zone in Chromium", () => {
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

  async function newPage(javaScriptEnabled: boolean): Promise<Page> {
    const context = await browser.newContext({ locale: "fr-FR", javaScriptEnabled });
    const page = await context.newPage();
    page.setDefaultTimeout(10_000);
    page.on("pageerror", (error) => {
      throw error;
    });
    return page;
  }

  async function fillBacker(page: Page, email: string, country: string, city: string, postcode: string) {
    await page.getByLabel("Votre nom", { exact: true }).fill("Inès Martin");
    await page.getByLabel("Votre adresse e-mail").fill(email);
    await page.getByRole("checkbox", { name: /ma carte est enregistrée/ }).check();
    await page.getByLabel("Nom du destinataire").fill("Inès Martin");
    await page.getByLabel("Adresse", { exact: true }).fill("5 Hauptstraße");
    await page.getByLabel("Code postal").fill(postcode);
    await page.getByLabel("Ville").fill(city);
    await page.getByLabel("Pays").selectOption(country);
  }

  async function payOnCheckout(page: Page, total: RegExp) {
    await page.getByRole("heading", { level: 1, name: "Paiement simulé" }).waitFor();
    // The checkout is for the amount and the shipping.
    await page.getByText(total).first().waitFor();
    await page.getByLabel("Numéro de carte").fill("4242 4242 4242 4242");
    await page.getByLabel("Expiration (MM/AA)").fill("12/30");
    await page.getByLabel("CVC").fill("123");
    await page.getByRole("button", { name: "Enregistrer ma carte" }).click();
    await page.getByText(/Merci, Inès Martin/).waitFor();
  }

  const pledgeOf = (email: string) =>
    database.db
      .selectFrom("pledges")
      .select(["amount", "shipping_amount", "ship_country"])
      .where("backer_email", "=", email)
      .executeTakeFirstOrThrow();

  test("the owner gives the costs, a backer with JavaScript sees the total and pays amount + shipping", async () => {
    const live = await database.db
      .selectFrom("campaigns")
      .select("id")
      .where("slug", "=", "la-machinerie")
      .executeTakeFirstOrThrow();
    const owner = (await signInByEmail(browser, server, OWNER)).context;
    const editor = await owner.newPage();
    await editor.goto(`${server.url}/manage/campaigns/${live.id}`);
    const form = editor.locator("form", {
      has: editor.getByRole("button", { name: "Ajouter la contrepartie" }),
    });
    // Not sent by post: no costs to give.
    await expect(form.getByLabel("Union européenne").isVisible()).resolves.toBe(false);
    await form.getByLabel("Titre").fill("Affiche sérigraphiée");
    await form.getByLabel("Montant minimum").fill("20");
    await form.getByRole("checkbox", { name: "Envoi postal" }).check();
    await form.getByLabel("France et Monaco").fill("4");
    await form.getByLabel("Union européenne").fill("8,50");
    expect(await seriousViolations(editor)).toEqual([]);
    await form.getByRole("button", { name: "Ajouter la contrepartie" }).click();
    await editor.waitForURL(/notice=saved/);
    expect(
      await database.db
        .selectFrom("reward_tiers")
        .select(["shipping_required", "shipping_fr", "shipping_eu", "shipping_world"])
        .where("campaign_id", "=", live.id)
        .where("title", "=", "Affiche sérigraphiée")
        .executeTakeFirstOrThrow(),
    ).toEqual({ shipping_required: 1, shipping_fr: 400, shipping_eu: 850, shipping_world: null });
    await owner.close();

    const page = await newPage(true);
    await page.goto(`${server.url}/campaigns/la-machinerie/pledge`);
    const option = page.getByRole("radio", { name: poster });
    await option.check();
    // The reward says what each zone costs.
    await page
      .getByText(/Frais de port — France : 4,00.*Union européenne : 8,50.*reste du monde : pas d'envoi/)
      .waitFor();
    await fillBacker(page, "ines-zone-js@example.org", "DE", "Berlin", "10115");
    await page
      .getByTestId("shipping-total")
      .filter({ hasText: /8,50.*28,50/ })
      .waitFor();
    expect(await seriousViolations(page)).toEqual([]);
    // Not sent to the United States: refused at the country, the rest kept.
    await page.getByLabel("Pays").selectOption("US");
    await page.getByRole("button", { name: "Continuer vers le paiement" }).click();
    await page
      .locator("#shipCountry-error")
      .filter({ hasText: "Cette contrepartie n'est pas envoyée dans ce pays." })
      .waitFor();
    await expect(page.getByLabel("Ville").inputValue()).resolves.toBe("Berlin");
    expect(await seriousViolations(page)).toEqual([]);
    await page.getByLabel("Pays").selectOption("DE");
    await page.getByRole("button", { name: "Continuer vers le paiement" }).click();
    await payOnCheckout(page, /28,50/);
    expect(await pledgeOf("ines-zone-js@example.org")).toEqual({
      amount: 2_850,
      shipping_amount: 850,
      ship_country: "DE",
    });
    await page.getByTestId("pledge-amount").filter({ hasText: "28,50" }).waitFor();
    await page.getByTestId("pledge-shipping").filter({ hasText: "8,50" }).waitFor();
    expect(await seriousViolations(page)).toEqual([]);
  });

  test("without JavaScript, the pledge with its shipping works the same", async () => {
    const page = await newPage(false);
    await page.goto(`${server.url}/campaigns/la-machinerie/pledge`);
    await page.getByRole("radio", { name: poster }).check();
    await page.getByLabel("Montant de votre contribution").fill("20");
    await fillBacker(page, "ines-zone-nojs@example.org", "US", "New York", "10001");
    await page.getByRole("button", { name: "Continuer vers le paiement" }).click();
    // The server refuses the zone at its field, with what was typed kept.
    await page
      .locator("#shipCountry-error")
      .filter({ hasText: "Cette contrepartie n'est pas envoyée dans ce pays." })
      .waitFor();
    await expect(page.getByLabel("Ville").inputValue()).resolves.toBe("New York");
    await page.getByLabel("Code postal").fill("80000");
    await page.getByLabel("Ville").fill("Amiens");
    await page.getByLabel("Pays").selectOption("FR");
    await page.getByRole("button", { name: "Continuer vers le paiement" }).click();
    await payOnCheckout(page, /24,00/);
    expect(await pledgeOf("ines-zone-nojs@example.org")).toEqual({
      amount: 2_400,
      shipping_amount: 400,
      ship_country: "FR",
    });
    await page.getByTestId("pledge-shipping").filter({ hasText: "4,00" }).waitFor();
  });
});
