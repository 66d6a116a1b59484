import { expect, test } from "vitest";
import { translate } from "~/i18n/catalogue.server";
import { localeFromAcceptLanguage, negotiateLocale } from "~/i18n/negotiate.server";

test("the browser's preferred language is followed by quality", () => {
  expect(localeFromAcceptLanguage("en-US,en;q=0.9,fr;q=0.8")).toBe("en");
  expect(localeFromAcceptLanguage("de-DE,fr;q=0.5,en;q=0.7")).toBe("en");
  expect(localeFromAcceptLanguage("fr-CA")).toBe("fr");
  expect(localeFromAcceptLanguage("de,es")).toBeUndefined();
  expect(localeFromAcceptLanguage("en;q=0,fr;q=0.1")).toBe("fr");
  expect(localeFromAcceptLanguage(null)).toBeUndefined();
});

test("the language switch's cookie wins over the browser; French is the default", () => {
  expect(negotiateLocale("theme=dark; lang=en", "fr-FR")).toBe("en");
  expect(negotiateLocale("lang=xx", "en-GB")).toBe("en");
  expect(negotiateLocale(null, "de-DE")).toBe("fr");
});

test("plurals follow each language's rules", () => {
  expect(translate("fr", "campaign.backers", { count: 0 })).toBe("aucun contributeur");
  expect(translate("fr", "campaign.backers", { count: 1 })).toBe("1 contributeur");
  expect(translate("fr", "campaign.backers", { count: 97 })).toBe("97 contributeurs");
  expect(translate("en", "campaign.backers", { count: 1 })).toBe("1 backer");
  expect(translate("en", "campaign.timeLeft.days", { count: 8 })).toBe("8 days to go");
  // French counts 0 and 1 as singular ("1,5 jour"), and groups thousands with a space.
  expect(translate("fr", "campaign.timeLeft.days", { count: 1 })).toBe("1 jour restant");
  expect(translate("fr", "campaign.backers", { count: 1200 }).replace(/\u202f/g, " ")).toBe(
    "1 200 contributeurs",
  );
});

test("parameters are filled in, and a missing one is left visible rather than blank", () => {
  expect(translate("en", "tiers.remaining", { count: 2, limit: 6 })).toBe("2 left of 6");
  expect(translate("fr", "tiers.remaining", { count: 2, limit: 6 })).toBe("2 restantes sur 6");
  expect(translate("en", "campaign.by", {})).toBe("By {name}");
});
