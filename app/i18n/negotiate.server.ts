// Which of our languages a request gets: the language switch's cookie, else the browser's
// Accept-Language by quality, else French.
import { locales, type Locale } from "./catalogue.server";
import { defaultLocale } from "./keys";

export const localeCookieName = "lang";

export function isLocale(value: unknown): value is Locale {
  return typeof value === "string" && (locales as readonly string[]).includes(value);
}

/** A stored or stated language if we have its messages, else the default (French). */
export function localeOrDefault(value: string): Locale {
  return isLocale(value) ? value : defaultLocale;
}

/** The best of our locales for an Accept-Language header, by its quality values. */
export function localeFromAcceptLanguage(header: string | null | undefined): Locale | undefined {
  if (!header) return undefined;
  const ranked = header
    .split(",")
    .map((part, index) => {
      const [tag = "", ...params] = part.trim().split(";");
      const q = params.map((p) => p.trim()).find((p) => p.startsWith("q="));
      const quality = q ? Number(q.slice(2)) : 1;
      return { base: tag.trim().toLowerCase().split("-")[0] ?? "", quality, index };
    })
    .filter((entry) => entry.base && Number.isFinite(entry.quality) && entry.quality > 0)
    .sort((a, b) => b.quality - a.quality || a.index - b.index);
  return ranked.map((entry) => entry.base).find(isLocale);
}

/** The cookie a person set with the language switch wins; then their browser's languages. */
export function negotiateLocale(cookieHeader: string | null, acceptLanguage: string | null): Locale {
  const fromCookie = cookieHeader
    ?.split(";")
    .map((c) => c.trim().split("="))
    .find(([name]) => name === localeCookieName)?.[1];
  if (isLocale(fromCookie)) return fromCookie;
  return localeFromAcceptLanguage(acceptLanguage) ?? defaultLocale;
}
