// Comments and questions on a campaign's page, in Chromium (issue #15, "the campaign as a
// community"): a visitor follows the comment form's sign-in link, gets the emailed link and comes
// back to the form; a too-short question is refused on its field with what was typed kept, then
// the question is posted; the owner replies under it; another person reports it; the owner hides
// it and an anonymous visitor no longer sees it; an admin finds both in the audit log and shows it
// again. Without JavaScript, signing in and posting work the same. axe-core on each page that runs it.
import type { Browser, BrowserContext, Page } from "playwright-core";
import { afterAll, beforeAll, describe, expect, test, vi } from "vitest";
import { launchBrowser, seriousViolations, signInByEmail, skipBrowser } from "../support/browser";
import { startServer, type RunningServer } from "../support/server";

const OWNER = "bonjour@lamachinerie.example";
const ADMIN = "admin-comments@example.org";
const ASKER = "lea.question@example.org";
const REPORTER = "yann.signale@example.org";
const question = "Le fablab sera-t-il ouvert le samedi pendant les travaux ?";
const answer = "Oui, de 10 h à 18 h, dans l'atelier du rez-de-chaussée.";
const answerInEnglish = "Yes, from 10 am to 6 pm, in the ground-floor workshop.";

describe.skipIf(skipBrowser)("comments and questions on a campaign's page, in Chromium", () => {
  let server: RunningServer;
  let browser: Browser;
  const contexts: BrowserContext[] = [];
  const pageErrors: string[] = [];
  const campaignPath = "/campaigns/la-machinerie";

  beforeAll(async () => {
    server = await startServer({ ADMIN_EMAILS: ADMIN });
    browser = await launchBrowser();
  });
  afterAll(async () => {
    for (const context of contexts) await context.close().catch(() => undefined);
    await browser?.close();
    await server?.stop();
  });

  async function newPage(options: Parameters<Browser["newContext"]>[0] = {}): Promise<Page> {
    const context = await browser.newContext({ locale: "fr-FR", ...options });
    contexts.push(context);
    const page = await context.newPage();
    page.on("pageerror", (error) => pageErrors.push(error.message));
    return page;
  }

  const comments = (page: Page) => page.getByRole("region", { name: "Commentaires et questions" });
  const commentWith = (page: Page, text: string) => comments(page).locator("li.comment", { hasText: text });

  /**
   * Signs in from the comment form's link, as a visitor does: the sign-in page, the emailed link
   * (printed by the local mailbox), and back to the campaign's comment form.
   */
  async function signInFromComments(page: Page, email: string): Promise<void> {
    const printed = () => [...server.output().matchAll(/^Sign-in link for (\S+): (\S+)$/gm)];
    await page.goto(`${server.url}${campaignPath}`);
    await comments(page)
      .getByRole("link", { name: "Connectez-vous pour commenter ou poser une question" })
      .click();
    await page.waitForURL(/\/sign-in\?redirectTo=/);
    expect(new URL(page.url()).searchParams.get("redirectTo")).toBe(`${campaignPath}#new-comment`);
    await page.getByLabel("Votre adresse e-mail").fill(email);
    const before = printed().length;
    await page.getByRole("button", { name: "Recevoir mon lien" }).click();
    await page.getByText(/un lien de connexion vient de partir/).waitFor();
    const link = await vi.waitFor(
      () => {
        const found = printed()
          .slice(before)
          .find((line) => line[1] === email)?.[2];
        if (!found) throw new Error("no sign-in link printed yet");
        return found;
      },
      { timeout: 10_000, interval: 50 },
    );
    await page.goto(link.replace(/^http:\/\/localhost:\d+/, server.url));
    expect(page.url()).toBe(`${server.url}${campaignPath}#new-comment`);
    await comments(page).getByRole("button", { name: "Publier", exact: true }).waitFor();
  }

  test("a visitor signs in from the form, a too-short question comes back on its field as typed, then it is posted", async () => {
    const visitor = await newPage();
    await visitor.goto(`${server.url}${campaignPath}`);
    await comments(visitor).getByText("Pas encore de message").waitFor();
    // A visitor is offered to sign in, not a form.
    expect(await comments(visitor).getByRole("textbox").count()).toBe(0);
    expect(await seriousViolations(visitor)).toEqual([]);

    const page = await newPage();
    await signInFromComments(page, ASKER);
    const form = comments(page);
    await form.getByLabel("une question à l’équipe du projet").check();
    await form.getByLabel("Votre message").fill(" ?");
    await form.getByRole("button", { name: "Publier", exact: true }).click();
    // A summary announced above the form, linking to the field, which takes the focus.
    const summary = form.getByRole("alert");
    await summary.getByRole("link", { name: "Écrivez entre 2 et 2 000 caractères." }).waitFor();
    await expect(summary.textContent()).resolves.toContain("1 champ est à corriger");
    const body = form.getByLabel("Votre message");
    await expect(body.evaluate((el) => el === document.activeElement)).resolves.toBe(true);
    await expect(body.inputValue()).resolves.toBe(" ?");
    await expect(body.getAttribute("aria-invalid")).resolves.toBe("true");
    await expect(body.getAttribute("aria-describedby")).resolves.toContain("comment-body-error");
    await expect(form.getByLabel("une question à l’équipe du projet").isChecked()).resolves.toBe(true);
    expect(await seriousViolations(page)).toEqual([]);

    await body.fill(question);
    await form.getByRole("button", { name: "Publier", exact: true }).click();
    const posted = commentWith(page, question);
    await posted.waitFor();
    await page.waitForURL(/#comment-[\w-]+$/);
    expect(new URL(page.url()).hash).toBe(`#${await posted.getAttribute("id")}`);
    // Marked as a question, by a person without a profile name: a neutral name, never the address.
    await posted.getByText("Question", { exact: true }).waitFor();
    await posted.getByText("Participant·e", { exact: true }).waitFor();
    await expect(posted.locator("time").getAttribute("datetime")).resolves.toMatch(/^\d{4}-\d\d-\d\dT/);
    expect(await posted.textContent()).not.toMatch(/lea\.question|@/);
    // The form is empty again, ready for another.
    await expect(form.getByLabel("Votre message").inputValue()).resolves.toBe("");
    // One's own message has no report button.
    expect(await posted.getByRole("button", { name: "Signaler ce message" }).count()).toBe(0);
    expect(await seriousViolations(page)).toEqual([]);
    expect(pageErrors).toEqual([]);
  }, 90_000);

  test("the owner replies, another person reports, the owner hides it for everyone else, an admin shows it again", async () => {
    const owner = await signInByEmail(browser, server, OWNER);
    contexts.push(owner.context);
    const page = owner.page;
    await page.goto(`${server.url}${campaignPath}`);
    let item = commentWith(page, question);
    await item.getByText("Répondre", { exact: true }).click();
    await item.getByLabel("Votre réponse", { exact: true }).fill(answer);
    // Its translation, for the readers of the campaign's other language: too short first, refused on its field.
    const translation = item.getByLabel("Votre réponse en anglais (facultatif)");
    await translation.fill("x");
    await item.getByRole("button", { name: "Publier la réponse" }).click();
    await item
      .getByRole("alert")
      .getByRole("link", { name: "Écrivez entre 2 et 2 000 caractères." })
      .waitFor();
    await expect(translation.evaluate((el) => el === document.activeElement)).resolves.toBe(true);
    await expect(item.getByLabel("Votre réponse", { exact: true }).inputValue()).resolves.toBe(answer);
    await translation.fill(answerInEnglish);
    await item.getByRole("button", { name: "Publier la réponse" }).click();
    const reply = item.locator(".comment__reply");
    await reply.getByText(answer).waitFor();
    await reply.getByText("Réponse de l’équipe du projet (Association La Machinerie)").waitFor();
    expect(await seriousViolations(page)).toEqual([]);
    const english = await browser.newContext({ locale: "en-GB" });
    contexts.push(english);
    const reader = await english.newPage();
    await reader.goto(`${server.url}${campaignPath}`);
    const shown = reader.locator("#comments li.comment").filter({ hasText: question });
    await shown.locator(".comment__reply").getByText(answerInEnglish).waitFor();
    await shown.getByText("Reply from the project’s team (Association La Machinerie)").waitFor();

    // Someone else signed in reports it, once.
    const reporter = await newPage();
    await signInFromComments(reporter, REPORTER);
    const reported = commentWith(reporter, question);
    await reported.locator(".comment__reply").getByText(answer).waitFor();
    // Nobody but the owner may reply.
    expect(await reported.getByText("Répondre", { exact: true }).count()).toBe(0);
    await reported.getByRole("button", { name: "Signaler ce message" }).click();
    await reported.getByText("Vous avez signalé ce message.").waitFor();
    expect(await reported.getByRole("button", { name: "Signaler ce message" }).count()).toBe(0);
    expect(await seriousViolations(reporter)).toEqual([]);

    // The owner sees the report and hides the message: still theirs to see, marked, with a way back.
    await page.reload();
    item = commentWith(page, question);
    await item.getByText("1 signalement").waitFor();
    await item.getByRole("button", { name: "Masquer" }).click();
    await item.getByText("Masqué : seuls l’équipe du projet et les admins le voient").waitFor();
    await item.getByRole("button", { name: "Afficher à nouveau" }).waitFor();
    expect(await seriousViolations(page)).toEqual([]);

    // Gone for an anonymous visitor (whose page may be a second old: the render cache) and for the reporter.
    const visitor = await newPage();
    await vi.waitFor(
      async () => {
        await visitor.goto(`${server.url}${campaignPath}`);
        await comments(visitor).waitFor();
        expect(await commentWith(visitor, question).count()).toBe(0);
      },
      { timeout: 10_000, interval: 300 },
    );
    expect(await visitor.content()).not.toContain(question);
    await reporter.reload();
    await comments(reporter).waitFor();
    expect(await commentWith(reporter, question).count()).toBe(0);

    // The admin finds the report and the hiding in the audit log, and shows the message again.
    const admin = await signInByEmail(browser, server, ADMIN);
    contexts.push(admin.context);
    await admin.page.goto(`${server.url}/admin/audit`);
    const log = admin.page.getByTestId("audit");
    await log.getByRole("cell", { name: "Commentaire masqué" }).waitFor();
    await log.getByRole("cell", { name: "Commentaire signalé" }).waitFor();
    await log.getByRole("row", { name: new RegExp(`${OWNER}.*Commentaire masqué`) }).waitFor();
    await admin.page.goto(`${server.url}${campaignPath}`);
    const seen = commentWith(admin.page, question);
    await seen.getByText("Masqué : seuls l’équipe du projet et les admins le voient").waitFor();
    await seen.getByText("1 signalement").waitFor();
    // An admin moderates, but does not speak as the creator.
    expect(await seen.getByText("Modifier la réponse", { exact: true }).count()).toBe(0);
    await seen.getByRole("button", { name: "Afficher à nouveau" }).click();
    await seen.getByRole("button", { name: "Masquer" }).waitFor();
    await vi.waitFor(
      async () => {
        await visitor.goto(`${server.url}${campaignPath}`);
        await commentWith(visitor, question)
          .locator(".comment__reply")
          .getByText(answer)
          .waitFor({ timeout: 500 });
      },
      { timeout: 10_000, interval: 300 },
    );
    expect(await seriousViolations(visitor)).toEqual([]);
    expect(pageErrors).toEqual([]);
  }, 120_000);

  test("without JavaScript a person signs in from the form and posts; a refused message keeps what was typed", async () => {
    const page = await newPage({ javaScriptEnabled: false });
    await signInFromComments(page, "sans.js@example.org");
    const form = comments(page);
    await form.getByLabel("Votre message").fill("x");
    await form.getByRole("button", { name: "Publier", exact: true }).click();
    await page.waitForURL(`${server.url}${campaignPath}#new-comment`);
    // The server's page, scrolled to the form (#new-comment): its summary first, linking to the field.
    const summary = page.locator("#new-comment").getByRole("alert");
    await summary.getByRole("link", { name: "Écrivez entre 2 et 2 000 caractères." }).waitFor();
    await expect(comments(page).getByLabel("Votre message").inputValue()).resolves.toBe("x");
    await expect(comments(page).getByLabel("un commentaire").isChecked()).resolves.toBe(true);
    // (axe-core needs JavaScript: the first test checks the same refused form with it.)

    const word = "Bravo pour ce lieu,\non viendra souder le samedi.";
    await comments(page).getByLabel("Votre message").fill(word);
    await comments(page).getByRole("button", { name: "Publier", exact: true }).click();
    await page.waitForURL(/#comment-[\w-]+$/);
    const id = new URL(page.url()).hash.slice(1);
    const posted = page.locator(`li[id="${id}"]`);
    await expect(posted.locator(".comment__body").innerText()).resolves.toBe(word);
    expect(await posted.getByText("Question", { exact: true }).count()).toBe(0);
    await expect(comments(page).getByLabel("Votre message").inputValue()).resolves.toBe("");
  }, 90_000);
});
