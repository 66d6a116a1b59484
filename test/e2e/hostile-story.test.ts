// A hostile story saved through the editor, as an owner would save it, then read in Chromium by a
// signed-in visitor (#11 item 13): no image of it reaches the site's own routes (an
// `<img src="/auth/verify?token=…">` would sign the visitor into the owner's account), no script of it
// runs, the visitor stays who they were, and the harmless parts of the story still show.
import type { Browser, Request } from "playwright-core";
import { afterAll, beforeAll, describe, expect, test } from "vitest";
import { axeViolations, launchBrowser, signInByEmail, skipBrowser } from "../support/browser";
import { startServer, type RunningServer } from "../support/server";

const hostileStory = (site: string) =>
  [
    "## Notre atelier",
    "",
    "Un fablab ouvert à tout le quartier.",
    "",
    "![connexion](/auth/verify?token=attacker-token-attacker-token-attacker-tok)",
    `![absolue](${site}/auth/verify?token=attacker-token-attacker-token-attacker-tok)`,
    `![sans schéma](${site.replace("http:", "")}/sign-out)`,
    "![tabulation](/\t/account)",
    '<img src="/admin/mailbox" alt="boîte">',
    '<img src="x" onerror="window.__hostile = 1">',
    "<script>window.__hostile = 2</script>",
    '<a href="javascript:window.__hostile = 3">clic</a>',
    '<iframe src="/admin"></iframe>',
    "",
    "![la façade](https://images.example.org/facade.jpg)",
  ].join("\n");

describe.skipIf(skipBrowser)("a hostile story in Chromium", () => {
  let server: RunningServer;
  let browser: Browser;

  beforeAll(async () => {
    server = await startServer({ ADMIN_EMAILS: "admin-story@example.org" });
    browser = await launchBrowser();
  });
  afterAll(async () => {
    await browser?.close();
    await server?.stop();
  });

  test("saved through the editor and read by a signed-in visitor, it reaches none of our routes", async () => {
    const owner = await signInByEmail(browser, server, "owner-story@example.org");
    const page = owner.page;
    await page.goto(`${server.url}/campaigns/new`);
    await page.getByLabel("Titre").fill("Atelier partagé de Saint-Leu");
    await page.getByLabel("Adresse (lettres, chiffres et tirets)").fill("atelier-saint-leu");
    await page.getByLabel("Accroche").fill("Des machines pour tout le quartier");
    await page.getByLabel("Le projet (Markdown)").fill(hostileStory(server.url));
    await page.getByLabel("Objectif").fill("3000");
    await page.getByRole("button", { name: "Enregistrer" }).click();
    await page.getByRole("heading", { level: 1, name: "Votre campagne" }).waitFor();
    // The owner's story is kept as written: refusing is the page's job, not the editor's.
    // The details form's story (the English version's form has its own).
    expect(await page.locator("#story").inputValue()).toBe(hostileStory(server.url));
    const manageUrl = page.url();
    await page.getByRole("button", { name: "Envoyer en relecture" }).click();
    await page.getByText("Votre campagne est en relecture").waitFor();
    await owner.context.close();

    const admin = await signInByEmail(browser, server, "admin-story@example.org");
    await admin.page.goto(manageUrl.replace("/manage/campaigns/", "/admin/campaigns/"));
    await admin.page.getByLabel("Je confirme : la campagne devient publique").check();
    await admin.page.getByRole("button", { name: "Approuver et lancer" }).click();
    await admin.page.getByRole("heading", { level: 1, name: /Atelier partagé de Saint-Leu/ }).waitFor();
    await admin.context.close();

    const visitor = await signInByEmail(browser, server, "visitor-story@example.org");
    const before = (await visitor.context.cookies()).find((c) => c.name === "tdt_session")?.value;
    expect(before).toBeDefined();
    const ours: string[] = [];
    const elsewhere: string[] = [];
    visitor.page.on("request", (request: Request) => {
      const url = new URL(request.url());
      if (url.origin === new URL(server.url).origin) ours.push(`${request.resourceType()} ${url.pathname}`);
      else elsewhere.push(url.href);
    });
    // Nothing leaves the machine: the one foreign image is answered here.
    await visitor.context.route("https://images.example.org/**", (route) =>
      route.fulfill({ status: 404, body: "" }),
    );
    await visitor.page.goto(`${server.url}/campaigns/atelier-saint-leu`);
    await visitor.page.getByRole("heading", { level: 2, name: "Notre atelier" }).waitFor();
    await visitor.page.getByText("Un fablab ouvert à tout le quartier.").waitFor();
    await visitor.page.waitForLoadState("networkidle");

    // The page asked our server only for itself, its assets, its messages and its live numbers.
    expect(ours).toContain("document /campaigns/atelier-saint-leu");
    const expected =
      /^\S+ \/(assets\/|i18n\/fr$|favicon\.svg$|__manifest$|campaigns\/atelier-saint-leu($|\/))/;
    expect(ours.filter((line) => !expected.test(line))).toEqual([]);
    expect(elsewhere).toEqual(["https://images.example.org/facade.jpg"]);
    const story = visitor.page.locator(".prose").first().locator("img");
    expect(await story.evaluateAll((imgs) => imgs.map((img) => img.getAttribute("src")))).toEqual([
      "https://images.example.org/facade.jpg",
    ]);
    expect(await visitor.page.locator("iframe, script:not([src]):not([nonce])").count()).toBe(0);
    expect(
      await visitor.page.locator('[href^="javascript:" i], [src^="javascript:" i], [onerror]').count(),
    ).toBe(0);
    expect(await visitor.page.evaluate(() => (window as { __hostile?: number }).__hostile)).toBeUndefined();
    expect(await axeViolations(visitor.page)).toEqual([]);
    // Still signed in as themselves, with the same session.
    const after = (await visitor.context.cookies()).find((c) => c.name === "tdt_session")?.value;
    expect(after).toBe(before);
    await visitor.page.goto(`${server.url}/account`);
    await visitor.page.getByRole("heading", { level: 1, name: "Mes contributions" }).waitFor();
    await visitor.context.close();
  });
});
