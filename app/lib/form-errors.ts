// zod issues as the first i18n key per field, the shape every form here shows errors in.
// zod's own messages ("Required", "Expected string, received array") are English text, not keys:
// they become our translated "required" or "invalid" so a page never looks up a key it lacks.
import type { ZodError, ZodIssue } from "zod";
import { isMessageKey, type MessageKey } from "~/i18n/keys";

export type FieldErrors = Record<string, MessageKey>;

/** The message key for one issue: ours when the schema gave one, else required/invalid. */
export function issueMessage(issue: ZodIssue): MessageKey {
  if (isMessageKey(issue.message)) return issue.message;
  if (issue.code === "invalid_type" && (issue.received === "undefined" || issue.received === "null"))
    return "form.required";
  return "form.invalid";
}

export function firstErrors(error: ZodError): FieldErrors {
  const errors: FieldErrors = {};
  for (const issue of error.issues) {
    const field = String(issue.path[0] ?? "form");
    errors[field] ??= issueMessage(issue);
  }
  return errors;
}
