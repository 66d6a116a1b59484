// Issue #15, item 3 and "Admins": an owner sees what their draft still lacks before submitting it; an
// admin reviews the whole campaign as the public will see it (cover, story, rewards, owner) with the
// same checklist, on a laptop and a 390 px phone, and approves it from there; the owner is emailed.
import type { Browser } from "playwright-core";
import { afterAll, beforeAll, describe, expect, test } from "vitest";
import { openDatabase, type DatabaseHandle } from "#db/connection.ts";
import { launchBrowser, seriousViolations, signInByEmail, skipBrowser } from "../support/browser";
import { startServer, type RunningServer } from "../support/server";

const ADMIN = "admin-review@example.org";
const OWNER = "contact@repaircafe-amiens.example";

describe.skipIf(skipBrowser)("reviewing a campaign in Chromium", () => {
  let server: RunningServer;
  let browser: Browser;
  let database: DatabaseHandle;
  let id: string;

  beforeAll(async () => {
    server = await startServer({ ADMIN_EMAILS: ADMIN });
    browser = await launchBrowser();
    database = openDatabase(server.databaseUrl);
    ({ id } = await database.db
      .selectFrom("campaigns")
      .select("id")
      .where("slug", "=", "repair-cafe-mobile")
      .executeTakeFirstOrThrow());
  });
  afterAll(async () => {
    await browser?.close();
    await database?.db.destroy();
    await server?.stop();
  });

  test("the owner's draft lists what it lacks, then is submitted; the admin reviews and approves it", async () => {
    const owner = await signInByEmail(browser, server, OWNER);
    await owner.page.goto(`${server.url}/manage/campaigns/${id}`);
    const checklist = owner.page.getByRole("region", { name: "Prête pour la relecture ?" });
    await checklist.getByText(/Une image de couverture\s+fait/).waitFor();
    await checklist.getByText(/Au moins une contrepartie\s+fait/).waitFor();
    await checklist.getByText(/au moins 300 caractères\s+manquant/).waitFor();
    await checklist.getByText(/Un compte de versement connecté.*\s+conseillé/).waitFor();
    // The steps above the forms: each a link to its part of the page, with its state.
    const steps = owner.page.getByRole("navigation", { name: "Étapes de la campagne" });
    await steps.getByText(/Couverture\s+fait/).waitFor();
    await steps.getByText(/La campagne\s+à faire/).waitFor();
    for (const href of await steps
      .locator("a")
      .evaluateAll((links) => links.map((a) => a.getAttribute("href")))) {
      expect(await owner.page.locator(href!).count(), href!).toBe(1);
    }
    expect(await seriousViolations(owner.page)).toEqual([]);
    await owner.page.getByRole("button", { name: "Envoyer en relecture" }).click();
    await owner.page.getByText("Votre campagne est en relecture").waitFor();
    await owner.context.close();

    const admin = await signInByEmail(browser, server, ADMIN);
    const page = admin.page;
    await page.goto(`${server.url}/admin`);
    await page.getByTestId("review-queue").getByRole("link", { name: "Un Repair Café qui roule" }).click();
    await page.waitForURL(`**/admin/campaigns/${id}/review`);
    // The campaign as the public will see it: title, owner, cover, story, rewards.
    await page.getByRole("heading", { level: 1, name: "Un Repair Café qui roule" }).waitFor();
    await page.getByText("Porté par Repair Café Amiens").waitFor();
    expect(await page.locator('img.campaign__cover[src="/images/repair-cafe.svg"]').count()).toBe(1);
    await page.getByRole("heading", { name: "Réparer plutôt que jeter" }).waitFor();
    await page.getByText("Un coup de main").first().waitFor();
    // The review: who submitted it, the checklist, the decisions.
    await page.getByText(/Proposée par Repair Café Amiens/).waitFor();
    await page.getByRole("link", { name: OWNER }).waitFor();
    await page
      .getByRole("region", { name: "Prête pour la relecture ?" })
      .getByText(/manquant/)
      .waitFor();
    expect(await seriousViolations(page)).toEqual([]);

    await page.setViewportSize({ width: 390, height: 844 });
    await page.reload();
    await page.getByRole("heading", { level: 1, name: "Un Repair Café qui roule" }).waitFor();
    const width = await page.evaluate(() => document.documentElement.scrollWidth);
    // What sticks out, named when it does.
    const wide = await page.evaluate(() =>
      [...document.querySelectorAll("body *")]
        .filter((e) => e.getBoundingClientRect().right > 392)
        .slice(0, 12)
        .map((e) => `${e.tagName}.${e.className} ${Math.round(e.getBoundingClientRect().right)}`)
        .join(", "),
    );
    expect(width, wide).toBeLessThanOrEqual(390);
    expect(await seriousViolations(page)).toEqual([]);

    // A send-back without its message is refused on this page: a summary, the field focused.
    await page.getByLabel("Message au porteur").fill(" a ");
    await page.getByRole("button", { name: "Renvoyer en brouillon" }).click();
    const summary = page.getByRole("alert").filter({ hasText: "Indiquez un motif." });
    await summary.getByRole("link", { name: "Indiquez un motif." }).waitFor();
    expect(new URL(page.url()).pathname).toBe(`/admin/campaigns/${id}/review`);
    const message = page.getByLabel("Message au porteur");
    await expect(message.evaluate((el) => el === document.activeElement)).resolves.toBe(true);
    await expect(message.getAttribute("aria-invalid")).resolves.toBe("true");
    await expect(message.inputValue()).resolves.toBe(" a ");
    expect(await seriousViolations(page)).toEqual([]);

    // Approving needs the box ticked; then the campaign is live and its owner is told.
    await page.getByLabel("Je confirme : la campagne devient publique").check();
    await page.getByRole("button", { name: "Approuver et lancer" }).click();
    await page.waitForURL(`**/admin/campaigns/${id}`);
    await page.getByRole("button", { name: "Approuver et lancer" }).waitFor({ state: "detached" });
    const campaign = await database.db
      .selectFrom("campaigns")
      .select("status")
      .where("id", "=", id)
      .executeTakeFirstOrThrow();
    expect(campaign.status).toBe("live");
    const told = await database.db
      .selectFrom("email_outbox")
      .select("kind")
      .where("to_email", "=", OWNER)
      .where("kind", "=", "campaign_approved")
      .execute();
    expect(told).toHaveLength(1);
    await admin.context.close();
  });

  test("a visitor or an owner who is not an admin cannot open the review page", async () => {
    const visitor = await fetch(`${server.url}/admin/campaigns/${id}/review`, { redirect: "manual" });
    expect([302, 303, 403, 404]).toContain(visitor.status);
    const owner = await signInByEmail(browser, server, OWNER);
    const answer = await owner.page.goto(`${server.url}/admin/campaigns/${id}/review`);
    expect(answer?.status()).toBe(403);
    await owner.context.close();
  });
});
