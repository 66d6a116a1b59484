// The editor's errors say what is wrong (issue #15, item 6): a story too long is not "at least 20
// characters", a goal too large is not "a positive amount".
import { expect, test } from "vitest";
import { campaignFormSchema } from "~/campaigns/campaign-form";

const valid = {
  title: "Une grainothèque",
  slug: "graines",
  tagline: "Des semences pour tous",
  story: "Une armoire de graines libres à la bibliothèque du quartier.",
  goal: "1500",
  currency: "EUR",
  fundingModel: "all_or_nothing",
  durationDays: "20",
  timeZone: "Europe/Paris",
  endDate: "",
};

function errors(values: Partial<typeof valid>): Record<string, string> {
  const result = campaignFormSchema("fr-FR").safeParse({ ...valid, ...values });
  return result.success
    ? {}
    : Object.fromEntries(result.error.issues.map((issue) => [String(issue.path[0]), issue.message]));
}

test("each field's error names its own fault", () => {
  expect(errors({})).toEqual({});
  expect(errors({ story: "Trop court" })).toEqual({ story: "editor.error.story" });
  expect(errors({ story: "x".repeat(60_000) })).toEqual({ story: "editor.error.storyLong" });
  expect(errors({ goal: "99999999999999999999" })).toEqual({ goal: "money.error.tooLarge" });
  expect(errors({ goal: "-100" })).toEqual({ goal: "money.error.negative" });
  expect(errors({ goal: "10,555" })).toEqual({ goal: "money.error.ambiguous" });
  expect(errors({ goal: "0" })).toEqual({ goal: "editor.error.goal" });
  expect(errors({ goal: "douze" })).toEqual({ goal: "editor.error.goal" });
});
