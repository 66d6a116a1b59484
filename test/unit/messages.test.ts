// The message files as translators hand them in: every language has every key of the reference
// (French) and no other, every message is valid ICU MessageFormat, formats with sample values,
// and reads the same arguments as the reference; every file in the folder is a language we serve.
import { readdirSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { expect, test } from "vitest";
import {
  catalogueVersion,
  compiledCatalogue,
  intlLocale,
  locales,
  pageLanguage,
  translate,
} from "~/i18n/catalogue.server";
import { compile, formatMessage, pageTranslator } from "~/i18n/format";
import { defaultLocale, type MessageKey } from "~/i18n/keys";
import { loader } from "~/routes/i18n.$locale";

const folder = join(import.meta.dirname, "../../app/i18n/messages");
const files = readdirSync(folder).filter((name) => name.endsWith(".json"));
const catalogues = Object.fromEntries(
  files.map((name) => [name.replace(/\.json$/, ""), JSON.parse(readFileSync(join(folder, name), "utf8"))]),
) as Record<string, Record<string, unknown>>;
const reference = catalogues[defaultLocale]!;

test("every messages file is a language the site serves, the default one included", () => {
  expect(files.length).toBeGreaterThanOrEqual(2);
  expect([...locales].sort()).toEqual(Object.keys(catalogues).sort());
  expect(locales).toContain(defaultLocale);
  for (const locale of locales) expect(Intl.getCanonicalLocales(intlLocale(locale))).toHaveLength(1);
});

test.each(Object.keys(catalogues))("%s.json has exactly the reference's keys, each a string", (locale) => {
  const catalogue = catalogues[locale]!;
  expect(Object.keys(catalogue).sort()).toEqual(Object.keys(reference).sort());
  for (const [key, message] of Object.entries(catalogue)) {
    expect(typeof message, key).toBe("string");
    expect((message as string).trim(), key).not.toBe("");
  }
});

/** Sample values for a message's arguments: counts of 0, 1, 2 and 1 200, and words for the rest. */
function samples(intl: string, message: string): Record<string, string | number>[] {
  const { args } = compile(intl, message);
  return [0, 1, 2, 1200].map((count) =>
    Object.fromEntries([...args].map(([name, kind]) => [name, kind === "count" ? count : `‹${name}›`])),
  );
}

test.each(Object.keys(catalogues))(
  "every message of %s.json parses, formats with sample values, and reads the reference's arguments",
  (locale) => {
    const intl = intlLocale(locale as (typeof locales)[number]);
    for (const [key, message] of Object.entries(catalogues[locale]!) as [string, string][]) {
      const { args } = compile(intl, message);
      const expected = compile(intl, reference[key] as string).args;
      // A translation spelling `{nom}` for `{name}` would print "{nom}" to every reader.
      expect([...args.keys()].sort(), key).toEqual([...expected.keys()].sort());
      // A brace in the text is an argument left unfilled or quoted away (see the apostrophe below).
      for (const values of samples(intl, message))
        expect(formatMessage(intl, message, values), key).not.toMatch(/[{}]/);
    }
  },
);

test("a malformed message is refused, not shown half-formatted", () => {
  expect(() => compile("fr-FR", "{count, plural, one {# jour}")).toThrow();
  expect(() => compile("fr-FR", "{count, plural, one {# jour} }")).toThrow();
  expect(() => compile("fr-FR", "Fin : {date")).toThrow();
});

test("ICU's one trap in French: an apostrophe just before a brace quotes it, and the check above sees it", () => {
  expect(formatMessage("fr-FR", "L'objectif", {})).toBe("L'objectif");
  expect(formatMessage("fr-FR", "d''{name}", { name: "Ana" })).toBe("d'Ana");
  expect(formatMessage("fr-FR", "d’{name}", { name: "Ana" })).toBe("d’Ana");
  expect(formatMessage("fr-FR", "d'{name}", { name: "Ana" })).toMatch(/[{}]/);
  // Tags are not ours: < is a character.
  expect(formatMessage("en-GB", "{n} < {m}", { n: 1, m: 2 })).toBe("1 < 2");
});

test("each language names itself in the switch, and the browser's catalogue holds one language, no email's words", () => {
  const page = pageLanguage("en");
  expect(page.languages).toEqual(locales.map((locale) => ({ locale, name: translate(locale, "lang.name") })));
  expect(page.languages.map((language) => language.name)).toEqual(
    expect.arrayContaining(["Français", "English"]),
  );
  expect(page.href).toBe(`/i18n/en?v=${catalogueVersion("en")}`);
  const catalogue = compiledCatalogue("en");
  expect(catalogue).toMatchObject({ locale: "en", intl: "en-GB" });
  expect(catalogue.messages["campaign.raised"]).toBe("raised");
  expect(Object.keys(catalogue.messages).filter((key) => key.startsWith("email."))).toEqual([]);
  expect(Object.keys(catalogue.messages).length).toBeGreaterThan(300);
  expect(catalogueVersion("fr")).not.toBe(catalogueVersion("en"));
});

test("a page's compiled messages say exactly what the server's say, for every key and count", () => {
  for (const locale of locales) {
    const intl = intlLocale(locale);
    const page = pageTranslator(locale);
    for (const key of Object.keys(compiledCatalogue(locale).messages) as MessageKey[])
      for (const values of samples(intl, catalogues[locale]![key] as string))
        expect(page(key, values), key).toBe(translate(locale, key, values));
  }
});

test("the browser fetches one language at a version it may keep for good; another version is revalidated", async () => {
  const get = (path: string) =>
    loader({
      request: new Request(`http://t${path}`),
      params: { locale: path.split(/[/?]/)[2]! },
    });
  const current = get(`/i18n/fr?v=${catalogueVersion("fr")}`) as Response;
  expect(current.headers.get("Cache-Control")).toBe("public, max-age=31536000, immutable");
  expect(await current.json()).toEqual(compiledCatalogue("fr"));
  expect((get("/i18n/fr?v=old") as Response).headers.get("Cache-Control")).toBe("no-cache");
  const unknown = (() => {
    try {
      return get("/i18n/xx");
    } catch (thrown) {
      return thrown;
    }
  })();
  expect(unknown).toBeInstanceOf(Response);
  expect((unknown as Response).status).toBe(404);
});
