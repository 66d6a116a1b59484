// Issue #15, "the campaign as a community", in Chromium: the owner of La Machinerie adds FAQ
// questions with and without JavaScript, moves one, and writes the risks and challenges; a fresh
// anonymous visitor sees both sections on the public page in French and English, opens a question
// without JavaScript (a <details>), and axe finds nothing serious on the editor or the page, on a
// 390 px phone or a laptop.
import type { Browser, BrowserContext, Page } from "playwright-core";
import { afterAll, beforeAll, describe, expect, test } from "vitest";
import { launchBrowser, seriousViolations, signInByEmail, skipBrowser } from "../support/browser";
import { startServer, type RunningServer } from "../support/server";
import { openDatabase, type DatabaseHandle } from "#db/connection.ts";

const OWNER = "bonjour@lamachinerie.example";
const RISKS = "Le **chantier** pourrait prendre deux semaines de retard <script>window.hacked = 1</script>.";
const viewports = [
  { width: 390, height: 844 },
  { width: 1366, height: 768 },
];

describe.skipIf(skipBrowser)("the FAQ and the risks of a live campaign", () => {
  let server: RunningServer;
  let browser: Browser;
  let database: DatabaseHandle;
  let editor: string;
  let owner: BrowserContext;

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

  const questions = async () =>
    (
      await database.db
        .selectFrom("campaign_faq")
        .innerJoin("campaigns", "campaigns.id", "campaign_faq.campaign_id")
        .select("campaign_faq.question")
        .where("campaigns.slug", "=", "la-machinerie")
        .orderBy("campaign_faq.position")
        .execute()
    ).map((row) => row.question);
  const addForm = (page: Page) =>
    page.locator("form", { has: page.getByRole("button", { name: "Ajouter la question" }) });
  const entry = (page: Page, question: string) =>
    page.locator("li", { has: page.locator(`input[name="question"][value="${question}"]`) });

  test("the owner adds a question with JavaScript and one without, moves one and writes the risks", async () => {
    const demo = await questions();
    expect(demo).toHaveLength(2);

    // With JavaScript: saved, the form empties; the entry is listed.
    const page = await owner.newPage();
    await page.goto(editor);
    await page.waitForFunction(() => (window as unknown as { __remixRouter?: unknown }).__remixRouter);
    // A mark a full page load would wipe: the form is sent by the page's script, not the browser.
    await page.evaluate(() => ((window as unknown as { stayed?: boolean }).stayed = true));
    await addForm(page).getByLabel("Question").fill("Peut-on visiter l'atelier ?");
    await addForm(page).getByLabel("Réponse (texte ou Markdown)").fill("Oui, **chaque samedi** à 14 h.");
    await addForm(page).getByRole("button", { name: "Ajouter la question" }).click();
    await page.getByText("Enregistré.").waitFor();
    await entry(page, "Peut-on visiter l'atelier ?").waitFor();
    await expect.poll(() => addForm(page).getByLabel("Question").inputValue()).toBe("");
    expect(await addForm(page).getByLabel("Réponse (texte ou Markdown)").inputValue()).toBe("");
    expect(await questions()).toEqual([...demo, "Peut-on visiter l'atelier ?"]);
    expect(await page.evaluate(() => (window as unknown as { stayed?: boolean }).stayed)).toBe(true);
    for (const viewport of viewports) {
      await page.setViewportSize(viewport);
      expect(await seriousViolations(page)).toEqual([]);
    }

    // The risks, in their own form.
    await page.getByRole("textbox", { name: "Risques et difficultés" }).fill(RISKS);
    await page.getByRole("button", { name: "Enregistrer les risques" }).click();
    await page.waitForURL(/notice=saved/);
    await expect
      .poll(
        async () =>
          (
            await database.db
              .selectFrom("campaigns")
              .select("risks_md")
              .where("slug", "=", "la-machinerie")
              .executeTakeFirstOrThrow()
          ).risks_md,
      )
      .toBe(RISKS);
    await page.close();

    // Without JavaScript: refused, the error is at its field and what was typed stays; then saved.
    const plain = await browser.newContext({
      locale: "fr-FR",
      javaScriptEnabled: false,
      storageState: await owner.storageState(),
    });
    const noScript = await plain.newPage();
    await noScript.goto(editor);
    await addForm(noScript).getByLabel("Question").fill("Et ?");
    await addForm(noScript).getByLabel("Réponse (texte ou Markdown)").fill("");
    await addForm(noScript).getByRole("button", { name: "Ajouter la question" }).click();
    await addForm(noScript).locator(".field__error").first().waitFor();
    expect(await addForm(noScript).getByLabel("Question").inputValue()).toBe("Et ?");
    await addForm(noScript).getByLabel("Question").fill("Le fablab est-il accessible en fauteuil ?");
    await addForm(noScript).getByLabel("Réponse (texte ou Markdown)").fill("Oui, tout est de plain-pied.");
    await addForm(noScript).getByRole("button", { name: "Ajouter la question" }).click();
    await noScript.waitForURL(/notice=saved/);
    expect(await addForm(noScript).getByLabel("Question").inputValue()).toBe("");
    expect(await questions()).toEqual([
      ...demo,
      "Peut-on visiter l'atelier ?",
      "Le fablab est-il accessible en fauteuil ?",
    ]);

    // …and moved up above the first one added, still without JavaScript.
    await entry(noScript, "Le fablab est-il accessible en fauteuil ?")
      .getByRole("button", { name: "Monter" })
      .click();
    await noScript.waitForURL(/notice=saved/);
    expect(await questions()).toEqual([
      ...demo,
      "Le fablab est-il accessible en fauteuil ?",
      "Peut-on visiter l'atelier ?",
    ]);
    await plain.close();
  });

  test("a fresh anonymous visitor sees the risks and the FAQ in French and English, and opens a question without JavaScript", async () => {
    // French, without JavaScript: the sections after the story, a question opened by its summary.
    const french = await browser.newContext({ locale: "fr-FR", javaScriptEnabled: false });
    const page = await french.newPage();
    await page.goto(`${server.url}/campaigns/la-machinerie`);
    const risks = page.getByRole("region", { name: "Risques et difficultés" });
    await risks.locator("strong", { hasText: "chantier" }).waitFor();
    expect(await risks.locator("script").count()).toBe(0);
    const faq = page.getByRole("region", { name: "Questions fréquentes" });
    const summaries = await faq.locator("summary").allTextContents();
    expect(summaries).toEqual([
      "Faut-il habiter Amiens pour soutenir le projet ?",
      "Quand ma carte est-elle débitée ?",
      "Le fablab est-il accessible en fauteuil ?",
      "Peut-on visiter l'atelier ?",
    ]);
    const visit = faq.locator("details", { hasText: "Peut-on visiter l'atelier ?" });
    const answer = visit.locator("strong", { hasText: "chaque samedi" });
    expect(await answer.isVisible()).toBe(false);
    await visit.locator("summary").click();
    await answer.waitFor({ state: "visible" });
    expect(await visit.getAttribute("open")).not.toBeNull();
    // After the story, risks first.
    const order = await page.evaluate(() =>
      [...document.querySelectorAll("#story-title, #risks-title, #faq-title")].map((h) => h.id),
    );
    expect(order).toEqual(["story-title", "risks-title", "faq-title"]);
    await french.close();

    // English: the headings in English, the demo's translations, the owner's new questions in French.
    const english = await browser.newContext({ locale: "en-GB" });
    const en = await english.newPage();
    await en.goto(`${server.url}/campaigns/la-machinerie`);
    await en.getByRole("region", { name: "Risks and challenges" }).getByText("the electrical work").waitFor();
    const enFaq = en.getByRole("region", { name: "FAQ" });
    expect(await enFaq.locator("summary").allTextContents()).toEqual([
      "Do I need to live in Amiens to back the project?",
      "When is my card charged?",
      "Le fablab est-il accessible en fauteuil ?",
      "Peut-on visiter l'atelier ?",
    ]);
    await enFaq.locator("summary", { hasText: "When is my card charged?" }).click();
    await enFaq.getByText("Otherwise nothing is taken.").waitFor();
    for (const viewport of viewports) {
      await en.setViewportSize(viewport);
      expect(await seriousViolations(en)).toEqual([]);
      expect(await en.evaluate(() => document.documentElement.scrollWidth)).toBeLessThanOrEqual(
        viewport.width,
      );
    }
    await english.close();

    const phone = await browser.newContext({ locale: "fr-FR", viewport: viewports[0] });
    const frPage = await phone.newPage();
    await frPage.goto(`${server.url}/campaigns/la-machinerie`);
    await frPage.getByRole("region", { name: "Questions fréquentes" }).locator("summary").first().click();
    expect(await seriousViolations(frPage)).toEqual([]);
    await frPage.setViewportSize(viewports[1]!);
    expect(await seriousViolations(frPage)).toEqual([]);
    await phone.close();
  });
});
