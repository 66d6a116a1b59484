// What a form's answer may send back of what was typed: each field cut to the most its schema
// accepts, and only the fields the form has, so a 10 MB post can never come back as a page.
import { ZodDefault, ZodEffects, ZodNullable, ZodObject, ZodOptional, ZodString, type ZodTypeAny } from "zod";

/** The limit of a field whose schema sets none (a money amount, an id, a choice). */
export const DEFAULT_ECHO_LIMIT = 100;

function unwrap(schema: ZodTypeAny): ZodTypeAny {
  let current = schema;
  for (;;) {
    if (current instanceof ZodEffects) current = current.innerType();
    else if (current instanceof ZodOptional || current instanceof ZodNullable) current = current.unwrap();
    else if (current instanceof ZodDefault) current = current.removeDefault();
    else return current;
  }
}

/** Each field's maximum length as its zod schema says (`.max(n)`), else `extra`, else the default. */
export function fieldLimits(schema: ZodTypeAny, extra: Record<string, number> = {}): Record<string, number> {
  const object = unwrap(schema);
  const limits: Record<string, number> = {};
  if (object instanceof ZodObject) {
    for (const [name, field] of Object.entries(object.shape as Record<string, ZodTypeAny>)) {
      const inner = unwrap(field);
      limits[name] = (inner instanceof ZodString ? inner.maxLength : null) ?? DEFAULT_ECHO_LIMIT;
    }
  }
  return { ...limits, ...extra };
}

/** At most `max` characters (code points, so no emoji is cut in half). */
export function clip(text: string, max: number): string {
  if (text.length <= max) return text;
  return Array.from(text.slice(0, max * 2))
    .slice(0, max)
    .join("");
}

/** The values to send back with a form's errors: known fields only, each cut to its limit. */
export function echoValues(
  values: Record<string, unknown>,
  limits: Record<string, number>,
): Record<string, string> {
  const echoed: Record<string, string> = {};
  for (const [name, max] of Object.entries(limits)) {
    if (values[name] === undefined || values[name] === null) continue;
    echoed[name] = clip(String(values[name]), max);
  }
  return echoed;
}
