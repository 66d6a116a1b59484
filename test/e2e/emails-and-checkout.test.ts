// In Chromium on the simulated gateway: a backer who changes their pledge's amount on its private page
// finds the confirmation in the local mailbox, with the new amount and the private link; and the
// checkout read in English names the demo campaign by its English title.
import type { Browser, Page } from "playwright-core";
import { afterAll, beforeAll, describe, expect, test, vi } from "vitest";
import { launchBrowser, signInByEmail, skipBrowser } from "../support/browser";
import { startServer, type RunningServer } from "../support/server";

describe.skipIf(skipBrowser)("emails and checkout in Chromium", () => {
  let server: RunningServer;
  let browser: Browser;

  beforeAll(async () => {
    server = await startServer({ ADMIN_EMAILS: "mailbox-emails-e2e@example.org" });
    browser = await launchBrowser();
  });
  afterAll(async () => {
    await browser?.close();
    await server?.stop();
  });

  async function newPage(locale: "fr-FR" | "en-GB"): Promise<Page> {
    const context = await browser.newContext({ locale });
    const page = await context.newPage();
    page.on("pageerror", (error) => {
      throw error;
    });
    return page;
  }

  test("a changed amount is confirmed by an email in the local mailbox", async () => {
    const backer = await newPage("fr-FR");
    await backer.goto(`${server.url}/campaigns/la-machinerie`);
    await backer.getByRole("link", { name: "Soutenir ce projet" }).click();
    await backer.getByRole("heading", { level: 1, name: /Soutenir/ }).waitFor();
    await backer.getByRole("radio", { name: /Sans contrepartie/ }).check();
    await backer.getByLabel("Montant de votre contribution").fill("30");
    await backer.getByLabel("Votre nom", { exact: true }).fill("Noé Laurent");
    await backer.getByLabel("Votre adresse e-mail").fill("noe-change@example.org");
    await backer.getByRole("checkbox", { name: /ma carte est enregistrée/ }).check();
    await backer.getByRole("button", { name: "Continuer vers le paiement" }).click();
    await backer.getByRole("heading", { level: 1, name: "Paiement simulé" }).waitFor();
    await backer.getByLabel("Numéro de carte").fill("4242 4242 4242 4242");
    await backer.getByLabel("Expiration (MM/AA)").fill("12/30");
    await backer.getByLabel("CVC").fill("123");
    await backer.getByRole("button", { name: "Enregistrer ma carte" }).click();
    await backer.getByText(/Merci, Noé Laurent/).waitFor();
    const pledgePage = backer.url();

    // The change form on the pledge's private page.
    await backer.getByLabel("Montant de votre contribution").fill("45");
    await backer.getByRole("button", { name: "Enregistrer les modifications" }).click();
    await backer.getByRole("status").filter({ hasText: "Votre contribution est modifiée." }).waitFor();

    const { page } = await signInByEmail(browser, server, "mailbox-emails-e2e@example.org");
    page.on("pageerror", (error) => {
      throw error;
    });
    // The delivery job runs every 2 s in the server.
    const subject = /^Votre contribution à « La Machinerie : 15\s000\s€ en 15 jours » est modifiée : 45\s€/;
    await vi.waitFor(
      async () => {
        await page.goto(`${server.url}/admin/mailbox?to=noe-change%40example.org`);
        expect(await page.getByRole("link", { name: subject }).count()).toBe(1);
      },
      { timeout: 15_000, interval: 250 },
    );
    await page.getByRole("link", { name: subject }).click();
    await page.getByRole("heading", { level: 1, name: subject }).waitFor();
    const text = ((await page.getByTestId("mail-text").textContent()) ?? "").replace(/[\u00a0\u202f]/g, " ");
    expect(text).toContain("Bonjour Noé Laurent,");
    expect(text).toMatch(/passe de 30 € à 45 €/);
    const link = /http:\/\/localhost:\d+\/pledges\/[\w-]+\?token=[\w-]+/.exec(text)?.[0];
    expect(link).toBeDefined();
    // The link in the email is the pledge's private page, showing the new amount.
    expect(new URL(link!).pathname).toBe(new URL(pledgePage).pathname);
    await page.goto(link!.replace(/^http:\/\/localhost:\d+/, server.url));
    await expect(page.getByTestId("pledge-status").textContent()).resolves.toBe(
      "Confirmée : carte enregistrée",
    );
  });

  test("the checkout in English shows the campaign's English title", async () => {
    const page = await newPage("en-GB");
    await page.goto(`${server.url}/campaigns/la-machinerie`);
    await page.getByRole("link", { name: "Back this project" }).click();
    await page.getByRole("radio", { name: /No reward/ }).check();
    await page.getByLabel("Your pledge").fill("20");
    await page.getByLabel("Your name", { exact: true }).fill("Sam Taylor");
    await page.getByLabel("Your email address").fill("sam-checkout@example.org");
    await page.getByRole("checkbox", { name: /my card is saved/ }).check();
    await page.getByRole("button", { name: "Continue to payment" }).click();
    await page.getByRole("heading", { level: 1, name: "Simulated checkout" }).waitFor();
    const summary = (await page.locator(".checkout__summary").textContent()) ?? "";
    expect(summary).toMatch(/“La Machinerie: 15\s000\s€ in 15 days”/);
    expect(summary).not.toContain("jours");
  });
});
