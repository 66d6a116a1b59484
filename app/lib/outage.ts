// What an error answer carries to the root ErrorBoundary (which runs on both sides, hence not in
// outage.server.ts): a 503 "database unreachable" the visitor's language, since the root loader could
// not run; an AppError nobody caught its code and message key. And which words a status is shown with.
import type { PageLanguage } from "~/i18n/format";
import type { Locale, MessageKey } from "~/i18n/keys";

export interface OutageData {
  outage: true;
  locale: Locale;
  i18n: PageLanguage;
}

export function isOutageData(value: unknown): value is OutageData {
  return typeof value === "object" && value !== null && (value as { outage?: unknown }).outage === true;
}

/** What an AppError that no route caught answers a page with, beside its status: its words too. */
export interface AppErrorData {
  appError: { code: string; message: MessageKey };
}

export function isAppErrorData(value: unknown): value is AppErrorData {
  if (typeof value !== "object" || value === null) return false;
  const appError = (value as Partial<AppErrorData>).appError;
  return typeof appError === "object" && appError !== null && typeof appError.message === "string";
}

export type ErrorKind = "notFound" | "forbidden" | "tooMany" | "unavailable" | "request" | "server";

/** The error page's words for a status: its own for the common ones, "request" for other refusals. */
export function errorKind(status: number): ErrorKind {
  if (status === 404) return "notFound";
  if (status === 403) return "forbidden";
  if (status === 429) return "tooMany";
  if (status === 503) return "unavailable";
  return status >= 400 && status < 500 ? "request" : "server";
}
