// A backer in Chromium picks the demo's postal reward (La Machinerie's linen tote): with JavaScript
// the address appears only then, a missing postcode is refused at its field with the rest kept, the
// 4242 card pays, and the address is changed on the pledge page; without JavaScript the same form
// works, its address always shown with a note. axe (run with JavaScript) finds nothing serious on
// the form, its refusal, or the pledge page.
import type { Browser, Page } from "playwright-core";
import { afterAll, beforeAll, describe, expect, test } from "vitest";
import { openDatabase, type DatabaseHandle } from "#db/connection.ts";
import { launchBrowser, seriousViolations, skipBrowser } from "../support/browser";
import { startServer, type RunningServer } from "../support/server";

describe.skipIf(skipBrowser)("a postal reward in Chromium", () => {
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
    // A step that does not happen fails at that step, not at the test's end.
    page.setDefaultTimeout(10_000);
    page.on("pageerror", (error) => {
      throw error;
    });
    return page;
  }

  const tote = /Adhésion annuelle \+ sac en lin/;
  const delivery = (page: Page) => page.getByRole("group", { name: "Livraison de la contrepartie" });

  async function fillBacker(page: Page, email: string) {
    await page.getByLabel("Votre nom", { exact: true }).fill("Inès Martin");
    await page.getByLabel("Votre adresse e-mail").fill(email);
    await page.getByRole("checkbox", { name: /ma carte est enregistrée/ }).check();
  }

  async function fillAddressWithoutPostcode(page: Page) {
    await page.getByLabel("Nom du destinataire").fill("Inès Martin");
    await page.getByLabel("Adresse", { exact: true }).fill("5 rue des Trois Cailloux");
    await page.getByLabel("Ville").fill("Amiens");
    await page.getByLabel("Pays").selectOption("FR");
  }

  async function payWith4242(page: Page) {
    await page.getByRole("heading", { level: 1, name: "Paiement simulé" }).waitFor();
    await page.getByLabel("Numéro de carte").fill("4242 4242 4242 4242");
    await page.getByLabel("Expiration (MM/AA)").fill("12/30");
    await page.getByLabel("CVC").fill("123");
    await page.getByRole("button", { name: "Enregistrer ma carte" }).click();
    await page.getByText(/Merci, Inès Martin/).waitFor();
  }

  const pledgeOf = (email: string) =>
    database.db
      .selectFrom("pledges")
      .select(["delivery_method", "ship_name", "ship_line1", "ship_postal_code", "ship_city", "ship_country"])
      .where("backer_email", "=", email)
      .executeTakeFirstOrThrow();

  async function expectPostcodeRefused(page: Page) {
    await page.getByRole("button", { name: "Continuer vers le paiement" }).click();
    await page.locator("#shipPostalCode-error").filter({ hasText: "Indiquez le code postal." }).waitFor();
    await expect(page.getByLabel("Code postal").getAttribute("aria-invalid")).resolves.toBe("true");
    // Everything else as typed.
    await expect(page.getByLabel("Adresse", { exact: true }).inputValue()).resolves.toBe(
      "5 rue des Trois Cailloux",
    );
    await expect(page.getByLabel("Ville").inputValue()).resolves.toBe("Amiens");
    await expect(page.getByLabel("Votre nom", { exact: true }).inputValue()).resolves.toBe("Inès Martin");
    await expect(page.getByRole("radio", { name: tote }).isChecked()).resolves.toBe(true);
  }

  /** axe runs in the page: only where it runs JavaScript. */
  async function changeAddressOnPledgePage(page: Page, email: string, axe: boolean) {
    const section = page.getByRole("form", { name: "Livraison" });
    await expect(section.getByLabel("Adresse", { exact: true }).inputValue()).resolves.toBe(
      "5 rue des Trois Cailloux",
    );
    if (axe) expect(await seriousViolations(page)).toEqual([]);
    await section.getByLabel("Code postal").fill("8000");
    await section.getByRole("button", { name: "Enregistrer" }).click();
    await page
      .locator("#shipPostalCode-error")
      .filter({ hasText: /cinq chiffres/ })
      .waitFor();
    await page
      .getByRole("form", { name: "Livraison" })
      .getByLabel("Adresse", { exact: true })
      .fill("2 place Gambetta");
    await page.getByRole("form", { name: "Livraison" }).getByLabel("Code postal").fill("80000");
    await page.getByRole("form", { name: "Livraison" }).getByRole("button", { name: "Enregistrer" }).click();
    await page.getByText("Votre choix de livraison est enregistré.").waitFor();
    expect(await pledgeOf(email)).toMatchObject({
      ship_line1: "2 place Gambetta",
      ship_postal_code: "80000",
    });
  }

  test("with JavaScript, the address appears for the postal reward, is checked at its fields, and is changed later", async () => {
    const page = await newPage(true);
    await page.goto(`${server.url}/campaigns/la-machinerie/pledge`);
    // Hydrated: without a reward to send, the address is gone.
    await delivery(page).waitFor({ state: "detached" });
    await page.getByRole("radio", { name: tote }).check();
    await delivery(page).waitFor();
    await expect(
      page.getByText("Seulement pour les contreparties envoyées par la poste").count(),
    ).resolves.toBe(0);
    await expect(page.getByLabel("Code postal").getAttribute("autocomplete")).resolves.toMatch(
      /postal-code$/,
    );
    // The owner offers pick-up: choosing it hides the address, by post shows it again.
    await page.getByRole("radio", { name: /Je viens la chercher : La Machinerie, Amiens/ }).check();
    await expect(page.getByLabel("Code postal").count()).resolves.toBe(0);
    await page.getByRole("radio", { name: "Par la poste" }).check();
    await fillBacker(page, "ines-js@example.org");
    await fillAddressWithoutPostcode(page);
    expect(await seriousViolations(page)).toEqual([]);
    await expectPostcodeRefused(page);
    expect(await seriousViolations(page)).toEqual([]);
    await page.getByLabel("Code postal").fill("80000");
    await page.getByRole("button", { name: "Continuer vers le paiement" }).click();
    await payWith4242(page);
    expect(await pledgeOf("ines-js@example.org")).toEqual({
      delivery_method: "post",
      ship_name: "Inès Martin",
      ship_line1: "5 rue des Trois Cailloux",
      ship_postal_code: "80000",
      ship_city: "Amiens",
      ship_country: "FR",
    });
    await changeAddressOnPledgePage(page, "ines-js@example.org", true);
  });

  test("without JavaScript, the same form works: the address is always there, with its note", async () => {
    const page = await newPage(false);
    await page.goto(`${server.url}/campaigns/la-machinerie/pledge`);
    await delivery(page).waitFor();
    await page.getByText("Seulement pour les contreparties envoyées par la poste").waitFor();
    await page.getByRole("radio", { name: tote }).check();
    await page.getByLabel("Montant de votre contribution").fill("80");
    await fillBacker(page, "ines-nojs@example.org");
    await fillAddressWithoutPostcode(page);
    await expectPostcodeRefused(page);
    await page.getByLabel("Code postal").fill("80000");
    await page.getByRole("button", { name: "Continuer vers le paiement" }).click();
    await payWith4242(page);
    expect(await pledgeOf("ines-nojs@example.org")).toMatchObject({
      delivery_method: "post",
      ship_city: "Amiens",
    });
    await changeAddressOnPledgePage(page, "ines-nojs@example.org", false);
  });
});
