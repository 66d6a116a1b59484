// Backers in Chromium on the simulated gateway: a 50 € pledge moves the progress bar in another open
// page; a declined card says so and counts nothing; the authentication card can be approved.
import type { Browser, Page } from "playwright-core";
import { afterAll, beforeAll, describe, expect, test, vi } from "vitest";
import { openDatabase, type DatabaseHandle } from "#db/connection.ts";
import { recomputeTotals } from "~/campaigns/campaigns.server";
import { launchBrowser, signInByEmail, skipBrowser } from "../support/browser";
import { startServer, type RunningServer } from "../support/server";

describe.skipIf(skipBrowser)("pledging in Chromium", () => {
  let server: RunningServer;
  let browser: Browser;
  let database: DatabaseHandle;

  beforeAll(async () => {
    server = await startServer({ ADMIN_EMAILS: "mailbox-e2e@example.org" });
    browser = await launchBrowser();
    database = openDatabase(server.databaseUrl);
  });
  afterAll(async () => {
    await database?.db.destroy();
    await browser?.close();
    await server?.stop();
  });

  async function demo() {
    return database.db
      .selectFrom("campaigns")
      .select(["id", "pledged_amount", "backer_count"])
      .where("slug", "=", "la-machinerie")
      .executeTakeFirstOrThrow();
  }

  async function newPage(): Promise<Page> {
    const context = await browser.newContext({ locale: "fr-FR" });
    const page = await context.newPage();
    page.on("pageerror", (error) => {
      throw error;
    });
    return page;
  }

  async function fillPledge(page: Page, amount: string) {
    await page.goto(`${server.url}/campaigns/la-machinerie`);
    await page.getByRole("link", { name: "Soutenir ce projet" }).click();
    await page.getByRole("heading", { level: 1, name: /Soutenir/ }).waitFor();
    await page.getByRole("radio", { name: /Sans contrepartie/ }).check();
    await page.getByLabel("Montant de votre contribution").fill(amount);
    await page.getByLabel("Votre nom", { exact: true }).fill("Inès Martin");
    await page.getByLabel("Votre adresse e-mail").fill("ines@example.org");
    await page.getByRole("checkbox", { name: /ma carte est enregistrée/ }).check();
    await page.getByRole("button", { name: "Continuer vers le paiement" }).click();
    await page.getByRole("heading", { level: 1, name: "Paiement simulé" }).waitFor();
  }

  async function payWith(page: Page, card: string) {
    await page.getByLabel("Numéro de carte").fill(card);
    await page.getByLabel("Expiration (MM/AA)").fill("12/30");
    await page.getByLabel("CVC").fill("123");
    await page.getByRole("button", { name: "Enregistrer ma carte" }).click();
  }

  test("a 50 € pledge with 4242 moves the bar in another open page within 2 s", async () => {
    const before = await demo();
    const watcher = await newPage();
    await watcher.goto(`${server.url}/campaigns/la-machinerie`);
    const bar = watcher.getByRole("progressbar");
    expect(await bar.getAttribute("data-raised")).toBe(String(before.pledged_amount));
    // Hydrated and subscribed before the pledge is made.
    await watcher.locator('[role="progressbar"][data-live="on"]').waitFor();

    const backer = await newPage();
    await fillPledge(backer, "50");
    await expect(backer.getByText("MODE TEST — aucun argent réel").count()).resolves.toBeGreaterThan(0);
    await payWith(backer, "4242 4242 4242 4242");
    await backer.getByText(/Merci, Inès Martin/).waitFor();
    const paidAt = Date.now();
    await expect(backer.getByTestId("pledge-status").textContent()).resolves.toBe(
      "Confirmée : carte enregistrée",
    );

    const expected = String(before.pledged_amount + 5_000);
    await watcher.waitForFunction(
      (value) => document.querySelector('[role="progressbar"]')?.getAttribute("data-raised") === value,
      expected,
      { timeout: 2_000 },
    );
    expect(Date.now() - paidAt).toBeLessThan(2_000);
    await expect(watcher.getByTestId("backers").textContent()).resolves.toBe(String(before.backer_count + 1));
    const after = await demo();
    expect(after.pledged_amount).toBe(before.pledged_amount + 5_000);
    expect(await recomputeTotals(database.db, after.id)).toEqual({
      pledged: after.pledged_amount,
      backers: after.backer_count,
    });
  });

  test("the backer's confirmation email reaches the local mailbox, with the private link", async () => {
    // Only an admin reads the mailbox: one signs in with the link the server prints.
    const { page } = await signInByEmail(browser, server, "mailbox-e2e@example.org");
    page.on("pageerror", (error) => {
      throw error;
    });
    await page.goto(`${server.url}/admin/mailbox`);
    // The delivery job runs every 2 s in the server.
    const subject = /^Merci ! Votre contribution de 50\s€ à « La Machinerie/;
    await vi.waitFor(
      async () => {
        await page.reload();
        expect(await page.getByRole("link", { name: subject }).count()).toBeGreaterThan(0);
      },
      { timeout: 15_000, interval: 250 },
    );
    await page.getByRole("link", { name: subject }).first().click();
    await page.getByRole("heading", { level: 1, name: subject }).waitFor();
    const text = (await page.getByTestId("mail-text").textContent()) ?? "";
    expect(text).toContain("Bonjour Inès Martin,");
    const link = /http:\/\/localhost:\d+\/pledges\/[\w-]+\?token=[\w-]+/.exec(text)?.[0];
    expect(link).toBeDefined();
    // The link in the email opens the backer's pledge.
    await page.goto(link!.replace(/^http:\/\/localhost:\d+/, server.url));
    await expect(page.getByTestId("pledge-status").textContent()).resolves.toBe(
      "Confirmée : carte enregistrée",
    );
  });

  test("a declined card shows a clear message and nothing is counted", async () => {
    const before = await demo();
    const page = await newPage();
    await fillPledge(page, "25");
    await payWith(page, "4000 0000 0000 0002");
    await page.getByRole("alert").filter({ hasText: "Votre carte a été refusée" }).waitFor();
    expect(await demo()).toEqual(before);
    // The backer can still pay with another card.
    await payWith(page, "4242424242424242");
    await page.getByText(/Merci, Inès Martin/).waitFor();
    expect((await demo()).pledged_amount).toBe(before.pledged_amount + 2_500);
  });

  test("the authentication card asks for 3-D Secure, and approving it completes the pledge", async () => {
    const before = await demo();
    const page = await newPage();
    await fillPledge(page, "30");
    await payWith(page, "4000 0027 6000 3184");
    await page.getByRole("heading", { name: "Authentification 3-D Secure (simulée)" }).waitFor();
    expect(await demo()).toEqual(before);
    await page.getByRole("button", { name: "Confirmer le paiement" }).click();
    await page.getByText(/Merci, Inès Martin/).waitFor();
    const after = await demo();
    expect(after.pledged_amount).toBe(before.pledged_amount + 3_000);
    expect(after.backer_count).toBe(before.backer_count + 1);
  });

  test("refusing 3-D Secure counts nothing and says why", async () => {
    const before = await demo();
    const page = await newPage();
    await fillPledge(page, "30");
    await payWith(page, "4000 0027 6000 3184");
    await page.getByRole("button", { name: "Refuser" }).click();
    await page.getByRole("alert").filter({ hasText: "L'authentification a échoué" }).waitFor();
    expect(await demo()).toEqual(before);
  });

  test("a backer changes the amount on the pledge's page; a wrong amount keeps what was typed, without JavaScript too", async () => {
    const backer = await newPage();
    await fillPledge(backer, "30");
    await payWith(backer, "4242 4242 4242 4242");
    await backer.getByText(/Merci, Inès Martin/).waitFor();
    await expect(backer.getByTestId("pledge-status").textContent()).resolves.toBe(
      "Confirmée : carte enregistrée",
    );
    const pledgePage = backer.url();
    for (const javaScriptEnabled of [true, false]) {
      const context = await browser.newContext({ locale: "fr-FR", javaScriptEnabled });
      const page = await context.newPage();
      await page.goto(pledgePage);
      await page.getByLabel("Montant de votre contribution").fill("trente");
      await page.getByRole("button", { name: "Enregistrer les modifications" }).click();
      // The field's message, and the form's summary linking to it.
      const why = "Ce montant n'est pas un nombre (exemple : 25 ou 25,50).";
      await page.locator("#amount-error", { hasText: why }).waitFor();
      await page.getByRole("alert").getByRole("link", { name: why }).waitFor();
      expect(await page.getByLabel("Montant de votre contribution").inputValue()).toBe("trente");
      expect(await page.getByLabel("Montant de votre contribution").getAttribute("aria-invalid")).toBe(
        "true",
      );
      await context.close();
    }
    await backer.goto(pledgePage);
    await backer.getByLabel("Montant de votre contribution").fill("40");
    await backer.getByRole("button", { name: "Enregistrer les modifications" }).click();
    await backer.getByText("Votre contribution est modifiée.").waitFor();
    await expect(backer.getByTestId("pledge-amount").textContent()).resolves.toMatch(/^40,00\s€$/);
  });

  test("a wrong field keeps what was typed and says which field, without JavaScript too", async () => {
    for (const javaScriptEnabled of [true, false]) {
      const context = await browser.newContext({ locale: "fr-FR", javaScriptEnabled });
      const page = await context.newPage();
      await page.goto(`${server.url}/campaigns/la-machinerie/pledge`);
      await page.getByLabel("Montant de votre contribution").fill("12,345");
      await page.getByLabel("Votre nom", { exact: true }).fill("Léa");
      await page.getByLabel("Votre adresse e-mail").fill("lea@");
      await page.getByRole("button", { name: "Continuer vers le paiement" }).click();
      // 12,345: twelve thousand or twelve euros and a bit? Both readings are shown, none is guessed.
      await page
        .getByText(/« 12,345 » peut se lire 12\s345\s€ ou 12,345\s€\. Écrivez 12345 pour 12\s345\s€/)
        .first()
        .waitFor();
      await page
        .getByText(/Cette adresse e-mail n'est pas valide/)
        .first()
        .waitFor();
      expect(await page.getByLabel("Votre adresse e-mail").inputValue()).toBe("lea@");
      expect(await page.getByLabel("Votre nom", { exact: true }).inputValue()).toBe("Léa");
      expect(await page.getByLabel("Montant de votre contribution").getAttribute("aria-invalid")).toBe(
        "true",
      );
      await context.close();
    }
  });
});
