// How a message becomes text, on the server and in the browser alike: ICU MessageFormat through
// intl-messageformat. The server parses each message once per language; the browser receives its
// reader's messages already parsed (see catalogue.server.ts), so the parser never reaches it.
import {
  isArgumentElement,
  isPluralElement,
  isSelectElement,
  isTagElement,
  type MessageFormatElement,
} from "@formatjs/icu-messageformat-parser";
import { IntlMessageFormat, type Formatters } from "intl-messageformat";
import { dateTimeFormat, numberFormat, pluralRules } from "~/i18n/intl";
import type { Locale, MessageKey } from "./keys";

export type MessageParams = Record<string, string | number>;
export type Translate = (key: MessageKey, params?: MessageParams) => string;

/** A parsed message: its final text when it has no argument, else its ICU syntax tree. */
export type CompiledMessage = string | MessageFormatElement[];

/** One language's page messages, parsed: what the browser fetches for its reader. */
export interface CompiledCatalogue {
  locale: Locale;
  /** The BCP 47 tag Intl formats with. */
  intl: string;
  messages: Readonly<Record<string, CompiledMessage>>;
}

/** What the root loader tells the page about languages: the reader's, where its messages are, the others. */
export interface PageLanguage {
  locale: Locale;
  /** Where the browser fetches the reader's compiled catalogue (versioned, so cached for good). */
  href: string;
  /** Every language, each named in itself, for the language switch. */
  languages: readonly { locale: Locale; name: string }[];
}

/** We always pass one BCP 47 tag; Intl.Locale and lists print as tags too. */
const tagOf = (locales: Intl.LocalesArgument | undefined) => String(locales ?? "");

/** Intl's formatters, built once per process (app/i18n/intl.ts) rather than once per message. */
const formatters: Formatters = {
  getNumberFormat: (locales, options) => numberFormat(tagOf(locales), options),
  getDateTimeFormat: (locales, options) => dateTimeFormat(tagOf(locales), options),
  getPluralRules: (locales, options) => pluralRules(tagOf(locales), options),
};

interface Compiled {
  format: IntlMessageFormat;
  /** Every argument the message reads, and whether it is counted (a plural) or shown. */
  args: Map<string, "count" | "text">;
}

function argumentsOf(elements: MessageFormatElement[], args: Compiled["args"]): Compiled["args"] {
  for (const element of elements) {
    if (isArgumentElement(element)) {
      if (!args.has(element.value)) args.set(element.value, "text");
    } else if (isPluralElement(element) || isSelectElement(element)) {
      args.set(element.value, isPluralElement(element) ? "count" : "text");
      for (const option of Object.values(element.options)) argumentsOf(option.value, args);
    } else if (isTagElement(element)) {
      argumentsOf(element.children, args);
    }
  }
  return args;
}

function compiledFrom(intl: string, message: string | MessageFormatElement[]): Compiled {
  // Tags are not ours: `<` is just a character in our messages.
  const format = new IntlMessageFormat(message, intl, undefined, { formatters, ignoreTag: true });
  return { format, args: argumentsOf(format.getAst(), new Map()) };
}

/**
 * A missing argument is left visible as `{name}` rather than blank, and a missing count counts as
 * 0, so a forgotten parameter shows in review instead of breaking the page.
 */
function formatCompiled({ format, args }: Compiled, params: MessageParams): string {
  const values: Record<string, string | number> = {};
  for (const [name, kind] of args) {
    const value = params[name];
    values[name] = kind === "count" ? Number(value ?? 0) : value === undefined ? `{${name}}` : value;
  }
  return format.format<string>(values) as string;
}

/** Messages parsed from their text, by Intl tag and text: a page formats the same few hundred again and again. */
const fromSource = new Map<string, Compiled>();

/** Parses a message once (throws on a malformed one: the unit test parses every message of every file). */
export function compile(intl: string, message: string): Compiled {
  const cacheKey = `${intl}\u0000${message}`;
  let entry = fromSource.get(cacheKey);
  if (!entry) {
    entry = compiledFrom(intl, message);
    fromSource.set(cacheKey, entry);
  }
  return entry;
}

/** Fills a message in from its ICU text (on the server: the browser has no parser). */
export function formatMessage(intl: string, message: string, params: MessageParams = {}): string {
  return formatCompiled(compile(intl, message), params);
}

/** A translator over one language's message texts; a key it does not have shows as itself. */
export function translatorFor(intl: string, messages: Readonly<Record<string, string>>): Translate {
  return (key, params = {}) => {
    const message = messages[key];
    return message === undefined ? key : formatMessage(intl, message, params);
  };
}

/** Parsed messages made ready to format, by their tree (each catalogue has its own trees). */
const fromTree = new WeakMap<MessageFormatElement[], Compiled>();

/** Formats from a compiled catalogue: no parsing, so it runs in the browser. */
function formatFrom({ intl, messages }: CompiledCatalogue, key: MessageKey, params: MessageParams): string {
  const message = messages[key];
  if (message === undefined) return key;
  if (typeof message === "string") return message;
  let entry = fromTree.get(message);
  if (!entry) {
    entry = compiledFrom(intl, message);
    fromTree.set(message, entry);
  }
  return formatCompiled(entry, params);
}

const registered = new Map<string, CompiledCatalogue>();
let source: ((locale: string) => CompiledCatalogue | undefined) | undefined;

/** The server's way to every language's catalogue (catalogue.server.ts calls this as it loads). */
export function provideCatalogues(every: (locale: string) => CompiledCatalogue | undefined): void {
  source = every;
}

/** The browser's way: the one catalogue it fetched. */
export function registerCatalogue(catalogue: CompiledCatalogue): void {
  registered.set(catalogue.locale, catalogue);
}

export function catalogueFor(locale: string): CompiledCatalogue | undefined {
  return registered.get(locale) ?? source?.(locale);
}

/** The page's translator for a language; while there is no catalogue for it, keys show as themselves. */
export function pageTranslator(locale: Locale): Translate {
  return (key, params = {}) => {
    const catalogue = catalogueFor(locale);
    return catalogue ? formatFrom(catalogue, key, params) : key;
  };
}

/** Fetches the page language's catalogue unless this browser has it already (entry.client, root's clientLoader). */
export async function loadCatalogue({ locale, href }: { locale: string; href: string }): Promise<void> {
  if (catalogueFor(locale)) return;
  const response = await fetch(href, { credentials: "same-origin" });
  if (response.ok) registerCatalogue((await response.json()) as CompiledCatalogue);
}
