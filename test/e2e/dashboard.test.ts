// An owner's dashboard in Chromium without JavaScript, on the demo's La Machinerie grown by 130
// pledges: the pledges come a page at a time, the links to the older and newer pages are plain
// links that keep the tier and status filters, every pledge is listed once across the pages, the
// page passes axe-core; the backers' CSV arrives chunked, one line per listed pledge.
import { connect } from "node:net";
import type { Browser, BrowserContext, Page } from "playwright-core";
import { afterAll, beforeAll, describe, expect, test } from "vitest";
import { openDatabase, type DatabaseHandle } from "#db/connection.ts";
import { PLEDGES_PER_PAGE } from "~/campaigns/dashboard.server";
import { axeViolations, launchBrowser, signInByEmail, skipBrowser } from "../support/browser";
import { createPledge } from "../support/factories";
import { startServer, type RunningServer } from "../support/server";

const owner = "bonjour@lamachinerie.example";

describe.skipIf(skipBrowser)("an owner's dashboard in Chromium", () => {
  let server: RunningServer;
  let browser: Browser;
  let database: DatabaseHandle;
  let campaign: { id: string; tier: string };
  let noScript: BrowserContext;

  beforeAll(async () => {
    server = await startServer();
    browser = await launchBrowser();
    database = openDatabase(server.databaseUrl);
    const { db } = database;
    const row = await db
      .selectFrom("campaigns")
      .select("id")
      .where("slug", "=", "la-machinerie")
      .executeTakeFirstOrThrow();
    const tier = await db
      .selectFrom("reward_tiers")
      .select("id")
      .where("campaign_id", "=", row.id)
      .orderBy("position")
      .executeTakeFirstOrThrow();
    campaign = { id: row.id, tier: tier.id };
    // Many pledges at the same instant (a page break falls among them), in two tiers and statuses.
    for (let i = 0; i < 130; i++)
      await createPledge(db, row.id, {
        backer_name: `Contributrice ${i}`,
        backer_email: `contributrice${i}@example.org`,
        tier_id: i % 2 === 0 ? tier.id : null,
        status: i % 3 === 0 ? "dropped" : "committed",
        created_at: new Date(Date.UTC(2026, 10, 25, 10, Math.floor(i / 10))).toISOString(),
      });
    // Signed in with JavaScript (the sign-in form), then the same session in a browser without it.
    const signedIn = await signInByEmail(browser, server, owner);
    const state = await signedIn.context.storageState();
    await signedIn.context.close();
    noScript = await browser.newContext({ locale: "fr-FR", javaScriptEnabled: false, storageState: state });
  });
  afterAll(async () => {
    await noScript?.close();
    await browser?.close();
    await database?.db.destroy();
    await server?.stop();
  });

  /** The listed pledges' ids the database holds for a filter: what the pages must show, once each. */
  async function listedInDatabase(filter: { tier?: string; status?: "dropped" | "committed" }) {
    let query = database.db
      .selectFrom("pledges")
      .select("backer_email")
      .where("campaign_id", "=", campaign.id)
      .where("status", "not in", ["pending", "expired"]);
    if (filter.tier) query = query.where("tier_id", "=", filter.tier);
    if (filter.status) query = query.where("status", "=", filter.status);
    return (await query.execute()).map((r) => r.backer_email).sort();
  }

  const table = (page: Page) => page.locator("table.table tbody tr td:nth-child(2)");
  const pager = (page: Page) => page.getByRole("navigation", { name: "Pages des contributions" });

  /** Follows the "older" links from the page shown to the last; returns each page's emails. */
  async function pagesFrom(page: Page): Promise<string[][]> {
    const pages: string[][] = [];
    for (;;) {
      pages.push(await table(page).allTextContents());
      const older = pager(page).getByRole("link", { name: "Plus anciennes →" });
      if ((await older.count()) === 0) return pages;
      expect(pages.length).toBeLessThan(20);
      await older.click();
      await page.waitForLoadState("load");
    }
  }

  test("without JavaScript the pledges come a page at a time, each once, and the filters stay", async () => {
    const page = await noScript.newPage();
    page.setDefaultTimeout(10_000);
    await page.goto(`${server.url}/admin/campaigns/${campaign.id}`);
    await page.getByRole("heading", { level: 1, name: /La Machinerie/ }).waitFor();
    await expect(page.getByTestId("funding-curve").count()).resolves.toBe(1);
    // The first page has no way to newer pledges.
    await expect(pager(page).getByRole("link", { name: "← Plus récentes" }).count()).resolves.toBe(0);

    const all = await pagesFrom(page);
    const expected = await listedInDatabase({});
    expect(all.length).toBe(Math.ceil(expected.length / PLEDGES_PER_PAGE));
    expect(all.slice(0, -1).every((p) => p.length === PLEDGES_PER_PAGE)).toBe(true);
    expect(all.flat().sort()).toEqual(expected);

    // Back from the last page, one page at a time: the same pages again.
    const back: string[][] = [];
    for (let i = all.length - 1; i > 0; i--) {
      await pager(page).getByRole("link", { name: "← Plus récentes" }).click();
      await page.waitForLoadState("load");
      back.unshift(await table(page).allTextContents());
    }
    expect(back).toEqual(all.slice(0, -1));
    expect(new URL(page.url()).searchParams.get("before")).toBeTruthy();

    // Filtered by tier and status through the form (a GET), then paged: the links keep both.
    await page.getByLabel("Votre contrepartie").selectOption(campaign.tier);
    await page.getByLabel("État").selectOption("committed");
    await page.getByRole("button", { name: "Filtrer" }).click();
    await page.waitForLoadState("load");
    const filtered = await pagesFrom(page);
    const url = new URL(page.url());
    expect(url.searchParams.get("tier")).toBe(campaign.tier);
    expect(url.searchParams.get("status")).toBe("committed");
    expect(url.searchParams.get("after")).toBeTruthy();
    expect(filtered.flat().sort()).toEqual(
      await listedInDatabase({ tier: campaign.tier, status: "committed" }),
    );
    await expect(page.getByLabel("État").inputValue()).resolves.toBe("committed");
    await page.close();
    // axe-core needs the page's timers, so it reads the same pages in a browser with JavaScript: the
    // first, and a later one, filtered.
    const middle = `${url.pathname}?${url.searchParams}`;
    const withScript = await browser.newContext({
      locale: "fr-FR",
      storageState: await noScript.storageState(),
    });
    const checked = await withScript.newPage();
    for (const path of [`/admin/campaigns/${campaign.id}`, middle]) {
      await checked.goto(`${server.url}${path}`);
      await checked.getByRole("heading", { level: 1, name: /La Machinerie/ }).waitFor();
      expect(await axeViolations(checked), path).toEqual([]);
    }
    await withScript.close();
  });

  test("the backers' CSV is sent chunked, a line per listed pledge under the same header", async () => {
    const response = await noScript.request.get(`${server.url}/admin/campaigns/${campaign.id}/backers.csv`);
    expect(response.status()).toBe(200);
    const headers = response.headers();
    expect(headers["content-type"]).toBe("text/csv; charset=utf-8");
    expect(headers["transfer-encoding"]).toBe("chunked");
    expect(headers["content-length"]).toBeUndefined();
    // French, as Excel set to French opens it (a BOM, `;`, decimal commas, words).
    const lines = (await response.text()).split("\r\n");
    expect(lines[0]).toBe(
      "\uFEFFNom;E-mail;Contrepartie;Montant;Devise;État;Envoi postal;Livraison;Destinataire;Adresse;Complément d'adresse;Code postal;Ville;Pays;Frais de port;Mot du contributeur;Date",
    );
    expect(lines.at(-1)).toBe("");
    const emails = lines.slice(1, -1).map((line) => /;([^;@]+@[^;]+);/.exec(line)?.[1]);
    expect(emails.sort()).toEqual(await listedInDatabase({}));
    expect(lines[1]).toMatch(/;\d+,\d{2};EUR;/);

    // English stays RFC 4180, with the columns' machine names.
    const english = await noScript.request.get(`${server.url}/admin/campaigns/${campaign.id}/backers.csv`, {
      headers: { "Accept-Language": "en" },
    });
    const englishLines = (await english.text()).split("\r\n");
    expect(englishLines[0]).toBe(
      "name,email,tier,amount,currency,status,shipping_needed,delivery,recipient,address_line1,address_line2,postal_code,city,country,shipping,comment,date",
    );
    expect(englishLines[1]).toMatch(/,\d+\.\d{2},EUR,[a-z_]+,(yes|no),.*,\d{4}-\d{2}-\d{2} \d{2}:\d{2}$/);
    expect(englishLines.length).toBe(lines.length);
  });

  test("the CSV is written as it is read: the header goes out alone, before the first rows", async () => {
    // HTTP/1.1 by hand, asking for no compression, to see the chunks as the server framed them.
    const cookie = (await noScript.cookies()).map((c) => `${c.name}=${c.value}`).join("; ");
    const { port, hostname } = new URL(server.url);
    const raw = await new Promise<Buffer>((resolve, reject) => {
      const socket = connect(Number(port), hostname);
      const parts: Buffer[] = [];
      socket.on("data", (part: Buffer) => parts.push(part));
      socket.on("end", () => resolve(Buffer.concat(parts)));
      socket.on("error", reject);
      socket.write(
        `GET /admin/campaigns/${campaign.id}/backers.csv HTTP/1.1\r\nHost: ${hostname}\r\n` +
          `Cookie: ${cookie}\r\nAccept-Encoding: identity\r\nConnection: close\r\n\r\n`,
      );
    });
    const split = raw.indexOf("\r\n\r\n");
    expect(raw.subarray(0, split).toString()).toMatch(
      /^HTTP\/1\.1 200 [\s\S]*\r\ntransfer-encoding: chunked/i,
    );
    const chunks: string[] = [];
    let at = split + 4;
    for (;;) {
      const end = raw.indexOf("\r\n", at);
      const size = parseInt(raw.subarray(at, end).toString(), 16);
      if (size === 0) break;
      chunks.push(raw.subarray(end + 2, end + 2 + size).toString("utf8"));
      at = end + 2 + size + 2;
    }
    expect(chunks[0]).toBe(
      "\uFEFFNom;E-mail;Contrepartie;Montant;Devise;État;Envoi postal;Livraison;Destinataire;Adresse;Complément d'adresse;Code postal;Ville;Pays;Frais de port;Mot du contributeur;Date\r\n",
    );
    expect(chunks.length).toBeGreaterThanOrEqual(2);
    expect(chunks.join("").split("\r\n").length - 2).toBe((await listedInDatabase({})).length);
  });
});
