// The reader's language in React: chosen by the root loader, its messages fetched once by the
// browser (entry.client.tsx) and read by every component, and by the routes' meta functions.
import type { MetaDescriptor } from "@remix-run/node";
import { useRouteLoaderData } from "@remix-run/react";
import { useMemo } from "react";
import { catalogueFor, pageTranslator, type PageLanguage, type Translate } from "~/i18n/format";
import { defaultLocale, type Locale } from "~/i18n/keys";

/** With no root data (the root loader itself failed): the default language, its messages unversioned. */
export const fallbackLanguage: PageLanguage = {
  locale: defaultLocale,
  href: `/i18n/${defaultLocale}`,
  languages: [],
};

export function usePageLanguage(): PageLanguage {
  return useRouteLoaderData<{ i18n: PageLanguage }>("root")?.i18n ?? fallbackLanguage;
}

export function useLocale(): Locale {
  return usePageLanguage().locale;
}

export function useTranslate(): Translate {
  const locale = useLocale();
  return useMemo(() => pageTranslator(locale), [locale]);
}

export function useIntlLocale(): string {
  const locale = useLocale();
  return catalogueFor(locale)?.intl ?? locale;
}

/** For a route's meta function, which runs outside components: the root's language among its matches. */
export function matchesTranslator(matches: readonly { id: string; data: unknown }[]): Translate {
  const root = matches.find((match) => match.id === "root")?.data as { i18n?: PageLanguage } | undefined;
  return pageTranslator((root?.i18n ?? fallbackLanguage).locale);
}

/**
 * A page's <title>, "… — Tour de table" in the reader's language, from a route's meta function; private
 * pages (accounts, owners', admins', checkouts) also ask search engines not to index them.
 */
export function pageMeta(
  matches: readonly { id: string; data: unknown }[],
  title: (t: Translate) => string,
  { indexed = false, description }: { indexed?: boolean; description?: (t: Translate) => string } = {},
): MetaDescriptor[] {
  const t = matchesTranslator(matches);
  return [
    { title: `${title(t)} — ${t("site.name")}` },
    ...(description ? [{ name: "description", content: description(t) }] : []),
    ...(indexed ? [] : [{ name: "robots", content: "noindex" }]),
  ];
}
