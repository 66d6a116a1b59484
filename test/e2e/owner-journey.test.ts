// An owner and an admin in Chromium: sign in through the emailed link (read from the local mailbox),
// create a campaign with two tiers and a stretch goal, submit it; the admin approves it; it shows on
// the home page and takes a pledge.
import type { Browser } from "playwright-core";
import { afterAll, beforeAll, describe, test } from "vitest";
import { launchBrowser, signInByEmail, skipBrowser } from "../support/browser";
import { startServer, type RunningServer } from "../support/server";

describe.skipIf(skipBrowser)("an owner's journey in Chromium", () => {
  let server: RunningServer;
  let browser: Browser;

  beforeAll(async () => {
    server = await startServer({ ADMIN_EMAILS: "admin-e2e@example.org" });
    browser = await launchBrowser();
  });
  afterAll(async () => {
    await browser?.close();
    await server?.stop();
  });

  const signIn = (email: string) => signInByEmail(browser, server, email);

  test("sign in, create and submit; the admin approves; backers can pledge", async () => {
    const owner = await signIn("owner-e2e@example.org");
    const page = owner.page;
    await page.goto(`${server.url}/campaigns/new`);
    await page.getByLabel("Titre").fill("Jardin partagé de la Hotoie");
    // With JavaScript the field is checked as soon as it is left, by the server's own schema.
    await page.getByLabel("Adresse (lettres, chiffres et tirets)").fill("Pas Bien");
    await page.getByLabel("Accroche").focus();
    await page.getByText("Lettres minuscules, chiffres et tirets (60 au plus).").waitFor();
    await page.getByLabel("Adresse (lettres, chiffres et tirets)").fill("jardin-hotoie");
    await page.getByLabel("Accroche").fill("Des bacs potagers pour tout le quartier");
    await page
      .getByLabel("Le projet (Markdown)")
      .fill("## Un jardin\n\nNous voulons installer douze bacs potagers.");
    await page.getByLabel("Objectif").fill("3000");
    await page.getByRole("button", { name: "Enregistrer" }).click();
    await page.getByRole("heading", { level: 1, name: "Votre campagne" }).waitFor();
    const manageUrl = page.url();

    for (const [title, minimum] of [
      ["Un radis", "10"],
      ["Un bac à son nom", "80"],
    ] as const) {
      const form = page.locator("form", {
        has: page.getByRole("button", { name: "Ajouter la contrepartie" }),
      });
      await form.getByLabel("Titre").fill(title);
      await form.getByLabel("Montant minimum").fill(minimum);
      await form.getByRole("button", { name: "Ajouter la contrepartie" }).click();
      await page.getByText("Enregistré.").waitFor();
    }
    await page.getByLabel("Intitulé").fill("Un récupérateur d'eau");
    await page.getByLabel("Montant", { exact: true }).fill("4000");
    await page.getByRole("button", { name: "Ajouter le palier" }).click();
    await page.locator(`input[name="title"][value="Un récupérateur d'eau"]`).waitFor();
    await page.getByRole("button", { name: "Envoyer en relecture" }).click();
    await page.getByText("Votre campagne est en relecture").waitFor();
    await owner.context.close();

    const admin = await signIn("admin-e2e@example.org");
    await admin.page.goto(manageUrl.replace("/manage/campaigns/", "/admin/campaigns/"));
    await admin.page.getByLabel("Je confirme : la campagne devient publique").check();
    await admin.page.getByRole("button", { name: "Approuver et lancer" }).click();
    // The heading is on the page before the approval too: wait for the approval itself (the review's
    // buttons go once the campaign is live), or the context may close with the form still in flight.
    await admin.page.getByRole("button", { name: "Approuver et lancer" }).waitFor({ state: "detached" });
    await admin.page.getByRole("heading", { level: 1, name: /Jardin partagé de la Hotoie/ }).waitFor();
    await admin.context.close();

    const visitor = await browser.newContext({ locale: "fr-FR" });
    const home = await visitor.newPage();
    await home.goto(server.url);
    await home.getByRole("link", { name: "Jardin partagé de la Hotoie" }).click();
    await home.getByRole("heading", { level: 1, name: "Jardin partagé de la Hotoie" }).waitFor();
    await home.getByRole("link", { name: "Soutenir ce projet" }).click();
    await home.getByRole("radio", { name: /Un bac à son nom/ }).check();
    await home.getByLabel("Votre nom", { exact: true }).fill("Margaux");
    await home.getByLabel("Votre adresse e-mail").fill("margaux@example.org");
    await home.getByRole("checkbox", { name: /ma carte est enregistrée/ }).check();
    await home.getByRole("button", { name: "Continuer vers le paiement" }).click();
    await home.getByLabel("Numéro de carte").fill("4242 4242 4242 4242");
    await home.getByLabel("Expiration (MM/AA)").fill("12/30");
    await home.getByLabel("CVC").fill("123");
    await home.getByRole("button", { name: "Enregistrer ma carte" }).click();
    await home.getByText(/Merci, Margaux/).waitFor();
    await visitor.close();
  });
});
