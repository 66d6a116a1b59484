import { expect, test } from "vitest";
import { z } from "zod";
import { campaignFormSchema } from "~/campaigns/campaign-form";
import { echoValues, fieldLimits } from "~/lib/form-echo";
import { pledgeFormSchema } from "~/pledges/pledge-form";

test("the limits come from the zod schema's max lengths, with a default for the others", () => {
  const schema = z
    .object({
      name: z.string().trim().min(1).max(100),
      note: z.string().max(500).default(""),
      code: z.string(),
    })
    .superRefine(() => undefined)
    .transform((v) => v);
  expect(fieldLimits(schema, { code: 8 })).toEqual({ name: 100, note: 500, code: 8 });
  const pledge = fieldLimits(
    pledgeFormSchema({ currency: "EUR", locale: "fr-FR", fundingModel: "flexible", tiers: [] }),
  );
  expect(pledge).toMatchObject({ name: 100, email: 254, comment: 500 });
  expect(fieldLimits(campaignFormSchema("fr-FR"))).toMatchObject({ title: 120, slug: 60, story: 50_000 });
});

test("an echoed value is cut to what its field can hold, and unknown fields are not echoed", () => {
  const values = echoValues(
    { name: "x".repeat(10_000_000), note: "short", extra: "y".repeat(1000), code: ["a", "b"] },
    { name: 100, note: 500, code: 8 },
  );
  expect(values).toEqual({ name: "x".repeat(100), note: "short", code: "a,b" });
});

test("a cut never splits a character in two", () => {
  const { name } = echoValues({ name: "é😀😀" }, { name: 2 });
  expect(name).toBe("é😀");
});
