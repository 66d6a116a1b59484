// An admin pays an owner in Chromium, on a fresh install's demo data: the funded demo campaign is
// in the payouts to review; its statement page shows where the money went; the admin approves the
// amount due, records the bank transfer with its reference (a missing one is pointed out, with the
// focus and what was typed kept), and the payout is listed as paid. No page error on the way.
import { randomUUID } from "node:crypto";
import type { Browser } from "playwright-core";
import { afterAll, beforeAll, describe, expect, test } from "vitest";
import { axeViolations, launchBrowser, signInByEmail, skipBrowser } from "../support/browser";
import { startServer, type RunningServer } from "../support/server";

describe.skipIf(skipBrowser)("an admin's payout in Chromium", () => {
  let server: RunningServer;
  let browser: Browser;

  beforeAll(async () => {
    server = await startServer({ ADMIN_EMAILS: "payouts-e2e@example.org" });
    browser = await launchBrowser();
  });
  afterAll(async () => {
    await browser?.close();
    await server?.stop();
  });

  test("approve the amount due, record the bank transfer, see it paid", async () => {
    const { context, page } = await signInByEmail(browser, server, "payouts-e2e@example.org");
    const errors: string[] = [];
    page.on("pageerror", (error) => errors.push(error.message));
    page.on("console", (message) => {
      // The refused reference is answered with a 400, which Chromium logs; that one is expected.
      if (message.type() === "error" && !/status of 400/.test(message.text())) errors.push(message.text());
    });

    await page.goto(`${server.url}/admin`);
    await page.getByRole("link", { name: "Versements" }).click();
    await page.getByRole("heading", { level: 1, name: "Versements" }).waitFor();
    const toReview = page.getByTestId("to-review");
    await toReview.getByRole("link", { name: "Un four à pain pour la Briqueterie" }).click();

    await page.getByRole("heading", { level: 1, name: /Relevé — Un four à pain/ }).waitFor();
    const statement = page.getByTestId("statement");
    const due = (await statement.locator('[data-line="due"] dd').textContent()) ?? "";
    expect(due).toMatch(/€/);
    await expect(page.getByRole("img", { name: /Répartition de l'encaissé/ }).count()).resolves.toBe(1);
    await expect(page.getByTestId("owner-account").textContent()).resolves.toContain("virement bancaire");

    // Without the box ticked the browser sends nothing: a misclick approves no payout.
    await page.getByRole("button", { name: "Approuver le versement" }).click();
    const confirm = page.getByLabel("Je confirme ce versement");
    expect(await confirm.evaluate((box: HTMLInputElement) => box.validity.valueMissing)).toBe(true);
    await expect(page.getByText("C'est fait.").count()).resolves.toBe(0);
    await confirm.check();
    await page.getByRole("button", { name: "Approuver le versement" }).click();
    await page.getByText("C'est fait.").waitFor();
    const payouts = page.getByTestId("payouts");
    await payouts.getByText("Approuvés").waitFor();

    // A reference too short: the field says why (and the form's summary, linked to it, with JavaScript
    // focusing it), keeps what was typed.
    const why = "Indiquez la référence du virement (3 à 140 caractères).";
    await payouts.getByLabel("Référence du virement").fill("x");
    await payouts.getByRole("button", { name: "Marquer payé" }).click();
    await payouts.locator(".field__error", { hasText: why }).waitFor();
    await payouts.getByRole("alert").getByRole("link", { name: why }).waitFor();
    await expect(payouts.getByLabel("Référence du virement").inputValue()).resolves.toBe("x");
    await expect
      .poll(() => page.evaluate(() => document.activeElement?.getAttribute("name")))
      .toBe("reference");

    await payouts.getByLabel("Référence du virement").fill("VIR-BRIQ-2026-001");
    await payouts.getByRole("button", { name: "Marquer payé" }).click();
    await page.getByText("C'est fait.").waitFor();
    await payouts.getByText("Payés").waitFor();
    await payouts.getByText("VIR-BRIQ-2026-001").waitFor();
    await expect(statement.locator('[data-line="paidOut"] dd').textContent()).resolves.toBe(`− ${due}`);
    await expect(page.getByTestId("audit").textContent()).resolves.toMatch(
      /Virement marqué payé[\s\S]*Versement approuvé/,
    );

    await page.goto(`${server.url}/admin/payouts`);
    await page.getByTestId("paid").getByText("Un four à pain pour la Briqueterie").waitFor();
    expect(errors).toEqual([]);
    await context.close();
  });

  test("an owner reaches their payout account page from their account, not their pledges again", async () => {
    // The demo's owner of La Machinerie; account.tsx used to be a layout without an outlet.
    const { context, page } = await signInByEmail(browser, server, "bonjour@lamachinerie.example");
    const errors: string[] = [];
    page.on("pageerror", (error) => errors.push(error.message));
    await page.getByRole("link", { name: "Compte de versement" }).click();
    await page.getByRole("heading", { level: 1, name: "Compte de versement" }).waitFor();
    expect(page.url()).toBe(`${server.url}/account/payouts`);
    await expect(page.getByRole("heading", { level: 1, name: "Mes contributions" }).count()).resolves.toBe(0);
    // The simulated gateway has no Stripe Connect: the platform pays by bank transfer.
    await page.getByText("Vos versements se font par virement bancaire").waitFor();
    expect(await axeViolations(page)).toEqual([]);
    expect(errors).toEqual([]);
    await context.close();
  });

  test("a form sent for a campaign that does not exist answers the site's 404 page, not a 500", async () => {
    // The fee form of a real statement, sent (without JavaScript) to an unknown campaign: the domain
    // refuses with campaign_not_found, which no route catches, and the page keeps its 404.
    const { context, page } = await signInByEmail(browser, server, "payouts-e2e@example.org");
    await page.goto(`${server.url}/admin/payouts`);
    await page.getByRole("link", { name: "Un four à pain pour la Briqueterie" }).first().click();
    await page.getByRole("heading", { level: 1, name: /Relevé — Un four à pain/ }).waitFor();
    const unknown = randomUUID();
    const answer = page.waitForResponse(
      (response) => response.request().method() === "POST" && response.url().includes(unknown),
    );
    await page.evaluate((target) => {
      const form = document.querySelector<HTMLFormElement>('form[aria-labelledby="fee-title"]')!;
      form.action = target;
      form.submit();
    }, `/admin/payouts/${unknown}`);
    expect((await answer).status()).toBe(404);
    await page.getByRole("heading", { level: 1, name: "Page introuvable" }).waitFor();
    await expect(page.locator(".error-page__status").textContent()).resolves.toBe("404");
    await page.getByText("Cette page n'existe pas ou plus.").waitFor();
    await context.close();
  });
});
