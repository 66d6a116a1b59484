// Currencies as Stripe counts them (https://docs.stripe.com/currencies, docs/decisions/022): how many
// digits an API amount has, which amounts Stripe refuses, and the least a pledge may be in each.
// Stripe's table, not Intl's: Intl says ISK, HUF and UGX have no decimals, Stripe counts them in hundredths.
import { numberFormat } from "~/i18n/intl";

/** "Zero-decimal currencies": the API amount is the whole amount (`500` is ¥500). UGX is a special case below. */
export const STRIPE_ZERO_DECIMAL: ReadonlySet<string> = new Set([
  "BIF", "CLP", "DJF", "GNF", "JPY", "KMF", "KRW", "MGA", "PYG", "RWF", "VND", "VUV", "XAF", "XOF", "XPF",
]); // prettier-ignore

/** "Three-decimal currencies": the API takes thousandths, but the last digit must be 0 (5.124 KWD → 5120). */
export const STRIPE_THREE_DECIMAL: ReadonlySet<string> = new Set(["BHD", "JOD", "KWD", "OMR", "TND"]);

/**
 * "Special cases": ISK and UGX "transitioned to a zero-decimal currency, but backward compatibility
 * requires you to represent it as a two-decimal value, where the decimal amount is always 00" (5 ISK
 * is `500`); Stripe answers `invalid_charge_amount_no_decimal_compatible` otherwise.
 */
export const STRIPE_WHOLE_UNITS_ONLY: ReadonlySet<string> = new Set(["ISK", "UGX"]);

/**
 * "Special cases": HUF and TWD are charged in two decimals, but Stripe "treats [them] as a zero-decimal
 * currency for payouts" (a manual payout must be divisible by 100). Intl shows HUF without decimals,
 * so this platform takes whole forints anyway (see `chargeStep`); TWD keeps its cents.
 */
export const STRIPE_WHOLE_UNIT_PAYOUTS: ReadonlySet<string> = new Set(["HUF", "TWD"]);

/** Digits of an amount in Stripe's API, which are the digits of every amount this platform stores. */
export function apiDigits(currency: string): 0 | 2 | 3 {
  const code = currency.toUpperCase();
  if (STRIPE_ZERO_DECIMAL.has(code)) return 0;
  if (STRIPE_THREE_DECIMAL.has(code)) return 3;
  return 2;
}

/** Digits Intl writes for the currency (ISK 0, KWD 3); never more than Stripe counts. */
export function shownDigits(currency: string): number {
  const intl =
    numberFormat("en", { style: "currency", currency }).resolvedOptions().maximumFractionDigits ?? 2;
  return Math.min(intl, apiDigits(currency));
}

/**
 * Every amount of a campaign in this currency is a multiple of this many minor units: what Stripe
 * accepts (ISK and UGX 100, three-decimal 10) and what people are shown (HUF 100: Intl writes whole
 * forints, so no amount hides fillér the page does not show).
 */
export function chargeStep(currency: string): number {
  const code = currency.toUpperCase();
  let step = 10 ** (apiDigits(code) - shownDigits(code));
  if (STRIPE_WHOLE_UNITS_ONLY.has(code)) step = Math.max(step, 100);
  if (STRIPE_THREE_DECIMAL.has(code)) step = Math.max(step, 10);
  return step;
}

/** Decimals a person may type: KWD 2 (its third is always 0), ISK and HUF none, EUR 2. */
export function typedDigits(currency: string): number {
  return apiDigits(currency) - Math.round(Math.log10(chargeStep(currency)));
}

/**
 * Stripe's minimum charge, per currency, in its own minor units ("Minimum charge amount by currency";
 * the table lists settlement currencies: a charge converted to another one must meet that one's
 * minimum). Only the rows every version of the page has carried.
 */
export const STRIPE_MINIMUM_CHARGE: Readonly<Record<string, number>> = {
  USD: 50, AED: 200, AUD: 50, BGN: 100, BRL: 50, CAD: 50, CHF: 50, CZK: 1500, DKK: 250, EUR: 50,
  GBP: 30, HKD: 400, HUF: 17500, INR: 50, JPY: 50, MXN: 1000, MYR: 200, NOK: 300, NZD: 50, PLN: 200,
  RON: 200, SEK: 300, SGD: 50, THB: 1000,
}; // prettier-ignore

/**
 * The currencies a campaign may use, with the least a pledge may be (minor units): about 1 €, round.
 * That is at least Stripe's own minimum where it lists one, and twice its 0,50 € for a charge the
 * platform's euro balance converts, so that exchange rates moving does not make a pledge refused.
 * Each is a multiple of the currency's `chargeStep`. A currency Stripe charges but not listed here is
 * refused for a campaign: without a minimum we would let pledges through that Stripe refuses.
 */
export const PLEDGE_MINIMUM: Readonly<Record<string, number>> = {
  // Stripe's table (minimum at least Stripe's).
  EUR: 100, USD: 100, GBP: 100, CHF: 100, CAD: 200, AUD: 200, NZD: 200, SGD: 200, HKD: 1000,
  AED: 400, BGN: 200, BRL: 600, CZK: 2500, DKK: 750, HUF: 40000, INR: 10000, JPY: 200, MXN: 2000,
  MYR: 500, NOK: 1200, PLN: 500, RON: 500, SEK: 1200, THB: 4000,
  // Presentment currencies without a row in Stripe's table: about 1 €.
  ISK: 15000, TWD: 3500, UGX: 400000, KRW: 1500, XOF: 700, XAF: 700, XPF: 120,
  BHD: 400, JOD: 800, KWD: 350, OMR: 450, TND: 3500,
}; // prettier-ignore

/** The currency codes a campaign may choose, for the form's list and its error message. */
export const CAMPAIGN_CURRENCIES: readonly string[] = Object.keys(PLEDGE_MINIMUM).sort();

/** True when a campaign may be raised in this currency (Stripe charges it and we know its minimum). */
export function isCampaignCurrency(code: string): boolean {
  return Object.hasOwn(PLEDGE_MINIMUM, code.toUpperCase());
}

/**
 * The least one pledge may be, in minor units (a reward may ask for more, never less). A campaign made
 * before this table in a currency now refused keeps working with one whole unit (it cannot launch).
 */
export function minimumPledge(currency: string): number {
  return PLEDGE_MINIMUM[currency.toUpperCase()] ?? Math.max(10 ** apiDigits(currency), chargeStep(currency));
}

/**
 * The most one pledge may be, in minor units: about 100 000 € (anything larger is a typo, not a gift),
 * within the 9 digits American Express takes, the strictest card limit on Stripe's page.
 */
export function maximumPledge(currency: string): number {
  const step = chargeStep(currency);
  const cap = Math.min(minimumPledge(currency) * 100_000, 999_999_999);
  return cap - (cap % step);
}

/** True when Stripe would take this amount as it is (digits, special cases, three-decimal rounding). */
export function isChargeableAmount(amount: number, currency: string): boolean {
  return Number.isSafeInteger(amount) && amount > 0 && amount % chargeStep(currency) === 0;
}
