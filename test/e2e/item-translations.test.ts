// Issue #15, "Owners": the campaign's texts entered in French and English by the owner, each reward,
// stretch goal and FAQ entry included. In Chromium, the owner of the demo campaign writes a reward's
// English title (with JavaScript) and a stretch goal's (without); an English reader sees them, a
// French one the French; a refused field says so and keeps what was typed.
import type { Browser, BrowserContext, Page } from "playwright-core";
import { afterAll, beforeAll, describe, expect, test } from "vitest";
import { launchBrowser, seriousViolations, signInByEmail, skipBrowser } from "../support/browser";
import { startServer, type RunningServer } from "../support/server";
import { openDatabase } from "#db/connection.ts";

const OWNER = "bonjour@lamachinerie.example";

describe.skipIf(skipBrowser)("the owner translates rewards, stretch goals and questions", () => {
  let server: RunningServer;
  let browser: Browser;
  let editor: string;
  let owner: BrowserContext;

  beforeAll(async () => {
    server = await startServer();
    browser = await launchBrowser();
    const { db } = openDatabase(server.databaseUrl);
    const { id } = await db
      .selectFrom("campaigns")
      .select("id")
      .where("slug", "=", "la-machinerie")
      .executeTakeFirstOrThrow();
    await db.destroy();
    editor = `${server.url}/manage/campaigns/${id}`;
    owner = (await signInByEmail(browser, server, OWNER)).context;
  });
  afterAll(async () => {
    await browser?.close();
    await server?.stop();
  });

  const fieldset = (page: Page, legend: string) => page.getByRole("group", { name: legend });

  async function rewardTitles(locale: string) {
    const reader = await browser.newContext({ locale });
    const page = await reader.newPage();
    await page.goto(`${server.url}/campaigns/la-machinerie`);
    const text = await page.locator("main").innerText();
    await reader.close();
    return text;
  }

  test("with JavaScript, a reward's English title is what English readers see", async () => {
    const page = await owner.newPage();
    await page.goto(editor);
    const reward = fieldset(page, "Contrepartie « Merci ! »");
    const title = reward.getByRole("textbox", { name: "Titre" });
    expect(await title.inputValue()).toBe("Thank you!");
    expect(await title.getAttribute("lang")).toBe("en");
    expect(await seriousViolations(page)).toEqual([]);

    // Refused: the field says why and keeps what was typed.
    await title.fill("T");
    await reward.getByRole("button", { name: "Enregistrer la traduction" }).click();
    await reward.getByText("Entre 2 et 120 caractères.").waitFor();
    expect(await title.inputValue()).toBe("T");
    expect(await title.getAttribute("aria-invalid")).toBe("true");

    await title.fill("Thanks a million!");
    await reward.getByRole("button", { name: "Enregistrer la traduction" }).click();
    await page.waitForURL(/notice=saved/);
    await page.close();

    expect(await rewardTitles("en-GB")).toContain("Thanks a million!");
    const french = await rewardTitles("fr-FR");
    expect(french).toContain("Merci !");
    expect(french).not.toContain("Thanks a million!");
  });

  test("without JavaScript, a stretch goal's and a question's English texts are saved", async () => {
    const plain = await browser.newContext({
      locale: "fr-FR",
      javaScriptEnabled: false,
      storageState: await owner.storageState(),
    });
    const page = await plain.newPage();
    await page.goto(editor);
    const goal = fieldset(page, "Palier « Une découpeuse laser grand format »");
    await goal.getByRole("textbox", { name: "Intitulé" }).fill("A laser cutter, the big one");
    await goal.getByRole("button", { name: "Enregistrer la traduction" }).click();
    await page.waitForURL(/notice=saved/);
    const question = fieldset(page, "Question « Quand ma carte est-elle débitée ? »");
    await question.getByRole("textbox", { name: "Question" }).fill("When do you charge my card?");
    await question.getByRole("button", { name: "Enregistrer la traduction" }).click();
    await page.waitForURL(/notice=saved/);
    expect(
      await fieldset(page, "Palier « Une découpeuse laser grand format »")
        .getByRole("textbox", { name: "Intitulé" })
        .inputValue(),
    ).toBe("A laser cutter, the big one");
    await plain.close();

    const english = await rewardTitles("en-GB");
    expect(english).toContain("A laser cutter, the big one");
    expect(english).toContain("When do you charge my card?");
    expect(await rewardTitles("fr-FR")).toContain("Une découpeuse laser grand format");
  });
});
