// zod issues as the first i18n key per field, the shape every form here shows errors in.
import type { ZodError } from "zod";
import type { MessageKey } from "./i18n";

export type FieldErrors = Record<string, MessageKey>;

export function firstErrors(error: ZodError): FieldErrors {
  const errors: FieldErrors = {};
  for (const issue of error.issues) {
    const field = String(issue.path[0] ?? "form");
    errors[field] ??= issue.message as MessageKey;
  }
  return errors;
}
