// Money as integers in the currency's minor unit, with its ISO 4217 code beside it.
// Formatting and parsing go through exact decimal strings: no float ever holds an amount.
import { numberFormat } from "./intl";

export interface Money {
  amount: number;
  currency: string;
}

/** How many minor units a currency has after the decimal point: 2 for EUR, 0 for JPY, 3 for KWD. */
export function minorUnitDigits(currency: string): number {
  return numberFormat("en", { style: "currency", currency }).resolvedOptions().maximumFractionDigits ?? 2;
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
  const digits = minorUnitDigits(currency);
  const whole = amount % 10 ** digits === 0;
  const format = numberFormat(locale, {
    style: "currency",
    currency,
    minimumFractionDigits: whole && !withDecimals ? 0 : digits,
    maximumFractionDigits: digits,
  });
  // Intl formats exact decimal strings (ES2023); the cast covers TypeScript's older signature.
  return format.format(toDecimalString(amount, currency) as unknown as number);
}

export type MoneyParseError = "empty" | "invalid" | "negative" | "too_many_decimals" | "too_large";
export type MoneyParseResult = { ok: true; amount: number } | { ok: false; error: MoneyParseError };

const groupSeparators = /[\s\u00a0\u202f'’_]/g;

/**
 * Reads what a person typed (`15 000,50 €`, `15000.5`, `€1,250`, `20`) into minor units.
 * In French a comma is the decimal sign; in English a comma only groups thousands. A dot is a
 * decimal sign unless it is followed by groups of exactly three digits in French (`1.250`).
 */
export function parseMoney(input: string, currency: string, locale: string): MoneyParseResult {
  const digits = minorUnitDigits(currency);
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

  const french = locale.toLowerCase().startsWith("fr");
  let integerPart = text;
  let fraction = "";
  const lastSeparator = Math.max(text.lastIndexOf(","), text.lastIndexOf("."));
  if (lastSeparator >= 0) {
    const separator = text[lastSeparator];
    const tail = text.slice(lastSeparator + 1);
    const isDecimal =
      separator === (french ? "," : ".") ||
      (french && separator === "." && !/^\d{3}$/.test(tail)) ||
      // "1,5" typed in English is still clearly one and a half.
      (!french && separator === "," && !/^\d{3}$/.test(tail));
    if (isDecimal) {
      integerPart = text.slice(0, lastSeparator);
      fraction = tail;
    }
    // What is left of the integer part may only hold thousands groups.
    if (/[.,]/.test(integerPart) && !/^\d{1,3}([.,]\d{3})+$/.test(integerPart)) {
      return { ok: false, error: "invalid" };
    }
    integerPart = integerPart.replace(/[.,]/g, "");
    if (isDecimal && !/^\d*$/.test(fraction)) return { ok: false, error: "invalid" };
  }
  if (integerPart === "" && fraction === "") return { ok: false, error: "invalid" };
  if (fraction.length > digits) {
    if (/^0*$/.test(fraction.slice(digits))) fraction = fraction.slice(0, digits);
    else return { ok: false, error: "too_many_decimals" };
  }
  const minor = `${integerPart || "0"}${fraction.padEnd(digits, "0")}`.replace(/^0+(?=\d)/, "");
  const amount = Number(minor);
  if (!Number.isSafeInteger(amount) || minor.length > 15) return { ok: false, error: "too_large" };
  return { ok: true, amount };
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
  const plainText = whole ? text.split(".")[0]! : text;
  return locale.toLowerCase().startsWith("fr") ? plainText.replace(".", ",") : plainText;
}
