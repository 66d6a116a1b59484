import { expect, test } from "vitest";
import {
  ambiguousAmountParams,
  formatMoney,
  minorUnitDigits,
  parseMoney,
  percentOf,
  toDecimalString,
} from "~/lib/money";

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
  ["1 250", "fr-FR", 125_000],
  ["1250", "en-GB", 125_000],
  ["1.250,75", "fr-FR", 125_075],
  ["1,250.75", "en-GB", 125_075],
  // Both signs written: the last one is the decimal sign, in either locale.
  ["1,250.75", "fr-FR", 125_075],
  ["1.250,75", "en-GB", 125_075],
  ["€1,250.00", "en-GB", 125_000],
  ["1.250.000", "fr-FR", 125_000_000],
  ["1,250,000", "en-GB", 125_000_000],
  ["1,250,000.5", "en-GB", 125_000_050],
  // A single sign not followed by exactly three digits is a decimal sign.
  ["10,5", "en-GB", 1_050],
  ["10.55", "fr-FR", 1_055],
  ["10,5555", "fr-FR", null],
  ["0,500", "fr-FR", 50],
  ["0.010", "en-GB", 1],
  [".5", "fr-FR", 50],
  ["40,0000", "fr-FR", 4_000],
  ["12.30", "en-GB", 1_230],
  ["+40", "en-GB", 4_000],
  ["0,10", "fr-FR", 10],
  ["50 EUR", "fr-FR", 5_000],
])("parseMoney(%j, %s) is %s minor units", (input, locale, expected) => {
  expect(parseMoney(input, "EUR", locale)).toEqual(
    expected === null ? { ok: false, error: "too_many_decimals" } : { ok: true, amount: expected },
  );
});

test.each([
  ["", "empty"],
  ["   ", "empty"],
  ["-5", "negative"],
  ["abc", "invalid"],
  ["1e5", "invalid"],
  ["12,34,56", "invalid"],
  ["1,25,000", "invalid"],
  ["1.250,000.5", "invalid"],
  ["1,2.5", "invalid"],
  ["1.250.5", "invalid"],
  ["1,0.5,0", "invalid"],
  ["0.001", "too_many_decimals"],
  ["0,001", "too_many_decimals"],
  ["10.9999", "too_many_decimals"],
  ["1234.567", "too_many_decimals"],
  ["1.250,755", "too_many_decimals"],
  ["99999999999999999999", "too_large"],
])("parseMoney(%j) is refused as %s", (input, error) => {
  expect(parseMoney(input, "EUR", "en-GB")).toEqual({ ok: false, error });
});

test("yen have no decimals to type, so 1,500 or 1.500 yen can only be thousands", () => {
  expect(parseMoney("1500", "JPY", "en-GB")).toEqual({ ok: true, amount: 1_500 });
  expect(parseMoney("1500.5", "JPY", "en-GB")).toEqual({ ok: false, error: "too_many_decimals" });
  expect(parseMoney("1,500", "JPY", "en-GB")).toEqual({ ok: true, amount: 1_500 });
  expect(parseMoney("1.500", "JPY", "fr-FR")).toEqual({ ok: true, amount: 1_500 });
  expect(parseMoney("1.500,0", "JPY", "fr-FR")).toEqual({ ok: true, amount: 1_500 });
  expect(parseMoney("0.001", "JPY", "fr-FR")).toEqual({ ok: false, error: "too_many_decimals" });
});

// One sign, once, then exactly three digits after a group of one to three: thousands or decimals?
test.each([
  ["10.555", "fr-FR", 1_055_500, "10.555"],
  ["10.555", "en-GB", 1_055_500, "10.555"],
  ["1,234", "en-GB", 123_400, "1.234"],
  ["1,234", "fr-FR", 123_400, "1.234"],
  ["€1,250", "en-GB", 125_000, "1.250"],
  ["1.250 €", "fr-FR", 125_000, "1.250"],
  ["10,000", "fr-FR", 1_000_000, "10.000"],
  ["999.999", "en-GB", 99_999_900, "999.999"],
  ["1.000", "fr-FR", 100_000, "1.000"],
  ["+5,500", "fr-FR", 550_000, "5.500"],
])("parseMoney(%j, %s) is ambiguous: %i minor units or %s", (input, locale, thousands, decimal) => {
  expect(parseMoney(input, "EUR", locale)).toEqual({
    ok: false,
    error: "ambiguous",
    readings: { thousands, decimal },
  });
});

test("the edges of ambiguity: four digits, a leading zero or a fourth group are not ambiguous", () => {
  expect(parseMoney("1000.555", "EUR", "fr-FR")).toEqual({ ok: false, error: "too_many_decimals" });
  expect(parseMoney("0.555", "EUR", "fr-FR")).toEqual({ ok: false, error: "too_many_decimals" });
  expect(parseMoney("10.55", "EUR", "fr-FR")).toEqual({ ok: true, amount: 1_055 });
  expect(parseMoney("10.5555", "EUR", "fr-FR")).toEqual({ ok: false, error: "too_many_decimals" });
  expect(parseMoney("10.555.000", "EUR", "fr-FR")).toEqual({ ok: true, amount: 1_055_500_000 });
  // A currency with three decimals has two valid readings.
  expect(parseMoney("1.234", "KWD", "en-GB")).toEqual({
    ok: false,
    error: "ambiguous",
    readings: { thousands: 1_234_000, decimal: "1.234" },
  });
  expect(parseMoney("1.2345", "KWD", "en-GB")).toEqual({ ok: false, error: "too_many_decimals" });
});

test("an ambiguous amount's message shows both readings, formatted for the reader", () => {
  const fr = ambiguousAmountParams("10.555", "EUR", "fr-FR");
  expect(Object.fromEntries(Object.entries(fr).map(([k, v]) => [k, plain(String(v))]))).toEqual({
    typed: "10.555",
    thousands: "10 555 €",
    decimal: "10,555 €",
    thousandsInput: "10555",
    digits: "2",
  });
  expect(ambiguousAmountParams("1,250", "EUR", "en-GB")).toMatchObject({
    thousands: "€1,250",
    decimal: "€1.250",
    thousandsInput: "1250",
  });
  expect(ambiguousAmountParams("10,55", "EUR", "fr-FR")).toEqual({});
  expect(ambiguousAmountParams("abc", "EUR", "fr-FR")).toEqual({});
});

test("percent of goal is floored so a campaign is not 100 % funded a cent short", () => {
  expect(percentOf(612_000, 1_500_000)).toBe(40);
  expect(percentOf(1_499_999, 1_500_000)).toBe(99);
  expect(percentOf(1_500_000, 1_500_000)).toBe(100);
  expect(percentOf(642_000, 600_000)).toBe(107);
  expect(percentOf(10, 0)).toBe(0);
});
