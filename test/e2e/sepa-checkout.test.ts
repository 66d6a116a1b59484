// A backer pays by SEPA Direct Debit on the simulated checkout in Chromium: the mandate text is beside
// the IBAN field, a wrong IBAN says why, and (flexible) the pledge shows "payment in progress" until the
// simulated bank settles it and it is paid. axe-core finds nothing to fix on these pages.
import type { Browser, Page } from "playwright-core";
import { afterAll, beforeAll, describe, expect, test } from "vitest";
import { openDatabase, type DatabaseHandle } from "#db/connection.ts";
import { axeViolations, launchBrowser, skipBrowser } from "../support/browser";
import { startServer, type RunningServer } from "../support/server";

describe.skipIf(skipBrowser)("paying by SEPA Direct Debit in Chromium", () => {
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

  async function checkoutPage(consent: boolean): Promise<Page> {
    const context = await browser.newContext({ locale: "fr-FR" });
    const page = await context.newPage();
    page.on("pageerror", (error) => {
      throw error;
    });
    await page.goto(`${server.url}/campaigns/la-machinerie/pledge`);
    await page.getByRole("radio", { name: /Sans contrepartie/ }).check();
    await page.getByLabel("Montant de votre contribution").fill("30");
    await page.getByLabel("Votre nom", { exact: true }).fill("Léa Martin");
    await page.getByLabel("Votre adresse e-mail").fill("lea@example.org");
    if (consent) await page.getByRole("checkbox", { name: /ma carte est enregistrée/ }).check();
    await page.getByRole("button", { name: "Continuer vers le paiement" }).click();
    await page.getByRole("heading", { level: 1, name: "Paiement simulé" }).waitFor();
    return page;
  }

  test("all-or-nothing: the mandate is beside the IBAN, a wrong IBAN says why, a test IBAN saves the mandate", async () => {
    const page = await checkoutPage(true);
    await page.getByRole("heading", { level: 2, name: "Prélèvement SEPA" }).waitFor();
    const iban = page.getByLabel("IBAN", { exact: true });
    // The mandate text is the IBAN field's description, in the page's language.
    const described = await iban.getAttribute("aria-describedby");
    expect(described).toBeTruthy();
    await expect(page.locator(`[id="${described!.split(" ")[0]}"]`).textContent()).resolves.toMatch(
      /vous autorisez \(A\) Tour de table et Stripe, notre prestataire de services de paiement.*8 semaines/,
    );
    expect(await axeViolations(page)).toEqual([]);

    await page.getByLabel("Titulaire du compte").fill("Léa Martin");
    await iban.fill("DE89 3704 0044 0532 0130 00");
    await page.getByRole("button", { name: "Accepter le mandat et enregistrer mon IBAN" }).click();
    await page.getByText("Cet IBAN n'est pas un IBAN de test.").first().waitFor();
    expect(await iban.getAttribute("aria-invalid")).toBe("true");
    expect(await axeViolations(page)).toEqual([]);

    await iban.fill("AT61 1904 3002 3457 3201");
    await page.getByRole("button", { name: "Accepter le mandat et enregistrer mon IBAN" }).click();
    await page.getByText(/Merci, Léa Martin/).waitFor();
    const pledge = await database.db
      .selectFrom("pledges")
      .select(["status", "payment_method_id", "payment_processing_at"])
      .where("backer_email", "=", "lea@example.org")
      .executeTakeFirstOrThrow();
    // Saved for the deadline: nothing is debited before the goal is met.
    expect(pledge).toEqual({
      status: "committed",
      payment_method_id: "sim_pm_sepa_debit_sepa_succeeds",
      payment_processing_at: null,
    });
  });

  test("flexible: the debit shows as in progress, then paid once the simulated bank settles it", async () => {
    await database.db
      .updateTable("campaigns")
      .set({ funding_model: "flexible" })
      .where("slug", "=", "la-machinerie")
      .execute();
    const page = await checkoutPage(false);
    await page.getByLabel("Titulaire du compte").fill("Léa Martin");
    await page.getByLabel("IBAN", { exact: true }).fill("AT611904300234573201");
    await page.getByRole("button", { name: /Accepter le mandat et payer 30,00/ }).click();
    await page.getByText(/Merci, Léa Martin/).waitFor();
    await expect(page.getByTestId("pledge-status").textContent()).resolves.toBe(
      "Paiement en cours : prélèvement SEPA en traitement",
    );
    await page.getByText(/Votre prélèvement SEPA a été envoyé à votre banque/).waitFor();
    expect(await axeViolations(page)).toEqual([]);

    // The simulated bank answers after 15 s (a job every 5 s): wait for it, however slow the machine.
    const deadline = Date.now() + 90_000;
    for (;;) {
      await page.reload();
      if ((await page.getByTestId("pledge-status").textContent()) === "Payée") break;
      if (Date.now() > deadline) throw new Error(`Not settled in 90 s:\n${server.output().slice(-2000)}`);
      await page.waitForTimeout(2_000);
    }
  }, 120_000);
});
