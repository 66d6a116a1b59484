// What a 503 "database unreachable" answer carries to the root ErrorBoundary (which runs on both
// sides, hence not in outage.server.ts): the visitor's locale, since the root loader could not run.
import type { Locale } from "./i18n";

export interface OutageData {
  outage: true;
  locale: Locale;
}

export function isOutageData(value: unknown): value is OutageData {
  return typeof value === "object" && value !== null && (value as { outage?: unknown }).outage === true;
}
