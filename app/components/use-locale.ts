// The reader's locale in React: chosen by the root loader, read by every component.
import { useRouteLoaderData } from "@remix-run/react";
import { defaultLocale, intlLocale, translator, type Locale, type Translate } from "~/lib/i18n";

export function useLocale(): Locale {
  const data = useRouteLoaderData<{ locale: Locale }>("root");
  return data?.locale ?? defaultLocale;
}

export function useTranslate(): Translate {
  return translator(useLocale());
}

export function useIntlLocale(): string {
  return intlLocale[useLocale()];
}
