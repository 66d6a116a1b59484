// A creator's public profile in Chromium (issue #15 item 10): the owner of the demo campaign fills it
// in on their account page, without JavaScript and with it, in French and in English; a wrong website
// is refused at its field with what was typed kept; then a fresh anonymous visitor reads the
// organisation, place, bio and website on the campaign page at once (the render cache is dropped,
// though it would keep the page a minute), and axe finds nothing serious on either page.
import type { Browser, BrowserContext, Page } from "playwright-core";
import { afterAll, beforeAll, describe, expect, test } from "vitest";
import { launchBrowser, seriousViolations, signInByEmail, skipBrowser } from "../support/browser";
import { startServer, type RunningServer } from "../support/server";

const OWNER = "bonjour@lamachinerie.example";
const CAMPAIGN = "/campaigns/la-machinerie";

interface Words {
  locale: string;
  displayName: string;
  organisation: string;
  bio: string;
  place: string;
  website: string;
  save: string;
  saved: string;
  websiteError: RegExp;
  creatorTitle: string;
  by: string;
}

const french: Words = {
  locale: "fr-FR",
  displayName: "Nom affiché",
  organisation: "Organisation (facultatif)",
  bio: "Courte présentation (facultatif)",
  place: "Lieu (facultatif)",
  website: "Site web (facultatif)",
  save: "Enregistrer mon profil",
  saved: "Votre profil est enregistré.",
  websiteError: /Indiquez une adresse web qui commence par https:\/\/ ou http:\/\//,
  creatorTitle: "Qui porte ce projet",
  by: "Porté par",
};

const english: Words = {
  locale: "en-GB",
  displayName: "Display name",
  organisation: "Organisation (optional)",
  bio: "Short bio (optional)",
  place: "Place (optional)",
  website: "Website (optional)",
  save: "Save my profile",
  saved: "Your profile is saved.",
  websiteError: /Enter a web address starting with https:\/\/ or http:\/\//,
  creatorTitle: "Who is behind this project",
  by: "By",
};

describe.skipIf(skipBrowser)("a creator's profile, from the account page to the campaign page", () => {
  let server: RunningServer;
  let browser: Browser;
  let session: Awaited<ReturnType<BrowserContext["storageState"]>>;
  let runs = 0;

  beforeAll(async () => {
    // A minute: only the profile's change dropping the cached page can show it within this test.
    server = await startServer({ RENDER_CACHE_MS: "60000" });
    browser = await launchBrowser();
    const { context } = await signInByEmail(browser, server, OWNER);
    session = await context.storageState();
    await context.close();
  });
  afterAll(async () => {
    await browser?.close();
    await server?.stop();
  });

  /** The owner's account page, in their language, with JavaScript or without. */
  async function accountPage(words: Words, javaScriptEnabled: boolean): Promise<Page> {
    const context = await browser.newContext({
      locale: words.locale,
      javaScriptEnabled,
      storageState: session,
    });
    const page = await context.newPage();
    await page.goto(`${server.url}/account`);
    await page.getByLabel(words.displayName).waitFor();
    return page;
  }

  /** The campaign page as a fresh anonymous visitor reads it: no cookie, a new context. */
  async function publicPage(words: Words): Promise<Page> {
    const context = await browser.newContext({ locale: words.locale });
    const page = await context.newPage();
    const response = await page.goto(`${server.url}${CAMPAIGN}`);
    expect(response?.status()).toBe(200);
    return page;
  }

  async function fill(page: Page, words: Words, profile: Record<keyof Profile, string>) {
    await page.getByLabel(words.displayName).fill(profile.displayName);
    await page.getByLabel(words.organisation).fill(profile.organisation);
    await page.getByLabel(words.bio).fill(profile.bio);
    await page.getByLabel(words.place).fill(profile.place);
    await page.getByLabel(words.website).fill(profile.website);
  }

  interface Profile {
    displayName: string;
    organisation: string;
    bio: string;
    place: string;
    website: string;
  }

  async function setProfile(
    words: Words,
    javaScriptEnabled: boolean,
    profile: Profile,
    wrongWebsite: string,
  ) {
    // Rendered once for anonymous visitors, and kept a minute unless something drops it.
    const before = await publicPage(words);
    await expect(before.getByText(profile.organisation).count()).resolves.toBe(0);
    await before.context().close();

    const page = await accountPage(words, javaScriptEnabled);
    await fill(page, words, { ...profile, website: wrongWebsite });
    await page.getByRole("button", { name: words.save }).click();
    // The error at its field, the field saying it is invalid and pointing at it; what was typed kept.
    const website = page.getByLabel(words.website);
    await page.locator("#website-error").getByText(words.websiteError).waitFor();
    await expect(website.getAttribute("aria-invalid")).resolves.toBe("true");
    await expect(website.getAttribute("aria-describedby")).resolves.toContain("website-error");
    await expect(website.inputValue()).resolves.toBe(wrongWebsite);
    await expect(page.getByLabel(words.organisation).inputValue()).resolves.toBe(profile.organisation);
    await expect(page.getByLabel(words.bio).inputValue()).resolves.toBe(profile.bio);
    await expect(page.getByLabel(words.place).inputValue()).resolves.toBe(profile.place);
    await expect(page.locator("#displayName-error").count()).resolves.toBe(0);
    // axe runs in the page: with JavaScript only (the same markup is served without it).
    if (javaScriptEnabled) expect(await seriousViolations(page)).toEqual([]);

    await website.fill(profile.website);
    await page.getByRole("button", { name: words.save }).click();
    await page.getByRole("status").getByText(words.saved).waitFor();
    await expect(page.locator(".field__error").count()).resolves.toBe(0);
    await expect(page.getByLabel(words.website).inputValue()).resolves.toBe(profile.website);
    await page.context().close();

    const after = await publicPage(words);
    await after.getByText(`${words.by} ${profile.organisation}`).waitFor();
    const creator = after.getByRole("region", { name: words.creatorTitle });
    await creator.getByText(profile.organisation, { exact: true }).waitFor();
    await creator.getByText(profile.displayName, { exact: true }).waitFor();
    await creator.getByText(profile.place, { exact: true }).waitFor();
    await creator.getByText(profile.bio).waitFor();
    const link = creator.getByRole("link", {
      name: profile.website.replace(/^https:\/\//, "").replace(/\/$/, ""),
    });
    await expect(link.getAttribute("href")).resolves.toBe(profile.website);
    await expect(link.getAttribute("rel")).resolves.toBe("noopener nofollow ugc");
    expect(await seriousViolations(after)).toEqual([]);
    await after.context().close();
  }

  const profiles = {
    fr: (n: number): Profile => ({
      displayName: `Camille Roussel ${n}`,
      organisation: `Atelier partagé La Machinerie ${n}`,
      bio: `Un tiers-lieu de Saint-Leu où l'on fabrique ensemble, depuis 2024 (${n}).`,
      place: `Amiens, Saint-Leu ${n}`,
      website: `https://machinerie-amiens-${n}.example/`,
    }),
    en: (n: number): Profile => ({
      displayName: `Camille R. ${n}`,
      organisation: `La Machinerie makerspace ${n}`,
      bio: `A makerspace and coworking space in Amiens, run by its members (${n}).`,
      place: `Amiens, France ${n}`,
      website: `https://machinerie-${n}.example/en/`,
    }),
  };

  test.each([
    { language: "fr", javaScript: false, wrong: "javascript:alert(document.cookie)" },
    { language: "fr", javaScript: true, wrong: "JavaScript:alert(1)" },
    { language: "en", javaScript: false, wrong: "ftp://machinerie.example/" },
    { language: "en", javaScript: true, wrong: "javascript:alert(1)" },
  ] as const)(
    "in $language, JavaScript $javaScript: a wrong website $wrong is refused, then the page shows the profile",
    async ({ language, javaScript, wrong }) => {
      const n = ++runs;
      await setProfile(language === "fr" ? french : english, javaScript, profiles[language](n), wrong);
    },
  );
});
