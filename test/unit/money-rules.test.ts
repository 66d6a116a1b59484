// The pure money rules at their edges: the pledge form's bounds and the platform fee's rounding.
import { expect, test } from "vitest";
import { platformFee } from "~/ledger/ledger.server";
import { maximumPledge, minimumPledge } from "~/lib/currencies";
import { pledgeChangeSchema, pledgeFormSchema } from "~/pledges/pledge-form";

const context = {
  currency: "EUR",
  locale: "fr-FR",
  fundingModel: "flexible" as const,
  tiers: [
    { id: "t-10", minAmount: 1_000, soldOut: false },
    { id: "t-gone", minAmount: 500, soldOut: true },
  ],
};
const form = (amount: string, tierId = "") => ({
  tierId,
  amount,
  name: "Awa",
  email: "awa@example.org",
  comment: "",
  submissionKey: "0b6c1f3e-7d2a-4c1e-9f00-1234567890ab",
});
const amountError = (amount: string, tierId = "") => {
  const parsed = pledgeFormSchema(context).safeParse(form(amount, tierId));
  return parsed.success ? parsed.data.amount : parsed.error.issues.map((i) => [i.path[0], i.message]);
};

test("a pledge without reward is accepted from exactly 1 € and refused a cent below", () => {
  expect(minimumPledge("EUR")).toBe(100);
  expect(amountError("1")).toBe(100);
  expect(amountError("0,99")).toEqual([["amount", "pledge.error.amountBelowCurrencyMinimum"]]);
});

test("a pledge is accepted up to exactly 100 000 € and refused a cent over", () => {
  expect(maximumPledge("EUR")).toBe(10_000_000);
  expect(amountError("100000")).toBe(10_000_000);
  expect(amountError("100000,01")).toEqual([["amount", "pledge.error.amountTooLarge"]]);
});

test("a reward's minimum is accepted exactly and refused a cent below; a sold-out reward is refused", () => {
  expect(amountError("10", "t-10")).toBe(1_000);
  expect(amountError("9,99", "t-10")).toEqual([["amount", "pledge.error.amountBelowMinimum"]]);
  expect(amountError("5", "t-gone")).toEqual([["tierId", "pledge.error.soldOut"]]);
  expect(amountError("5", "nope")).toEqual([["tierId", "pledge.error.tierUnknown"]]);
});

test("changing a pledge follows the same bounds", () => {
  const change = (amount: string, tierId = "") => pledgeChangeSchema(context).safeParse({ tierId, amount });
  expect(change("10", "t-10")).toMatchObject({ success: true, data: { tierId: "t-10", amount: 1_000 } });
  expect(change("9,99", "t-10").success).toBe(false);
  expect(change("1")).toMatchObject({ success: true, data: { tierId: null, amount: 100 } });
  expect(change("100000,01").success).toBe(false);
});

test("the platform fee is rounded half up to the cent", () => {
  // 5 % of 10 cents is 0.5 cent: one cent; of 9 cents, 0.45: none.
  expect(platformFee(10, 500)).toBe(1);
  expect(platformFee(9, 500)).toBe(0);
  expect(platformFee(1_000_000, 500)).toBe(50_000);
  expect(platformFee(1_000_001, 500)).toBe(50_000);
  expect(platformFee(1_000_010, 500)).toBe(50_001);
  expect(platformFee(12_345, 0)).toBe(0);
  expect(platformFee(0, 500)).toBe(0);
});
