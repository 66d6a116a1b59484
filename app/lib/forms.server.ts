// How an action reads its form and answers a refusal: the form read once as strings and checked by its
// zod schema, what was typed sent back cut to its fields' limits, and a domain's AppError turned into
// the same { errors, values } a schema's errors come as, with the status and words of errors.ts.
import { data } from "@remix-run/node";
import type { ZodTypeAny, z } from "zod";
import type { MessageKey } from "~/i18n/keys";
import { isRefusal } from "./errors";
import { echoValues, fieldLimits } from "./form-echo";
import { firstErrors, type FieldErrors } from "./form-errors";

export interface ParseFormOptions {
  /** Limits of fields whose schema sets no length (an amount, an id), or names no field (a union). */
  limits?: Record<string, number>;
  /** Checkboxes: "on" when ticked; any other value, or none, leaves the field out (unticked). */
  checkboxes?: readonly string[];
}

/** What was typed, as it may be sent back: the schema's fields only, each cut to its limit. */
export type FormValues = Record<string, string>;

export type ParsedForm<S extends ZodTypeAny> =
  | { ok: true; data: z.output<S>; values: FormValues; fields: Record<string, string> }
  | { ok: false; errors: FieldErrors; values: FormValues; fields: Record<string, string> };

/**
 * Reads the request's form once. `fields` is every entry as a string (the first of a repeated name,
 * as FormData.get reads it), for what is checked beside the schema (the anti-forgery token). A field
 * the schema names but the form lacks reads as empty, as a browser sends an empty text box; a
 * checkbox, as ticked ("on") or not at all.
 */
export async function parseForm<S extends ZodTypeAny>(
  request: Request,
  schema: S,
  options: ParseFormOptions = {},
): Promise<ParsedForm<S>> {
  const form = await request.formData();
  const fields: Record<string, string> = {};
  for (const [name, value] of form) fields[name] ??= String(value);
  const checkboxes = new Set(options.checkboxes ?? []);
  const input: Record<string, string> = {};
  for (const name of Object.keys(fieldLimits(schema))) if (!checkboxes.has(name)) input[name] = "";
  for (const [name, value] of Object.entries(fields)) if (!checkboxes.has(name)) input[name] = value;
  for (const name of checkboxes) if (fields[name] === "on") input[name] = "on";
  const values = echoValues(input, fieldLimits(schema, options.limits));
  const parsed = schema.safeParse(input);
  return parsed.success
    ? { ok: true, data: parsed.data as z.output<S>, values, fields }
    : { ok: false, errors: firstErrors(parsed.error), values, fields };
}

/** What a refused domain call tells a form: its status, the field it concerns (or "form"), its words. */
export interface Refusal {
  status: number;
  field: string;
  message: MessageKey;
}

/**
 * The refusal an error is, for a form to show; anything else is thrown again: a fault (500) for the
 * error page and the log, and a 404, since a missing row is the page's answer, not a form's.
 */
export function refusalOf(error: unknown): Refusal {
  if (!isRefusal(error) || error.status === 404) throw error;
  return { status: error.status, field: error.field ?? "form", message: error.messageKey };
}

/** A refused domain call as a form's answer: its message on its field (or "form"), what was typed. */
export function refusal<V>(error: unknown, values: V) {
  const { status, field, message } = refusalOf(error);
  const errors: FieldErrors = { [field]: message };
  return data({ errors, values }, { status });
}
