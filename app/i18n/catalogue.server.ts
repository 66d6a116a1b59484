// Every language's messages, for the server: pages as they render, emails, plain-text answers. The
// browser gets only its reader's page messages, parsed, from /i18n/<locale> (compiledCatalogue).
import { createHash } from "node:crypto";
import { parse } from "@formatjs/icu-messageformat-parser";
import en from "./messages/en.json";
import fr from "./messages/fr.json";
import {
  provideCatalogues,
  translatorFor,
  type CompiledCatalogue,
  type CompiledMessage,
  type MessageParams,
  type PageLanguage,
  type Translate,
} from "./format";
import { defaultLocale, type MessageKey } from "./keys";

/**
 * One line per language: its messages file and the BCP 47 tag Intl formats with (`15 000 €` in
 * fr-FR, `€15,000` in en-GB). TypeScript checks that each file has every key of fr.json; a unit test
 * checks that every file in messages/ has its line. The worker and the command line run under plain
 * Node, where no bundler can list the folder for us: hence this list.
 */
const languages = {
  fr: { intl: "fr-FR", messages: fr },
  en: { intl: "en-GB", messages: en },
} satisfies Record<string, { intl: string; messages: Record<MessageKey, string> }>;

export type Locale = keyof typeof languages;
export const locales = Object.keys(languages) as Locale[];

function languageOf(locale: Locale) {
  return languages[locale] ?? languages[defaultLocale];
}

/** The BCP 47 tag Intl formats with for one of our locales. */
export function intlLocale(locale: Locale): string {
  return languageOf(locale).intl;
}

export function translator(locale: Locale): Translate {
  const language = languageOf(locale);
  return translatorFor(language.intl, language.messages);
}

export function translate(locale: Locale, key: MessageKey, params?: MessageParams): string {
  return translator(locale)(key, params);
}

/** Emails are rendered on the server only: their words never go to the browser. */
const serverOnly = (key: string) => key.startsWith("email.");

/** A message as the browser gets it: its text when it has no argument, else its syntax tree. */
function precompile(message: string): CompiledMessage {
  const tree = parse(message, { ignoreTag: true });
  const [only] = tree;
  return tree.length === 1 && only && only.type === 0 ? only.value : tree;
}

const compiled = new Map<Locale, { catalogue: CompiledCatalogue; version: string }>();

function compiledEntry(locale: Locale) {
  let entry = compiled.get(locale);
  if (!entry) {
    const language = languageOf(locale);
    const messages = Object.fromEntries(
      Object.entries(language.messages)
        .filter(([key]) => !serverOnly(key))
        .map(([key, message]) => [key, precompile(message)]),
    );
    const catalogue: CompiledCatalogue = { locale, intl: language.intl, messages };
    const version = createHash("sha256").update(JSON.stringify(catalogue)).digest("hex").slice(0, 12);
    entry = { catalogue, version };
    compiled.set(locale, entry);
  }
  return entry;
}

/** One language's page messages, parsed: what /i18n/<locale> sends, and what pages render with here. */
export function compiledCatalogue(locale: Locale): CompiledCatalogue {
  return compiledEntry(locale).catalogue;
}

/** Changes whenever the language's page messages do: the browser may keep a version for good. */
export function catalogueVersion(locale: Locale): string {
  return compiledEntry(locale).version;
}

/** What the root loader sends about languages: a few hundred bytes, the messages come apart. */
export function pageLanguage(locale: Locale): PageLanguage {
  return {
    locale,
    href: `/i18n/${locale}?v=${catalogueVersion(locale)}`,
    languages: locales.map((other) => ({ locale: other, name: translate(other, "lang.name") })),
  };
}

// Pages rendered here read the same compiled catalogues the browser fetches.
provideCatalogues((locale) =>
  Object.hasOwn(languages, locale) ? compiledCatalogue(locale as Locale) : undefined,
);
