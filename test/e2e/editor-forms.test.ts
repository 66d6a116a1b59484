// Issue #15, item 6: the owner's editor of a live campaign in Chromium. The fields fixed at launch
// read as text, not as inputs that look editable; the forms that add a reward, a stretch goal or an
// update are emptied once saved (no invitation to a duplicate) and keep what was typed when refused,
// with and without JavaScript.
import type { Browser, Page } from "playwright-core";
import { afterAll, beforeAll, describe, expect, test } from "vitest";
import { launchBrowser, seriousViolations, signInByEmail, skipBrowser } from "../support/browser";
import { startServer, type RunningServer } from "../support/server";
import { openDatabase, type DatabaseHandle } from "#db/connection.ts";

const OWNER = "bonjour@lamachinerie.example";

describe.skipIf(skipBrowser)("the editor of a live campaign", () => {
  let server: RunningServer;
  let browser: Browser;
  let database: DatabaseHandle;
  let editor: string;
  let owner: Awaited<ReturnType<typeof signInByEmail>>["context"] extends infer C ? C : never;

  beforeAll(async () => {
    server = await startServer();
    browser = await launchBrowser();
    database = openDatabase(server.databaseUrl);
    const live = await database.db
      .selectFrom("campaigns")
      .select("id")
      .where("slug", "=", "la-machinerie")
      .executeTakeFirstOrThrow();
    editor = `${server.url}/manage/campaigns/${live.id}`;
    owner = (await signInByEmail(browser, server, OWNER)).context;
  });
  afterAll(async () => {
    await browser?.close();
    await database?.db.destroy();
    await server?.stop();
  });

  const addTierForm = (page: Page) =>
    page.locator("form", { has: page.getByRole("button", { name: "Ajouter la contrepartie" }) });
  const updateForm = (page: Page) =>
    page.locator("form", { has: page.getByRole("button", { name: "Publier et envoyer aux contributeurs" }) });

  test("the goal, currency, model and deadline read as fixed text, and the title can still be saved", async () => {
    const page = await owner.newPage();
    await page.goto(editor);
    const fixed = page.getByRole("region", { name: "Fixé au lancement" });
    await fixed.waitFor();
    for (const label of ["Objectif", "Financement", "Fuseau horaire"]) {
      expect(await page.getByRole("textbox", { name: label }).count()).toBe(0);
      expect(await page.getByRole("combobox", { name: label }).count()).toBe(0);
      await fixed.getByText(label, { exact: true }).waitFor();
    }
    await fixed.getByText("Tout ou rien", { exact: true }).waitFor();
    await fixed.getByText("Europe/Paris", { exact: true }).waitFor();
    expect(await seriousViolations(page)).toEqual([]);

    const title = page.getByRole("textbox", { name: "Titre" }).first();
    const before = await title.inputValue();
    await title.fill(`${before} !`);
    await page.getByRole("button", { name: "Enregistrer", exact: true }).first().click();
    await page.getByText("Enregistré.").waitFor();
    const saved = await database.db
      .selectFrom("campaigns")
      .select(["title", "goal_amount"])
      .where("slug", "=", "la-machinerie")
      .executeTakeFirstOrThrow();
    expect(saved.title).toBe(`${before} !`);
    await title.fill(before);
    await page.getByRole("button", { name: "Enregistrer", exact: true }).first().click();
    await page.waitForURL(/notice=saved/);
    await page.close();
  });

  test("with JavaScript, a reward added empties its form; a refused one keeps what was typed", async () => {
    const page = await owner.newPage();
    await page.goto(editor);
    const form = addTierForm(page);
    await form.getByLabel("Titre").fill("Un sac en toile");
    await form.getByLabel("Montant minimum").fill("15");
    await form.getByRole("button", { name: "Ajouter la contrepartie" }).click();
    await page.getByText("Enregistré.").waitFor();
    await page.locator('input[name="title"][value="Un sac en toile"]').waitFor();
    await expect.poll(() => form.getByLabel("Titre").inputValue()).toBe("");
    expect(await form.getByLabel("Montant minimum").inputValue()).toBe("");

    // Refused (no title): the amount typed stays, and the error is at the field.
    await form.getByLabel("Montant minimum").fill("25");
    await form.getByRole("button", { name: "Ajouter la contrepartie" }).click();
    await form.locator(".field__error").first().waitFor();
    expect(await form.getByLabel("Montant minimum").inputValue()).toBe("25");
    await page.close();
  });

  test("an update posted empties its form; refused without JavaScript, it keeps its text", async () => {
    const page = await owner.newPage();
    await page.goto(editor);
    const form = updateForm(page);
    await form.getByLabel("Titre").fill("Les travaux commencent");
    await form.getByLabel("Texte (Markdown)").fill("La **première** semaine de travaux est passée.");
    await form.getByRole("button", { name: "Publier et envoyer aux contributeurs" }).click();
    await page.getByText("Enregistré.").waitFor();
    await expect.poll(() => form.getByLabel("Titre").inputValue()).toBe("");
    expect(await form.getByLabel("Texte (Markdown)").inputValue()).toBe("");
    await page.close();

    const plain = await browser.newContext({
      locale: "fr-FR",
      javaScriptEnabled: false,
      storageState: await owner.storageState(),
    });
    const noScript = await plain.newPage();
    await noScript.goto(editor);
    const again = updateForm(noScript);
    await again.getByLabel("Texte (Markdown)").fill("Un texte sans titre, gardé tel quel.");
    await again.getByRole("button", { name: "Publier et envoyer aux contributeurs" }).click();
    await updateForm(noScript).locator(".field__error").first().waitFor();
    expect(await updateForm(noScript).getByLabel("Texte (Markdown)").inputValue()).toBe(
      "Un texte sans titre, gardé tel quel.",
    );
    await plain.close();
  });

  test("a stretch goal comes with its description and moves down and up, without JavaScript too", async () => {
    const goals = async () =>
      (
        await database.db
          .selectFrom("stretch_goals")
          .innerJoin("campaigns", "campaigns.id", "stretch_goals.campaign_id")
          .select(["stretch_goals.title", "stretch_goals.description"])
          .where("campaigns.slug", "=", "la-machinerie")
          .orderBy("stretch_goals.position")
          .execute()
      ).map((g) => g.title);
    const page = await owner.newPage();
    await page.goto(editor);
    const add = page.locator("form", { has: page.getByRole("button", { name: "Ajouter le palier" }) });
    await add.getByLabel("Intitulé").fill("Un four à pain");
    await add.getByLabel("Montant", { exact: true }).fill("40000");
    await add.getByLabel("Description (facultatif)").fill("Pour les ateliers cuisine du samedi.");
    await add.getByRole("button", { name: "Ajouter le palier" }).click();
    await page.getByText("Enregistré.").waitFor();
    await expect.poll(() => add.getByLabel("Intitulé").inputValue()).toBe("");
    const before = await goals();
    expect(before.at(-1)).toBe("Un four à pain");

    // The new last goal moves up with JavaScript…
    const row = page.locator("li", { has: page.locator('input[name="title"][value="Un four à pain"]') });
    await row.getByRole("button", { name: "Monter" }).click();
    await expect.poll(goals).toEqual([...before.slice(0, -2), "Un four à pain", before.at(-2)]);
    await page.close();

    // …and back down without it.
    const plain = await browser.newContext({
      locale: "fr-FR",
      javaScriptEnabled: false,
      storageState: await owner.storageState(),
    });
    const noScript = await plain.newPage();
    await noScript.goto(editor);
    await noScript
      .locator("li", { has: noScript.locator('input[name="title"][value="Un four à pain"]') })
      .getByRole("button", { name: "Descendre" })
      .click();
    await noScript.waitForURL(/notice=saved/);
    expect(await goals()).toEqual(before);

    // The public page shows it with its description.
    const visitor = await browser.newContext({ locale: "fr-FR" });
    const campaign = await visitor.newPage();
    await campaign.goto(`${server.url}/campaigns/la-machinerie`);
    const goal = campaign.locator(".stretch__goal", { hasText: "Un four à pain" });
    await goal.getByText("Pour les ateliers cuisine du samedi.").waitFor();
    await visitor.close();
    await plain.close();
  });

  test("the owner writes the English version without JavaScript; English readers see it", async () => {
    const plain = await browser.newContext({
      locale: "fr-FR",
      javaScriptEnabled: false,
      storageState: await owner.storageState(),
    });
    const page = await plain.newPage();
    await page.goto(editor);
    const form = page.getByRole("region", { name: "Version en anglais" }).locator("form").first();
    // The demo's English texts are in the form already.
    expect(await form.getByLabel("Titre").inputValue()).toBe("La Machinerie: 15 000 € in 15 days");
    await form.getByLabel("Accroche").fill("A");
    await form.getByRole("button", { name: "Enregistrer la traduction" }).click();
    const again = page.getByRole("region", { name: "Version en anglais" }).locator("form").first();
    await again.locator(".field__error").first().waitFor();
    expect(await again.getByLabel("Accroche").inputValue()).toBe("A");
    await again.getByLabel("Accroche").fill("Amiens' coworking and fablab doubles its workshop.");
    await again.getByRole("button", { name: "Enregistrer la traduction" }).click();
    await page.waitForURL(/notice=saved/);
    await plain.close();

    const reader = await browser.newContext({ locale: "en-GB" });
    const campaign = await reader.newPage();
    await campaign.goto(`${server.url}/campaigns/la-machinerie`);
    await campaign.getByText("Amiens' coworking and fablab doubles its workshop.").waitFor();
    await reader.close();
  });
});
