// What a 503 "database unreachable" answer carries to the root ErrorBoundary (which runs on both
// sides, hence not in outage.server.ts): the visitor's language, since the root loader could not run.
import type { PageLanguage } from "~/i18n/format";
import type { Locale } from "~/i18n/keys";

export interface OutageData {
  outage: true;
  locale: Locale;
  i18n: PageLanguage;
}

export function isOutageData(value: unknown): value is OutageData {
  return typeof value === "object" && value !== null && (value as { outage?: unknown }).outage === true;
}
