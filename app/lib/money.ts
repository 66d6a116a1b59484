// Money as integers in the currency's minor unit as Stripe counts it, with its ISO 4217 code beside it.
// Formatting and parsing go through exact decimal strings: no float ever holds an amount.
import { apiDigits, chargeStep, shownDigits, typedDigits } from "./currencies";
import { numberFormat } from "~/i18n/intl";

export interface Money {
  amount: number;
  currency: string;
}

/**
 * How many minor units a currency has after the decimal point, as Stripe's API counts them (every
 * stored amount uses them): 2 for EUR, 0 for JPY, 3 for KWD, and 2 for ISK and HUF where Intl says 0.
 */
export function minorUnitDigits(currency: string): number {
  return apiDigits(currency);
}

/** `1500050` EUR → `"15000.50"`: the exact decimal value of an amount, as a string. */
export function toDecimalString(amount: number, currency: string): string {
  if (!Number.isSafeInteger(amount)) throw new RangeError(`Not an integer amount: ${amount}`);
  const digits = minorUnitDigits(currency);
  const sign = amount < 0 ? "-" : "";
  const text = Math.abs(amount)
    .toString()
    .padStart(digits + 1, "0");
  if (digits === 0) return sign + text;
  return `${sign}${text.slice(0, -digits)}.${text.slice(-digits)}`;
}

/**
 * Formats an amount for people: `15 000 €` in fr-FR, `€15,000` in en-GB. Whole amounts drop their
 * decimals, as campaign pages do; `withDecimals` keeps them, for receipts.
 */
export function formatMoney(
  amount: number,
  currency: string,
  locale: string,
  { withDecimals = false }: { withDecimals?: boolean } = {},
): string {
  // Stripe's digits say what the integer means; Intl's say what people read (ISK 100000 is 1 000 ISK).
  const digits = shownDigits(currency);
  const whole = amount % 10 ** minorUnitDigits(currency) === 0;
  const format = numberFormat(locale, {
    style: "currency",
    currency,
    minimumFractionDigits: whole && !withDecimals ? 0 : digits,
    maximumFractionDigits: digits,
  });
  // Intl formats exact decimal strings (ES2023); the cast covers TypeScript's older signature.
  return format.format(toDecimalString(amount, currency) as unknown as number);
}

export type MoneyParseError =
  "empty" | "invalid" | "negative" | "too_many_decimals" | "too_large" | "ambiguous";
export type MoneyParseResult =
  | { ok: true; amount: number }
  | { ok: false; error: Exclude<MoneyParseError, "ambiguous"> }
  /** Two readings: thousands (in minor units) or a decimal point (its exact text, maybe too precise). */
  | { ok: false; error: "ambiguous"; readings: { thousands: number; decimal: string } };

const groupSeparators = /[\s\u00a0\u202f'’_]/g;
/** A number written with thousands groups, `sep` being `.` or `,`: `1.250`, `12,500,000`. */
const grouped = (sep: string) => new RegExp(`^[1-9]\\d{0,2}(\\${sep}\\d{3})+$`);

/**
 * Reads what a person typed (`15 000,50 €`, `15000.5`, `€1,250.00`, `20`) into minor units, the
 * same way in every locale (docs/decisions/019-ambiguous-amounts.md):
 * - spaces (plain, no-break, narrow), `'` and `_` group thousands;
 * - with both `.` and `,`, the last one is the decimal sign and the other groups thousands;
 * - one sign written several times groups thousands (`1.250.000`);
 * - one sign written once is a decimal sign (`20,5`, `0.001`), except when it is followed by exactly
 *   three digits after a group of 1 to 3 (`10.555`, `1,250`): that could be thousands or decimals,
 *   and is refused as ambiguous with both readings, never guessed. A currency typed without decimals
 *   (JPY, and ISK or HUF, which Stripe counts in hundredths but charges in whole units) has only the
 *   thousands reading.
 * The result is in Stripe's minor units: `1000` ISK is `100000`, `5,12` KWD is `5120`.
 */
export function parseMoney(input: string, currency: string, locale: string): MoneyParseResult {
  const typed = parseTyped(input, currency, locale);
  const scale = 10 ** (minorUnitDigits(currency) - typedDigits(currency));
  if (scale === 1) return typed;
  if (typed.ok) {
    const amount = typed.amount * scale;
    return Number.isSafeInteger(amount) ? { ok: true, amount } : { ok: false, error: "too_large" };
  }
  if (typed.error === "ambiguous")
    return { ...typed, readings: { ...typed.readings, thousands: typed.readings.thousands * scale } };
  return typed;
}

/** What was typed, in units of the currency's last typed decimal (whole krónur, KWD hundredths). */
function parseTyped(input: string, currency: string, locale: string): MoneyParseResult {
  void locale; // Read alike in every locale: a French page gets English-typed amounts and back.
  const digits = typedDigits(currency);
  let text = input
    .trim()
    .replace(/[€$£¥]/gu, "")
    .replace(new RegExp(`${currency}$`, "i"), "")
    .trim();
  if (text === "") return { ok: false, error: "empty" };
  if (text.startsWith("-") || text.startsWith("−")) return { ok: false, error: "negative" };
  if (text.startsWith("+")) text = text.slice(1);
  text = text.replace(groupSeparators, "");
  if (!/^[0-9.,]+$/.test(text) || !/[0-9]/.test(text)) return { ok: false, error: "invalid" };

  const commas = text.split(",").length - 1;
  const dots = text.split(".").length - 1;
  let integerPart = text;
  let fraction = "";
  if (commas > 0 && dots > 0) {
    const decimalSign = text.lastIndexOf(",") > text.lastIndexOf(".") ? "," : ".";
    const groupSign = decimalSign === "," ? "." : ",";
    if ((decimalSign === "," ? commas : dots) !== 1) return { ok: false, error: "invalid" };
    [integerPart = "", fraction = ""] = text.split(decimalSign);
    if (!grouped(groupSign).test(integerPart)) return { ok: false, error: "invalid" };
    integerPart = integerPart.split(groupSign).join("");
  } else if (commas + dots > 1) {
    if (!grouped(commas > 0 ? "," : ".").test(text)) return { ok: false, error: "invalid" };
    integerPart = text.replace(/[.,]/g, "");
  } else if (commas + dots === 1) {
    const [head = "", tail = ""] = text.split(/[.,]/);
    if (/^\d{3}$/.test(tail) && /^[1-9]\d{0,2}$/.test(head)) {
      const thousands = toMinor(`${head}${tail}`, "", digits);
      if (digits === 0) return thousands;
      if (!thousands.ok) return thousands;
      return {
        ok: false,
        error: "ambiguous",
        readings: { thousands: thousands.amount, decimal: `${head}.${tail}` },
      };
    }
    integerPart = head;
    fraction = tail;
  }
  if (integerPart === "" && fraction === "") return { ok: false, error: "invalid" };
  return toMinor(integerPart, fraction, digits);
}

/** Whole and fraction digits → minor units; extra decimals may only be zeros (`40,000 0`). */
function toMinor(integerPart: string, fraction: string, digits: number): MoneyParseResult {
  if (fraction.length > digits) {
    if (/^0*$/.test(fraction.slice(digits))) fraction = fraction.slice(0, digits);
    else return { ok: false, error: "too_many_decimals" };
  }
  const minor = `${integerPart || "0"}${fraction.padEnd(digits, "0")}`.replace(/^0+(?=\d)/, "");
  const amount = Number(minor);
  if (!Number.isSafeInteger(amount) || minor.length > 15) return { ok: false, error: "too_large" };
  return { ok: true, amount };
}

/**
 * The parameters of `money.error.ambiguous` for what was typed, or `{}` when it is not ambiguous:
 * both readings formatted for people, and how to write the thousands one unmistakably.
 */
export function ambiguousAmountParams(
  input: string,
  currency: string,
  locale: string,
): Record<string, string | number> {
  const parsed = parseMoney(input, currency, locale);
  if (parsed.ok || parsed.error !== "ambiguous") return {};
  const { thousands, decimal } = parsed.readings;
  const decimalDigits = decimal.split(".")[1]!.length;
  const decimalText = numberFormat(locale, {
    style: "currency",
    currency,
    minimumFractionDigits: decimalDigits,
    maximumFractionDigits: decimalDigits,
  }).format(decimal as unknown as number);
  return {
    typed: input.trim(),
    thousands: formatMoney(thousands, currency, locale),
    decimal: decimalText,
    thousandsInput: toInputAmount(thousands, currency, locale),
    digits: typedDigits(currency),
  };
}

/** The whole percentage of a goal reached, floored (99.9 % is not yet 100 %). */
export function percentOf(amount: number, goal: number): number {
  if (goal <= 0) return 0;
  return Math.floor((amount * 100) / goal);
}

/** An amount as a person would type it back into a form: `40`, `40,50` in French, `40.50` in English. */
export function toInputAmount(amount: number, currency: string, locale: string): string {
  const text = toDecimalString(amount, currency);
  const whole = amount % 10 ** minorUnitDigits(currency) === 0;
  // KWD 5120 is typed `5.12`: its third decimal is always 0 (unless the amount breaks that rule).
  const [integer = "", fraction = ""] = text.split(".");
  const trimmed = amount % chargeStep(currency) === 0 ? fraction.slice(0, typedDigits(currency)) : fraction;
  const plainText = whole ? integer : `${integer}.${trimmed}`;
  return locale.toLowerCase().startsWith("fr") ? plainText.replace(".", ",") : plainText;
}
