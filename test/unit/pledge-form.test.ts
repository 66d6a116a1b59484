// The pledge form's fields at their edges, as the action and the browser both read them: what is
// trimmed, what is kept, the longest value accepted and one character more, and the message of each.
import { expect, test } from "vitest";
import {
  amountMessageParams,
  fieldErrors,
  pledgeChangeSchema,
  pledgeFormSchema,
  type PledgeFormContext,
} from "~/pledges/pledge-form";

const context: PledgeFormContext = {
  currency: "EUR",
  locale: "fr-FR",
  fundingModel: "flexible",
  tiers: [
    { id: "t-1", minAmount: 100, soldOut: false },
    // A reward older than Stripe's minimum: the currency's minimum applies, not the reward's.
    { id: "t-old", minAmount: 50, soldOut: false },
  ],
};
const valid = {
  tierId: "",
  amount: "20",
  name: "Awa",
  email: "awa@example.org",
  comment: "",
  submissionKey: "0b6c1f3e-7d2a-4c1e-9f00-1234567890ab",
};

const parse = (fields: Record<string, unknown>, ctx = context) => {
  const result = pledgeFormSchema(ctx).safeParse({ ...valid, ...fields });
  return result.success ? { data: result.data } : { errors: fieldErrors(result.error) };
};

test("the name, email and word are trimmed; the email is kept in lower case; an empty word is none", () => {
  expect(parse({ name: "  Awa Diop ", email: "  Awa.Diop@Example.ORG ", comment: "  Merci !  " })).toEqual({
    data: {
      tierId: null,
      amount: 2_000,
      name: "Awa Diop",
      email: "awa.diop@example.org",
      comment: "Merci !",
      anonymous: false,
      // No reward sent by post: no delivery asked.
      delivery: null,
      submissionKey: valid.submissionKey,
    },
  });
  expect(parse({ comment: "   " }).data?.comment).toBeNull();
});

test("fields a form leaves out take their defaults: no reward, no word; a missing amount is asked for", () => {
  const { tierId: _tier, comment: _comment, ...rest } = valid;
  expect(pledgeFormSchema(context).safeParse(rest)).toMatchObject({
    success: true,
    data: { tierId: null, comment: null },
  });
  const { amount: _amount, ...noAmount } = valid;
  const result = pledgeFormSchema(context).safeParse(noAmount);
  expect(result.success ? null : fieldErrors(result.error)).toEqual({
    amount: "pledge.error.amountRequired",
  });
});

test("a name of 100 characters, an email of 254 and a word of 500 are accepted; one more is refused by name", () => {
  const email = (length: number) => `${"a".repeat(length - "@example.org".length)}@example.org`;
  expect(
    parse({ name: "n".repeat(100), email: email(254), comment: `${"w".repeat(500)}  ` }).data,
  ).toBeDefined();
  expect(parse({ name: "n".repeat(101), email: email(255), comment: "w".repeat(501) }).errors).toEqual({
    name: "pledge.error.nameTooLong",
    email: "pledge.error.emailInvalid",
    comment: "pledge.error.commentTooLong",
  });
  expect(parse({ name: "  ", email: "" }).errors).toEqual({
    name: "pledge.error.nameRequired",
    email: "pledge.error.emailRequired",
  });
  expect(parse({ submissionKey: "not-a-uuid" }).errors).toEqual({
    submissionKey: "pledge.error.formExpired",
  });
});

test("a checkbox is checked when posted as on, true or a boolean, and not when absent", () => {
  for (const value of ["on", "true", true]) expect(parse({ anonymous: value }).data?.anonymous).toBe(true);
  expect(parse({}).data?.anonymous).toBe(false);
  expect(parse({ anonymous: false }).data?.anonymous).toBe(false);
  expect(parse({ anonymous: "yes" }).errors).toEqual({ anonymous: "form.invalid" });
  const allOrNothing: PledgeFormContext = { ...context, fundingModel: "all_or_nothing" };
  expect(parse({ consent: "true" }, allOrNothing).data).toBeDefined();
  expect(parse({}, allOrNothing).errors).toEqual({ consent: "pledge.error.consentRequired" });
});

test("a reward whose minimum is the currency's names the reward; one below it names the currency", () => {
  expect(parse({ tierId: "t-1", amount: "0,99" }).errors).toEqual({
    amount: "pledge.error.amountBelowMinimum",
  });
  expect(parse({ tierId: "t-1", amount: "1" }).data?.amount).toBe(100);
  expect(parse({ tierId: "t-old", amount: "0,60" }).errors).toEqual({
    amount: "pledge.error.amountBelowCurrencyMinimum",
  });
  expect(parse({ tierId: "t-old", amount: "1" }).data?.amount).toBe(100);
});

test("an amount too long to be a number says it is too large", () => {
  expect(parse({ amount: "1234567890123456" }).errors).toEqual({ amount: "pledge.error.amountTooLarge" });
});

test("changing a pledge: an unknown reward is named, a missing reward is none, a missing amount is asked for", () => {
  const change = (fields: Record<string, unknown>) => {
    const result = pledgeChangeSchema(context).safeParse(fields);
    return result.success ? { data: result.data } : { errors: fieldErrors(result.error) };
  };
  expect(change({ tierId: "nope", amount: "5" })).toEqual({ errors: { tierId: "pledge.error.tierUnknown" } });
  expect(change({ amount: "5" })).toEqual({ data: { tierId: null, amount: 500 } });
  expect(change({ tierId: "t-1" })).toEqual({ errors: { amount: "pledge.error.amountRequired" } });
});

test("the amount messages name the currency's least and most pledge and its decimals", () => {
  // Whole euros are shown without cents; Intl's French spaces are narrow no-break ones.
  const params = amountMessageParams("EUR", "fr-FR");
  const spaced = (text: string | number | undefined) => String(text).replace(/\s/g, " ");
  expect({ ...params, currencyMin: spaced(params.currencyMin), max: spaced(params.max) }).toEqual({
    currencyMin: "1 €",
    max: "100 000 €",
    digits: 2,
  });
  expect(amountMessageParams("JPY", "en-US")).toEqual({ currencyMin: "¥200", max: "¥20,000,000", digits: 0 });
});
