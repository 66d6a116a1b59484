// Issue #16, item 4: the embeddable widget and the progress badge. Another site frames
// /campaigns/<slug>/embed (the only page it may frame) and shows /campaigns/<slug>/badge.svg; the
// widget's "Back this project" opens the campaign in a new tab; the owner's editor gives the codes.
import http from "node:http";
import type { AddressInfo } from "node:net";
import type { Browser } from "playwright-core";
import { afterAll, beforeAll, describe, expect, test } from "vitest";
import { launchBrowser, seriousViolations, signInByEmail, skipBrowser } from "../support/browser";
import { startServer, type RunningServer } from "../support/server";
import { openDatabase } from "#db/connection.ts";

/**
 * Another site's page, with the codes the editor gives: a server of its own on the loopback
 * (Chromium keeps pages outside it from framing what is on it), named localhost where the app is
 * 127.0.0.1, so another origin and another site.
 */
async function otherSite(app: string): Promise<{ url: string; close: () => Promise<void> }> {
  const page = `<!doctype html><html lang="fr"><title>Voisins</title><body>
    <iframe src="${app}/campaigns/la-machinerie/embed" title="La Machinerie" width="360" height="260"></iframe>
    <img id="badge" src="${app}/campaigns/la-machinerie/badge.svg" alt="La Machinerie" width="320" height="64">
  </body></html>`;
  const server = http.createServer((_req, res) =>
    res.writeHead(200, { "Content-Type": "text/html" }).end(page),
  );
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://localhost:${port}/`,
    close: () => new Promise((resolve) => server.close(() => resolve())),
  };
}

describe.skipIf(skipBrowser)("the embeddable widget and the badge", () => {
  let server: RunningServer;
  let browser: Browser;

  beforeAll(async () => {
    server = await startServer();
    browser = await launchBrowser();
  });
  afterAll(async () => {
    await browser?.close();
    await server?.stop();
  });

  test("only the widget may be framed by other sites; the badge is a minute-cached image any site may show", async () => {
    const widget = await fetch(`${server.url}/campaigns/la-machinerie/embed`);
    expect(widget.status).toBe(200);
    expect(widget.headers.get("content-security-policy")).toContain("frame-ancestors *");
    expect(widget.headers.get("x-frame-options")).toBeNull();
    const page = await fetch(`${server.url}/campaigns/la-machinerie`);
    expect(page.headers.get("content-security-policy")).toContain("frame-ancestors 'none'");
    expect(page.headers.get("x-frame-options")).toBe("DENY");

    const badge = await fetch(`${server.url}/campaigns/la-machinerie/badge.svg`, {
      headers: { "Accept-Language": "en" },
    });
    expect(badge.status).toBe(200);
    expect(badge.headers.get("content-type")).toBe("image/svg+xml; charset=utf-8");
    expect(badge.headers.get("cache-control")).toBe("public, max-age=60");
    expect(badge.headers.get("cross-origin-resource-policy")).toBe("cross-origin");
    const svg = await badge.text();
    expect(svg).toMatch(/^<svg /);
    expect(svg).toContain("La Machinerie: 15 000 € in 15 days");
    expect(svg).toMatch(/ of €15,000 \(\d+%\)/);
    const french = await (
      await fetch(`${server.url}/campaigns/la-machinerie/badge.svg`, { headers: { "Accept-Language": "fr" } })
    ).text();
    expect(french).toMatch(/ sur 15\s000\s€ \(\d+\s%\)/u);

    for (const path of ["/campaigns/nowhere/embed", "/campaigns/nowhere/badge.svg"])
      expect((await fetch(`${server.url}${path}`)).status).toBe(404);
  });

  test("framed by another site, the widget shows the campaign and opens it in a new tab", async () => {
    const context = await browser.newContext({ locale: "fr-FR" });
    const page = await context.newPage();
    const site = await otherSite(server.url);
    expect(new URL(site.url).host).not.toBe(new URL(server.url).host);
    await page.goto(site.url);
    const frame = page.frameLocator("iframe");
    await frame.getByRole("heading", { name: "La Machinerie : 15 000 € en 15 jours" }).waitFor();
    await frame.getByRole("progressbar").waitFor();
    expect(await frame.locator("header, footer").count()).toBe(0);
    const back = frame.getByRole("link", { name: /Soutenir ce projet/ });
    expect(await back.getAttribute("target")).toBe("_blank");
    const [opened] = await Promise.all([context.waitForEvent("page"), back.click()]);
    await opened.waitForURL(`${server.url}/campaigns/la-machinerie`);
    await opened.getByRole("heading", { level: 1 }).waitFor();
    // The badge loaded as an image on the other site.
    await page.waitForFunction(() => (document.getElementById("badge") as HTMLImageElement).naturalWidth > 0);
    await context.close();
    await site.close();
  });

  test("the widget on its own, with and without JavaScript, has no serious accessibility problem", async () => {
    for (const javaScriptEnabled of [true, false]) {
      const context = await browser.newContext({ locale: "en-GB", javaScriptEnabled });
      const page = await context.newPage();
      await page.goto(`${server.url}/campaigns/la-machinerie/embed`);
      await page.getByRole("heading", { name: "La Machinerie: 15 000 € in 15 days" }).waitFor();
      await page.getByRole("link", { name: /Back this project/ }).waitFor();
      expect(await page.title()).toContain("La Machinerie");
      // axe runs in the page: only where scripts may run.
      if (javaScriptEnabled) expect(await seriousViolations(page)).toEqual([]);
      await context.close();
    }
  });

  test("the owner's editor gives the widget's and the badge's codes", async () => {
    const { context, page } = await signInByEmail(browser, server, "bonjour@lamachinerie.example");
    const { db } = openDatabase(server.databaseUrl);
    const { id } = await db
      .selectFrom("campaigns")
      .select("id")
      .where("slug", "=", "la-machinerie")
      .executeTakeFirstOrThrow();
    await db.destroy();
    const editor = `/manage/campaigns/${id}`;
    await page.goto(`${server.url}${editor}`);
    const panel = page.getByRole("region", { name: "Partager et intégrer" });
    const widget = await panel.getByLabel("Widget pour un site (iframe)").inputValue();
    // The codes name the site by its public address (PUBLIC_URL).
    const site = /public URL (\S+)/.exec(server.output())![1]!;
    expect(widget).toContain(`src="${site}/campaigns/la-machinerie/embed"`);
    expect(await panel.getByLabel("Image pour un README (Markdown)").inputValue()).toContain(
      `(${site}/campaigns/la-machinerie/badge.svg)`,
    );
    await page.waitForFunction(() =>
      [...document.querySelectorAll<HTMLImageElement>("img[src$='badge.svg']")].some(
        (img) => img.naturalWidth > 0,
      ),
    );
    expect(await seriousViolations(page)).toEqual([]);
    await context.close();
  });
});
