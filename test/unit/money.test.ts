import { expect, test } from "vitest";
import { formatMoney, minorUnitDigits, parseMoney, percentOf, toDecimalString } from "~/lib/money";

/** Intl uses narrow and plain no-break spaces in French; compare with ordinary spaces. */
const plain = (text: string) => text.replace(/[\u00a0\u202f]/g, " ");

test("the demo goal reads 15 000 € in French and €15,000 in English", () => {
  expect(plain(formatMoney(1_500_000, "EUR", "fr-FR"))).toBe("15 000 €");
  expect(formatMoney(1_500_000, "EUR", "en-GB")).toBe("€15,000");
});

test("an amount with cents keeps them, and whole amounts keep decimals on request", () => {
  expect(plain(formatMoney(1_500_050, "EUR", "fr-FR"))).toBe("15 000,50 €");
  expect(formatMoney(5, "EUR", "en-GB")).toBe("€0.05");
  expect(plain(formatMoney(2_000, "EUR", "fr-FR", { withDecimals: true }))).toBe("20,00 €");
});

test("zero-decimal and three-decimal currencies use their own minor unit", () => {
  expect(minorUnitDigits("EUR")).toBe(2);
  expect(minorUnitDigits("JPY")).toBe(0);
  expect(minorUnitDigits("KWD")).toBe(3);
  expect(formatMoney(15_000, "JPY", "en-GB")).toBe("JP¥15,000");
  expect(toDecimalString(1_234, "KWD")).toBe("1.234");
});

test("decimal strings are exact, even where a float would not be", () => {
  expect(toDecimalString(1_500_000, "EUR")).toBe("15000.00");
  expect(toDecimalString(-5, "EUR")).toBe("-0.05");
  // 0.1 + 0.2 style errors are impossible: 9007199254740991 cents stays exact.
  expect(toDecimalString(Number.MAX_SAFE_INTEGER, "EUR")).toBe("90071992547409.91");
  expect(() => toDecimalString(10.5, "EUR")).toThrow(RangeError);
});

test.each([
  ["15 000,50 €", "fr-FR", 1_500_050],
  ["15\u202f000,50\u00a0€", "fr-FR", 1_500_050],
  ["20", "fr-FR", 2_000],
  ["20,5", "fr-FR", 2_050],
  ["20.5", "fr-FR", 2_050],
  ["1.250", "fr-FR", 125_000],
  ["1,250", "fr-FR", 125],
  ["€1,250", "en-GB", 125_000],
  ["1,250.75", "en-GB", 125_075],
  ["12.30", "en-GB", 1_230],
  ["+40", "en-GB", 4_000],
  ["0,10", "fr-FR", 10],
  ["10,000", "fr-FR", 1_000],
  ["50 EUR", "fr-FR", 5_000],
])("parseMoney(%j, %s) is %i minor units", (input, locale, expected) => {
  expect(parseMoney(input, "EUR", locale)).toEqual({ ok: true, amount: expected });
});

test.each([
  ["", "empty"],
  ["   ", "empty"],
  ["-5", "negative"],
  ["abc", "invalid"],
  ["1e5", "invalid"],
  ["12,34,56", "invalid"],
  ["0.001", "too_many_decimals"],
  ["10.999", "too_many_decimals"],
  ["99999999999999999999", "too_large"],
])("parseMoney(%j) is refused as %s", (input, error) => {
  expect(parseMoney(input, "EUR", "en-GB")).toEqual({ ok: false, error });
});

test("yen have no decimals to type", () => {
  expect(parseMoney("1500", "JPY", "en-GB")).toEqual({ ok: true, amount: 1_500 });
  expect(parseMoney("1500.5", "JPY", "en-GB")).toEqual({ ok: false, error: "too_many_decimals" });
});

test("percent of goal is floored so a campaign is not 100 % funded a cent short", () => {
  expect(percentOf(612_000, 1_500_000)).toBe(40);
  expect(percentOf(1_499_999, 1_500_000)).toBe(99);
  expect(percentOf(1_500_000, 1_500_000)).toBe(100);
  expect(percentOf(642_000, 600_000)).toBe(107);
  expect(percentOf(10, 0)).toBe(0);
});
