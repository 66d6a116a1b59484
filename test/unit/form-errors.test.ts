import { expect, test } from "vitest";
import { z } from "zod";
import { firstErrors } from "~/lib/form-errors";
import { translate } from "~/i18n/catalogue.server";
import { isMessageKey } from "~/i18n/keys";
import { fieldErrors, pledgeFormSchema } from "~/pledges/pledge-form";

const schema = z.object({
  title: z.string().trim().min(3, "editor.error.title"),
  visibility: z.enum(["public", "backers"]),
  count: z.number(),
});

test("a missing field gets the translated 'required' message, not zod's English 'Required'", () => {
  const result = schema.safeParse({ title: "Hello" });
  expect(result.success).toBe(false);
  const errors = firstErrors(result.error!);
  expect(errors).toEqual({ visibility: "form.required", count: "form.required" });
  expect(translate("en", errors.visibility!)).toBe("This field is required.");
  expect(translate("fr", errors.visibility!)).toBe("Ce champ est obligatoire.");
});

test("a value of the wrong kind gets the translated 'invalid' message", () => {
  const result = schema.safeParse({ title: ["a", "b"], visibility: "secret", count: "1e309" });
  const errors = firstErrors(result.error!);
  expect(errors).toEqual({ title: "form.invalid", visibility: "form.invalid", count: "form.invalid" });
});

test("our own message keys pass through untouched", () => {
  const errors = firstErrors(schema.safeParse({ title: "x", visibility: "public", count: 1 }).error!);
  expect(errors).toEqual({ title: "editor.error.title" });
});

test("every error the pledge form gives for absent or strange fields is a message key", () => {
  const pledge = pledgeFormSchema({ currency: "EUR", locale: "fr-FR", fundingModel: "flexible", tiers: [] });
  for (const values of [{}, { name: 7, email: null, amount: [], submissionKey: {} }]) {
    const errors = fieldErrors(pledge.safeParse(values).error!);
    expect(Object.keys(errors).length).toBeGreaterThan(0);
    for (const key of Object.values(errors)) expect(isMessageKey(key), String(key)).toBe(true);
  }
});
