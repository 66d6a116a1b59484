// Issue #16 part 6, RGPD, in Chromium: a backer downloads their data as JSON from their account page,
// then deletes their account (with JavaScript, and another without), landing signed out on the
// privacy page; an owner whose campaign is live is told why they cannot yet; the privacy page, linked
// from every page's footer, reads in French and English, and axe finds nothing serious.
import { readFile } from "node:fs/promises";
import { randomUUID } from "node:crypto";
import type { Browser, BrowserContext } from "playwright-core";
import { afterAll, beforeAll, describe, expect, test } from "vitest";
import { launchBrowser, seriousViolations, signInByEmail, skipBrowser } from "../support/browser";
import { startServer, type RunningServer } from "../support/server";
import { openDatabase, type DatabaseHandle } from "#db/connection.ts";

const phone = { width: 390, height: 844 };

describe.skipIf(skipBrowser)("a person's data: download, deletion, the privacy page", () => {
  let server: RunningServer;
  let browser: Browser;
  let database: DatabaseHandle;

  beforeAll(async () => {
    server = await startServer();
    browser = await launchBrowser();
    database = openDatabase(server.databaseUrl);
  });
  afterAll(async () => {
    await browser?.close();
    await database?.db.destroy();
    await server?.stop();
  });

  /** A canceled pledge of theirs on the demo campaign, with a postal address: in the export, and settled. */
  async function pledgeOf(email: string) {
    const campaign = await database.db
      .selectFrom("campaigns")
      .select("id")
      .where("slug", "=", "la-machinerie")
      .executeTakeFirstOrThrow();
    const id = randomUUID();
    const at = new Date().toISOString();
    await database.db
      .insertInto("pledges")
      .values({
        id,
        campaign_id: campaign.id,
        tier_id: null,
        backer_name: "Camille Martin",
        backer_email: email,
        amount: 2_500,
        currency: "EUR",
        status: "canceled",
        anonymous: 0,
        comment: null,
        locale: "fr",
        created_at: at,
        committed_at: at,
        updated_at: at,
        gateway: "simulated",
        checkout_session_id: null,
        checkout_url: null,
        checkout_expires_at: null,
        stripe_customer_id: null,
        setup_intent_id: null,
        payment_method_id: null,
        payment_intent_id: null,
        submission_key: null,
        last_payment_error: null,
        cancel_reason: "backer",
        canceled_at: at,
        collected_at: null,
        charge_claimed_by: null,
        charge_claimed_at: null,
        payment_failed_at: null,
        charge_id: null,
        late_release: null,
        late_released_at: null,
        payment_processing_at: null,
        delivery_method: "post",
        ship_name: "Camille Martin",
        ship_line1: "3 rue des Lilas",
        ship_postal_code: "80000",
        ship_city: "Amiens",
        ship_country: "FR",
      })
      .execute();
    return id;
  }
  const userCount = async (email: string) =>
    (await database.db.selectFrom("users").select("id").where("email", "=", email).execute()).length;

  test("a backer downloads their data, then deletes their account with JavaScript", async () => {
    const email = `camille-${randomUUID().slice(0, 6)}@example.org`;
    const { context, page } = await signInByEmail(browser, server, email);
    const pledgeId = await pledgeOf(email);
    await page.goto(`${server.url}/account`);
    const [download] = await Promise.all([
      page.waitForEvent("download"),
      page.getByRole("link", { name: "Télécharger mes données (JSON)" }).click(),
    ]);
    expect(download.suggestedFilename()).toMatch(/^tour-de-table-\d{4}-\d\d-\d\d\.json$/);
    const data = JSON.parse(await readFile((await download.path())!, "utf8")) as Record<string, unknown[]>;
    expect(data.users).toEqual([expect.objectContaining({ email })]);
    expect(data.pledges).toEqual([expect.objectContaining({ id: pledgeId, ship_line1: "3 rue des Lilas" })]);
    expect(data.sessions!.length).toBeGreaterThan(0);
    expect(JSON.stringify(data)).not.toContain("bonjour@lamachinerie.example");

    await page.getByRole("link", { name: "Supprimer mon compte" }).click();
    await page.getByRole("heading", { level: 1, name: "Supprimer mon compte" }).waitFor();
    await page.waitForFunction(() => (window as unknown as { __remixRouter?: unknown }).__remixRouter);
    for (const viewport of [phone, { width: 1366, height: 768 }]) {
      await page.setViewportSize(viewport);
      expect(await seriousViolations(page)).toEqual([]);
    }
    // Not ticked: the browser keeps the form and nothing happens.
    await page.getByRole("button", { name: "Supprimer définitivement mon compte" }).click();
    expect(
      await page
        .getByLabel("Je comprends que mon compte sera supprimé définitivement")
        .evaluate((box) => (box as HTMLInputElement).validity.valueMissing),
    ).toBe(true);
    expect(await userCount(email)).toBe(1);
    await page.getByLabel("Je comprends que mon compte sera supprimé définitivement").check();
    await page.getByRole("button", { name: "Supprimer définitivement mon compte" }).click();
    await page.getByText("Votre compte est supprimé.").waitFor();
    expect(new URL(page.url()).pathname).toBe("/privacy");
    expect(await userCount(email)).toBe(0);
    const pledge = await database.db
      .selectFrom("pledges")
      .selectAll()
      .where("id", "=", pledgeId)
      .executeTakeFirstOrThrow();
    expect(pledge).toMatchObject({ backer_name: "Compte supprimé", ship_line1: null, amount: 2_500 });
    // Signed out: the account page asks to sign in.
    await page.goto(`${server.url}/account`);
    await page.waitForURL(/\/sign-in/);
    await context.close();
  });

  test("another deletes their account without JavaScript; an owner whose campaign is live is told why not", async () => {
    const email = `dominique-${randomUUID().slice(0, 6)}@example.org`;
    const signedIn = await signInByEmail(browser, server, email);
    const plain = await browser.newContext({
      locale: "fr-FR",
      javaScriptEnabled: false,
      storageState: await signedIn.context.storageState(),
    });
    await signedIn.context.close();
    const page = await plain.newPage();
    await page.goto(`${server.url}/account/delete`);
    await page.getByLabel("Je comprends que mon compte sera supprimé définitivement").check();
    await page.getByRole("button", { name: "Supprimer définitivement mon compte" }).click();
    await page.getByText("Votre compte est supprimé.").waitFor();
    expect(await userCount(email)).toBe(0);
    await plain.close();

    const owner = await signInByEmail(browser, server, "bonjour@lamachinerie.example");
    await owner.page.goto(`${server.url}/account/delete`);
    const blocked = owner.page.getByTestId("delete-blocked");
    await blocked.getByText(/Une de vos campagnes est en relecture ou en cours/).waitFor();
    expect(
      await owner.page.getByRole("button", { name: "Supprimer définitivement mon compte" }).count(),
    ).toBe(0);
    expect(await userCount("bonjour@lamachinerie.example")).toBe(1);
    await owner.context.close();
  });

  test("the privacy page, linked from the footer, says what is kept, why and for how long, in French and English", async () => {
    const contexts: BrowserContext[] = [];
    for (const [locale, footer, heading, legal] of [
      ["fr-FR", "Confidentialité", "Vos contributions", /Code de commerce, art\. L123-22/],
      ["en-GB", "Privacy", "Your pledges", /French Commercial Code, art\. L123-22/],
    ] as const) {
      const context = await browser.newContext({ locale, viewport: phone });
      contexts.push(context);
      const page = await context.newPage();
      await page.goto(`${server.url}/`);
      await page.locator("footer").getByRole("link", { name: footer }).click();
      await page.getByRole("heading", { level: 1, name: footer }).waitFor();
      const pledges = page.getByRole("region", { name: heading });
      await pledges.getByText(legal).waitFor();
      expect(await page.getByText(/L102 B/).count()).toBeGreaterThan(0);
      expect(await seriousViolations(page)).toEqual([]);
      expect(await page.evaluate(() => document.documentElement.scrollWidth)).toBeLessThanOrEqual(
        phone.width,
      );
    }
    for (const context of contexts) await context.close();
  });
});
