// A local Stripe-compatible API server for tests: the real `stripe` SDK talks to it over loopback HTTP.
// It owns a fake test-mode account (shaped by Stripe's example objects in test/fixtures/stripe), idempotency, errors, hosted Checkout.
import { randomBytes } from "node:crypto";
import { createServer, type IncomingMessage, type Server, type ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";
import { isDeepStrictEqual } from "node:util";
import Stripe from "stripe";
import { build as fixture, example, type Pinned } from "./stripe-types";

export interface RecordedRequest {
  method: string;
  path: string;
  params: Record<string, unknown>;
  idempotencyKey: string | null;
  status: number;
}

/** Behaviour of a saved or used card. */
export type TestCard = "visa" | "declined" | "authentication_required";

/** An error to answer with (`failNext`): its HTTP status and Stripe's error object. */
export interface StripeErrorSpec extends Pick<
  StripeErrorBody,
  "type" | "code" | "message" | "decline_code" | "param"
> {
  status: number;
}

/** The SDK's event of that type: each type names the object it carries in `data.object`. */
export type EventOf<T extends Stripe.Event.Type> = Extract<Stripe.Event, { type: T }>;

export interface FakeStripe {
  url: string;
  host: string;
  port: number;
  apiKey: string;
  /** SDK client already pointed at this server (maxNetworkRetries: 0). */
  stripe: Stripe;
  /** Every API request, in order (after parsing). */
  requests: RecordedRequest[];
  sessions: Map<string, Pinned<Stripe.Checkout.Session>>;
  paymentIntents: Map<string, Pinned<Stripe.PaymentIntent>>;
  setupIntents: Map<string, Pinned<Stripe.SetupIntent>>;
  customers: Map<string, Pinned<Stripe.Customer>>;
  charges: Map<string, Pinned<Stripe.Charge>>;
  refunds: Map<string, Pinned<Stripe.Refund>>;
  balanceTransactions: Map<string, Pinned<Stripe.BalanceTransaction>>;
  /** Connected accounts (Connect), created through `POST /v1/accounts`. */
  accounts: Map<string, Pinned<Stripe.Account>>;
  transfers: Map<string, Pinned<Stripe.Transfer>>;
  transferReversals: Map<string, Pinned<Stripe.TransferReversal>>;
  disputes: Map<string, Pinned<Stripe.Dispute>>;
  /** The platform's payouts to its bank account (made by `payoutBalance`). */
  payouts: Map<string, Pinned<Stripe.Payout>>;
  /** The customer finishes the hosted Checkout page with a card; returns the events Stripe would send, in Stripe's order. */
  completeCheckout(sessionId: string, card?: TestCard): Stripe.Event[];
  /** The session times out (or is expired); returns [checkout.session.expired]. */
  expireCheckout(sessionId: string): Stripe.Event[];
  /**
   * An event envelope (fixture "event" shape: id "evt_…", created now, livemode false, api_version,
   * request {id: null, idempotency_key: null}, pending_webhooks 1) around a snapshot of a data object.
   */
  event<T extends Stripe.Event.Type>(
    type: T,
    object: EventOf<T>["data"]["object"],
    options?: EventOptions<T>,
  ): EventOf<T>;
  /**
   * The connected account's holder finishes onboarding: details submitted, charges and payouts enabled,
   * every capability active, nothing due. Returns [account.updated] (a Connect event: `account` is set).
   */
  completeOnboarding(accountId: string): Stripe.Event[];
  /** Stripe restricts the account (verification now due): payouts disabled, transfers inactive; returns [account.updated]. */
  restrictAccount(accountId: string): Stripe.Event[];
  /**
   * Stripe's automatic payout of the platform's available balance in this currency: every balance
   * transaction of that currency not yet paid out (and created no later than now) joins the payout,
   * with the payout's own transaction (`GET /v1/balance_transactions?payout=po_…` lists them).
   * The payout is `paid`, arriving at once. Throws when there is nothing positive to pay out.
   */
  payoutBalance(currency: string): Pinned<Stripe.Payout>;
  /**
   * The cardholder disputes the charge (or the PaymentIntent's latest charge): the disputed amount and
   * the dispute fee (default 1500) leave the balance. Returns [charge.dispute.created, charge.dispute.funds_withdrawn].
   */
  dispute(chargeOrPaymentIntentId: string, options?: { fee?: number }): Stripe.Event[];
  /** Won: the amount comes back, returns [charge.dispute.funds_reinstated, charge.dispute.closed]; lost: [charge.dispute.closed]. */
  closeDispute(disputeId: string, outcome: "won" | "lost"): Stripe.Event[];
  /** Fixes the clock (unix seconds) for every `created` from now on; null goes back to the real clock. */
  setTime(epochSeconds: number | null): void;
  // Pending and available funds (see `fundsPendingDays`).
  /** The platform's balance as `GET /v1/balance` reports it: available and pending, by currency. */
  balance(): Pinned<Stripe.Balance>;
  /**
   * Settles pending funds now (of one currency, or all), as the days passing would: each pending
   * balance transaction becomes available. Returns how many did. `setTime` past `available_on` does the same.
   */
  releaseFunds(currency?: string): number;
  /** The next request whose "METHOD /path" matches answers with this error instead (once). */
  failNext(match: RegExp, error: StripeErrorSpec): void;
  // Late delivery (issue 12, item 6): Stripe retries an event for up to three days.
  /**
   * One more delivery attempt of an event already made (by id, or the event itself): the same event
   * as first made (same id, same `created`, the data snapshot of that moment, whatever happened
   * since), signed for this attempt at the real time of the attempt, as Stripe signs each retry.
   * Returns the raw body and the `Stripe-Signature` header the endpoint receives.
   */
  redeliver(
    event: Stripe.Event | string,
    secret: string,
  ): { payload: string; signature: string; attempt: number };
  /**
   * SEPA Direct Debit: the customer finishes the hosted Checkout page with one of Stripe's test IBANs
   * (TEST_IBANS). Setup mode saves a sepa_debit payment method with its mandate: [checkout.session.completed,
   * setup_intent.succeeded]. Payment mode takes the debit at once (it cannot be held): the session is
   * complete but unpaid and its PaymentIntent `processing`: [checkout.session.completed, payment_intent.processing].
   */
  completeCheckoutWithIban(sessionId: string, iban: string): Stripe.Event[];
  /**
   * The bank answers a `processing` debit as its test IBAN says: succeeded → [charge.succeeded,
   * payment_intent.succeeded] (+ checkout.session.async_payment_succeeded for a Checkout payment);
   * failed → the PaymentIntent is back to requires_payment_method with last_payment_error:
   * [payment_intent.payment_failed] (+ checkout.session.async_payment_failed).
   */
  settleDebit(paymentIntentId: string): Stripe.Event[];
  close(): Promise<void>;
}

/**
 * Stripe's test IBANs (docs.stripe.com/payments/sepa-debit/accept-a-payment, "Test IBANs", AT): the
 * PaymentIntent goes from `processing` to succeeded, or to requires_payment_method (failed); the
 * "later" ones after at least three minutes on Stripe (here, whenever the test calls settleDebit).
 */
export const TEST_IBANS = {
  AT611904300234573201: "succeeds",
  AT321904300235473204: "succeeds_later",
  AT861904300235473202: "fails",
  AT051904300235473205: "fails_later",
} as const;

export type TestIbanOutcome = (typeof TEST_IBANS)[keyof typeof TEST_IBANS];

function isTestIban(iban: string): iban is keyof typeof TEST_IBANS {
  return Object.hasOwn(TEST_IBANS, iban);
}

export interface EventOptions<T extends Stripe.Event.Type = Stripe.Event.Type> {
  /** The connected account the event happened on (a Connect event). */
  account?: string;
  /** `data.previous_attributes`: the changed fields' values before the change. */
  previousAttributes?: EventOf<T>["data"]["previous_attributes"];
}

export interface StripeServerOptions {
  apiKey?: string;
  /**
   * Days a card charge's funds stay pending before they are available (Stripe's settlement time; 7 by
   * default, as Stripe's first payouts wait 7 days or more). 0 makes them available at once, as
   * Stripe's test card 4000 0000 0000 0077 does ("bypassing your pending balance").
   */
  fundsPendingDays?: number;
}

export async function startStripeServer(options: StripeServerOptions = {}): Promise<FakeStripe> {
  const server = new LocalStripe(options.apiKey ?? "sk_test_local", options.fundsPendingDays ?? 7);
  await server.listen();
  return server;
}

// ---------------------------------------------------------------------------------------------
// Fixtures: Stripe's own example objects, deep-cloned, then the fields we care about overridden.

type Params = Record<string, unknown>;

// ---------------------------------------------------------------------------------------------
// Small helpers.

const ID_ALPHABET = "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz";

function randomId(prefix: string, length = 24): string {
  let id = prefix;
  for (const byte of randomBytes(length)) id += ID_ALPHABET.charAt(byte % ID_ALPHABET.length);
  return id;
}

/** Stripe-like EU card pricing in minor units: 1.5 % (rounded, in integer arithmetic) + 25. */
function processingFee(amount: number): number {
  return Math.round((amount * 15) / 1000) + 25;
}

const clone = <T>(value: T): T => structuredClone(value);

function escapeHtml(text: string): string {
  return text.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);
}

// ---------------------------------------------------------------------------------------------
// Errors, in Stripe's JSON shape so that the SDK raises its typed errors.

/**
 * Error codes Stripe documents that the SDK's list (`LastPaymentError.Code`) lacks: a code here is
 * one this server sends on purpose, with where Stripe says so (docs/decisions/025).
 */
type UnlistedErrorCode =
  // docs.stripe.com/currencies#special-cases (docs/decisions/022): fractions of ISK and UGX.
  "invalid_charge_amount_no_decimal_compatible";

type KnownError = Pinned<Stripe.PaymentIntent.LastPaymentError>;

/**
 * Stripe's error object, as in an error response's `error` and a PaymentIntent's `last_payment_error`:
 * its type and code ones the pinned SDK lists (or `UnlistedErrorCode`).
 */
interface StripeErrorBody extends Pick<
  KnownError,
  "param" | "decline_code" | "doc_url" | "payment_intent" | "payment_method"
> {
  type: NonNullable<KnownError["type"]>;
  message: string;
  code?: KnownError["code"] | UnlistedErrorCode;
}

class ApiError extends Error {
  constructor(
    readonly status: number,
    readonly body: StripeErrorBody,
  ) {
    super(body.message);
  }
}

const docUrl = (code: NonNullable<StripeErrorBody["code"]>) =>
  `https://stripe.com/docs/error-codes/${code.replaceAll("_", "-")}`;

function invalidRequest(
  message: string,
  extra: Pick<StripeErrorBody, "param" | "code"> = {},
  status = 400,
): ApiError {
  const body: StripeErrorBody = { type: "invalid_request_error", message, ...extra };
  if (extra.code) body.doc_url = docUrl(extra.code);
  return new ApiError(status, body);
}

const missingParam = (param: string) =>
  invalidRequest(`Missing required param: ${param}.`, { param, code: "parameter_missing" });

/** An id given in the request body that does not exist (400, named by its param). */
const noSuchParam = (kind: string, id: string, param: string) =>
  invalidRequest(`No such ${kind}: '${id}'`, { param, code: "resource_missing" });

const unexpectedState = (message: string, paymentIntent: Pinned<Stripe.PaymentIntent>) => {
  const error = invalidRequest(message, { code: "payment_intent_unexpected_state" });
  error.body.payment_intent = paymentIntent;
  return error;
};

// ---------------------------------------------------------------------------------------------
// Request parameters: application/x-www-form-urlencoded with Stripe's bracket notation.

/**
 * `line_items[0][price_data][unit_amount]=5000` → `{ line_items: [{ price_data: { unit_amount: "5000" } }] }`.
 * Values stay strings, as Stripe receives them; containers whose keys are all indexes become arrays
 * (except metadata, whose keys are the caller's own).
 */
function parseForm(text: string): Params {
  const root: Params = {};
  for (const [name, value] of new URLSearchParams(text)) {
    const match = /^([^[\]]+)((?:\[[^[\]]*\])*)$/.exec(name);
    const segments = match
      ? [match[1] ?? "", ...[...(match[2] ?? "").matchAll(/\[([^[\]]*)\]/g)].map((m) => m[1] ?? "")]
      : [name];
    let container = root;
    segments.forEach((segment, depth) => {
      if (segment === "__proto__") throw invalidRequest(`Invalid parameter name: ${name}`);
      // `a[]=x` appends.
      const key = segment === "" ? String(Object.keys(container).length) : segment;
      const param =
        segments[0] +
        segments
          .slice(1, depth + 1)
          .map((s) => `[${s}]`)
          .join("");
      const existing = Object.hasOwn(container, key) ? container[key] : undefined;
      if (depth === segments.length - 1) {
        if (typeof existing === "object") throw invalidRequest("Invalid hash", { param });
        container[key] = value;
        return;
      }
      if (existing === undefined) container[key] = {};
      else if (typeof existing !== "object") throw invalidRequest("Invalid hash", { param });
      container = container[key] as Params;
    });
  }
  for (const [key, value] of Object.entries(root)) root[key] = arrayify(value, key);
  return root;
}

function arrayify(value: unknown, key: string): unknown {
  if (value === null || typeof value !== "object") return value;
  const entries = Object.entries(value as Params).map(([k, v]) => [k, arrayify(v, k)] as const);
  const indexed =
    key !== "metadata" && entries.length > 0 && entries.every(([k]) => /^(0|[1-9]\d*)$/.test(k));
  if (indexed) return entries.sort(([a], [b]) => Number(a) - Number(b)).map(([, v]) => v);
  return Object.fromEntries(entries);
}

// Typed readers: Stripe treats an empty string as "unset".

function asString(value: unknown, param: string): string | undefined {
  if (value === undefined || value === "") return undefined;
  if (typeof value !== "string") throw invalidRequest(`Invalid string: ${JSON.stringify(value)}`, { param });
  return value;
}

function asInteger(value: unknown, param: string): number | undefined {
  const text = asString(value, param);
  if (text === undefined) return undefined;
  if (!/^-?\d+$/.test(text)) throw invalidRequest(`Invalid integer: ${text}`, { param });
  return Number(text);
}

function asBoolean(value: unknown, param: string): boolean | undefined {
  const text = asString(value, param);
  if (text === undefined) return undefined;
  if (text !== "true" && text !== "false") throw invalidRequest(`Invalid boolean: ${text}`, { param });
  return text === "true";
}

function asHash(value: unknown, param: string): Params | undefined {
  if (value === undefined || value === "") return undefined;
  if (!isParams(value)) throw invalidRequest("Invalid hash", { param });
  return value;
}

function asArray(value: unknown, param: string): unknown[] | undefined {
  if (value === undefined || value === "") return undefined;
  if (!Array.isArray(value)) throw invalidRequest("Invalid array", { param });
  return value;
}

function asCurrency(value: unknown, param: string): string | undefined {
  const text = asString(value, param)?.toLowerCase();
  if (text !== undefined && !/^[a-z]{3}$/.test(text))
    throw invalidRequest(`Invalid currency: ${text}`, { param });
  return text;
}

// ---------------------------------------------------------------------------------------------
// Currencies as Stripe counts them (docs.stripe.com/currencies, docs/decisions/022): which currencies
// Stripe charges, the special cases it refuses, and its minimum charge. Written out here rather than
// imported from the app, so that the fake holds the app to Stripe's rules, not to its own copy.

/** "Supported presentment currencies" (card payments), plus the three-decimal currencies. */
const STRIPE_PRESENTMENT_CURRENCIES = new Set(
  (
    "usd aed afn all amd ang aoa ars aud awg azn bam bbd bdt bgn bif bmd bnd bob brl bsd bwp byn bzd " +
    "cad cdf chf clp cny cop crc cve czk djf dkk dop dzd egp etb eur fjd fkp gbp gel gip gmd gnf gtq " +
    "gyd hkd hnl htg huf idr ils inr isk jmd jpy kes kgs khr kmf krw kyd kzt lak lbp lkr lrd lsl mad " +
    "mdl mga mkd mmk mnt mop mur mvr mwk mxn myr mzn nad ngn nio nok npr nzd pab pen pgk php pkr pln " +
    "pyg qar ron rsd rub rwf sar sbd scr sek sgd shp sle sos srd std szl thb tjs top try ttd twd tzs " +
    "uah ugx uyu uzs vnd vuv wst xaf xcd xof xpf yer zar zmw bhd jod kwd omr tnd"
  ).split(" "),
);
const STRIPE_ZERO_DECIMAL_CURRENCIES = new Set(
  "bif clp djf gnf jpy kmf krw mga pyg rwf vnd vuv xaf xof xpf".split(" "),
);
const STRIPE_THREE_DECIMAL_CURRENCIES = new Set(["bhd", "jod", "kwd", "omr", "tnd"]);
/** ISK and UGX: two decimals in the API, "where the decimal amount is always 00". */
const STRIPE_NO_DECIMAL_COMPATIBLE = new Set(["isk", "ugx"]);
/** "Minimum charge amount by currency", in minor units: when the charge is in the settlement currency. */
const STRIPE_MINIMUM_CHARGES: Record<string, number> = {
  usd: 50, aed: 200, aud: 50, bgn: 100, brl: 50, cad: 50, chf: 50, czk: 1500, dkk: 250, eur: 50,
  gbp: 30, hkd: 400, huf: 17500, inr: 50, jpy: 50, mxn: 1000, myr: 200, nok: 300, nzd: 50, pln: 200,
  ron: 200, sek: 300, sgd: 50, thb: 1000,
}; // prettier-ignore
/**
 * Other currencies convert to the platform's settlement currency (this account settles in euros) and
 * must reach its 0,50 €: euros per whole unit, rounded, as Stripe's "converts to approximately" does.
 */
const EUROS_PER_UNIT: Record<string, number> = {
  isk: 0.0066, twd: 0.029, ugx: 0.00025, krw: 0.00068, xof: 0.001524, xaf: 0.001524, xpf: 0.00838,
  bhd: 2.45, jod: 1.3, kwd: 3.0, omr: 2.4, tnd: 0.29,
}; // prettier-ignore

function stripeApiDigits(currency: string): number {
  if (STRIPE_ZERO_DECIMAL_CURRENCIES.has(currency)) return 0;
  return STRIPE_THREE_DECIMAL_CURRENCIES.has(currency) ? 3 : 2;
}

/** Refuses a currency Stripe does not charge, as Stripe words it. */
function checkPresentmentCurrency(currency: string, param: string): void {
  if (!STRIPE_PRESENTMENT_CURRENCIES.has(currency)) {
    throw invalidRequest(
      `Invalid currency: ${currency}. Stripe currently supports these currencies: ${[...STRIPE_PRESENTMENT_CURRENCIES].join(", ")}`,
      { param },
    );
  }
}

/**
 * Refuses what Stripe refuses for a charge (a PaymentIntent, a payment-mode Checkout Session) or,
 * with `minimum: false`, a refund: fractions of ISK and UGX, a three-decimal amount not ending in 0,
 * and (charges only) an amount below the currency's minimum (`amount_too_small`).
 */
function checkChargeAmount(
  amount: number,
  currency: string,
  param: string,
  { minimum = true }: { minimum?: boolean } = {},
): void {
  checkPresentmentCurrency(currency, "currency");
  if (STRIPE_NO_DECIMAL_COMPATIBLE.has(currency) && amount % 100 !== 0) {
    const code = currency.toUpperCase();
    throw invalidRequest(
      `Invalid amount. Currency ${code} has become effectively zero-decimal and charged amounts must be evenly divisible by 100. See https://stripe.com/docs/currencies#special-cases for more information.`,
      { param, code: "invalid_charge_amount_no_decimal_compatible" },
    );
  }
  if (STRIPE_THREE_DECIMAL_CURRENCIES.has(currency) && amount % 10 !== 0) {
    throw invalidRequest(
      `Invalid amount: ${currency.toUpperCase()} amounts must be rounded to the nearest ten (the last digit must be 0).`,
      { param, code: "invalid_charge_amount" },
    );
  }
  if (!minimum) return;
  const least = STRIPE_MINIMUM_CHARGES[currency];
  if (least !== undefined) {
    if (amount < least) {
      const shown = (least / 10 ** stripeApiDigits(currency)).toFixed(stripeApiDigits(currency));
      throw invalidRequest(`Amount must be at least ${shown} ${currency}`, {
        param,
        code: "amount_too_small",
      });
    }
    return;
  }
  const euros = (amount / 10 ** stripeApiDigits(currency)) * (EUROS_PER_UNIT[currency] ?? 0);
  if (euros < 0.5) {
    throw invalidRequest(
      `Amount must convert to at least 50 cents. ${(amount / 10 ** stripeApiDigits(currency)).toFixed(stripeApiDigits(currency))} ${currency} converts to approximately €${euros.toFixed(2)}.`,
      { param, code: "amount_too_small" },
    );
  }
}

function asEnum<T extends string>(value: unknown, param: string, allowed: readonly T[]): T | undefined {
  const text = asString(value, param);
  if (text === undefined) return undefined;
  const isAllowed = (candidate: string): candidate is T => allowed.some((a) => a === candidate);
  if (!isAllowed(text)) {
    throw invalidRequest(`Invalid ${param}: must be one of ${allowed.join(", ")}`, { param });
  }
  return text;
}

/** Stripe's limits: 50 keys, key ≤ 40 characters, value ≤ 500 characters. */
function asMetadata(value: unknown, param = "metadata"): Record<string, string> {
  const hash = asHash(value, param) ?? {};
  const metadata: Record<string, string> = {};
  for (const [key, raw] of Object.entries(hash)) {
    const text = asString(raw, `${param}[${key}]`);
    if (key.length > 40)
      throw invalidRequest("Metadata keys can be at most 40 characters", { param: `${param}[${key}]` });
    if (text !== undefined && text.length > 500) {
      throw invalidRequest("Metadata values can be at most 500 characters", { param: `${param}[${key}]` });
    }
    if (text !== undefined) metadata[key] = text;
  }
  if (Object.keys(metadata).length > 50) throw invalidRequest("Metadata can have at most 50 keys", { param });
  return metadata;
}

function asUrl(value: unknown, param: string): string | undefined {
  const text = asString(value, param);
  if (text === undefined) return undefined;
  let protocol: string;
  try {
    protocol = new URL(text).protocol;
  } catch {
    throw invalidRequest("Not a valid URL", { param, code: "url_invalid" });
  }
  if (protocol !== "http:" && protocol !== "https:")
    throw invalidRequest("Not a valid URL", { param, code: "url_invalid" });
  return text;
}

type Range = { gt?: number; gte?: number; lt?: number; lte?: number };

/** `created=N`, or `created[gte]=N` with gt / gte / lt / lte (unix seconds). */
function asRange(value: unknown, param: string): Range {
  if (value === undefined || typeof value === "string") {
    const exact = asInteger(value, param);
    return exact === undefined ? {} : { gte: exact, lte: exact };
  }
  const range: Range = {};
  for (const [key, raw] of Object.entries(asHash(value, param) ?? {})) {
    if (key !== "gt" && key !== "gte" && key !== "lt" && key !== "lte") {
      throw invalidRequest(`Received unknown parameter: ${param}[${key}]`, { param: `${param}[${key}]` });
    }
    const bound = asInteger(raw, `${param}[${key}]`);
    if (bound !== undefined) range[key] = bound;
  }
  return range;
}

function inRange(n: number, { gt, gte, lt, lte }: Range): boolean {
  return (
    (gt === undefined || n > gt) &&
    (gte === undefined || n >= gte) &&
    (lt === undefined || n < lt) &&
    (lte === undefined || n <= lte)
  );
}

/** `off_session` takes true/false or, for compatibility, "one_off" / "recurring" (both true). */
function asOffSession(value: unknown): boolean | undefined {
  if (value === "one_off" || value === "recurring") return true;
  return asBoolean(value, "off_session");
}

/** The locales Checkout takes (Stripe refuses others). */
const CHECKOUT_LOCALES = [
  "auto",
  "bg",
  "cs",
  "da",
  "de",
  "el",
  "en",
  "en-GB",
  "es",
  "es-419",
  "et",
  "fi",
  "fil",
  "fr",
  "fr-CA",
  "hi-IN",
  "hr",
  "hu",
  "id",
  "it",
  "ja",
  "ko",
  "lt",
  "lv",
  "ms",
  "mt",
  "nb",
  "nl",
  "pl",
  "pt",
  "pt-BR",
  "ro",
  "ru",
  "sk",
  "sl",
  "sv",
  "th",
  "tr",
  "vi",
  "zh",
  "zh-HK",
  "zh-TW",
] as const satisfies readonly Pinned<Stripe.Checkout.SessionCreateParams.Locale>[];

const CARDS: Record<TestCard, { last4: string; fingerprint: string }> = {
  visa: { last4: "4242", fingerprint: "Fk4ItRHZdJ0K5CmA" },
  declined: { last4: "0002", fingerprint: "Dc1NqQfJ9vw0Lm2T" },
  authentication_required: { last4: "3184", fingerprint: "Au7hR3qu1r3dXy3D" },
};

interface SessionExtras {
  paymentIntentData: {
    captureMethod: "automatic" | "manual";
    metadata: Record<string, string>;
    transferGroup: string | null;
    description: string | null;
  };
  setupIntentData: { metadata: Record<string, string>; description: string | null };
}

interface StoredResponse {
  method: string;
  path: string;
  params: Params;
  status: number;
  body: string;
  requestId: string;
}

interface Reply {
  status: number;
  body: string;
  headers?: Record<string, string>;
}

/** Everything the API answers with: the SDK's types, enums closed (`Pinned`). */
type ApiObject =
  | Pinned<Stripe.Account>
  | Pinned<Stripe.AccountLink>
  | Pinned<Stripe.Balance>
  | Pinned<Stripe.BalanceTransaction>
  | Stripe.ApiList<Pinned<Stripe.BalanceTransaction>>
  | Pinned<Stripe.Charge>
  | Pinned<Stripe.Checkout.Session>
  | Pinned<Stripe.Customer>
  | Pinned<Stripe.Dispute>
  | Stripe.Event
  | Pinned<Stripe.PaymentIntent>
  | Pinned<Stripe.PaymentMethod>
  | Pinned<Stripe.Payout>
  | Pinned<Stripe.Refund>
  | Pinned<Stripe.SetupIntent>
  | Pinned<Stripe.Transfer>
  | Pinned<Stripe.TransferReversal>;

type Handler = (params: Params, id: string) => ApiObject;

function isParams(value: unknown): value is Params {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}

// ---------------------------------------------------------------------------------------------
// The server and its fake account.

class LocalStripe implements FakeStripe {
  url = "";
  host = "127.0.0.1";
  port = 0;
  stripe!: Stripe;
  readonly requests: RecordedRequest[] = [];
  readonly sessions = new Map<string, Pinned<Stripe.Checkout.Session>>();
  readonly paymentIntents = new Map<string, Pinned<Stripe.PaymentIntent>>();
  readonly setupIntents = new Map<string, Pinned<Stripe.SetupIntent>>();
  readonly customers = new Map<string, Pinned<Stripe.Customer>>();
  readonly charges = new Map<string, Pinned<Stripe.Charge>>();
  readonly refunds = new Map<string, Pinned<Stripe.Refund>>();
  readonly balanceTransactions = new Map<string, Pinned<Stripe.BalanceTransaction>>();
  readonly accounts = new Map<string, Pinned<Stripe.Account>>();
  readonly transfers = new Map<string, Pinned<Stripe.Transfer>>();
  readonly transferReversals = new Map<string, Pinned<Stripe.TransferReversal>>();
  readonly disputes = new Map<string, Pinned<Stripe.Dispute>>();
  readonly payouts = new Map<string, Pinned<Stripe.Payout>>();
  /** Balance transaction id → the payout that paid it out. */
  private readonly paidOutIn = new Map<string, string>();
  /** Where the hosted onboarding page sends the account holder back (from the latest account link). */
  private readonly onboardingUrls = new Map<
    string,
    { refreshUrl: string | null; returnUrl: string | null }
  >();
  /** setTime's fixed clock, in unix seconds; null: the real clock. */
  private clock: number | null = null;
  private readonly paymentMethods = new Map<string, Pinned<Stripe.PaymentMethod>>();
  private readonly events = new Map<string, Stripe.Event>();
  /** What a card does when charged: the test server's stand-in for Stripe's test card numbers. */
  private readonly cardBehaviour = new Map<string, TestCard>();
  /** Checkout parameters that Stripe keeps but does not show on the session object. */
  private readonly sessionExtras = new Map<string, SessionExtras>();
  private readonly idempotent = new Map<string, StoredResponse>();
  private readonly failures: Array<{ match: RegExp; error: StripeErrorSpec }> = [];
  private readonly server: Server;
  private readonly routes: Array<{ method: string; pattern: RegExp; handler: Handler }>;

  constructor(
    readonly apiKey: string,
    private readonly fundsPendingDays = 7,
  ) {
    this.server = createServer((req, res) => {
      this.handle(req, res).catch((error: unknown) => {
        // Never console.error here: the test setup turns it into a failure of an unrelated test.
        if (!res.headersSent) res.writeHead(500, { "Content-Type": "application/json" });
        res.end(JSON.stringify({ error: { type: "api_error", message: String(error) } }));
      });
    });
    const id = "([^/]+)";
    /** `GET /v1/<path>/<id>`: one stored object, or Stripe's resource_missing error. */
    const byId = <T>(path: string, store: Map<string, T>, kind: string) => ({
      method: "GET",
      pattern: new RegExp(`^/v1/${path}/${id}$`),
      handler: (_p: Params, i: string) => this.find(store, kind, i),
    });
    this.routes = [
      { method: "POST", pattern: /^\/v1\/customers$/, handler: (p) => this.createCustomer(p) },
      byId("customers", this.customers, "customer"),
      { method: "POST", pattern: /^\/v1\/checkout\/sessions$/, handler: (p) => this.createSession(p) },
      byId("checkout/sessions", this.sessions, "checkout.session"),
      {
        method: "POST",
        pattern: new RegExp(`^/v1/checkout/sessions/${id}/expire$`),
        handler: (_p, i) => this.expireSession(this.find(this.sessions, "checkout.session", i)),
      },
      { method: "POST", pattern: /^\/v1\/payment_intents$/, handler: (p) => this.createPaymentIntent(p) },
      byId("payment_intents", this.paymentIntents, "payment_intent"),
      {
        method: "POST",
        pattern: new RegExp(`^/v1/payment_intents/${id}/confirm$`),
        handler: (p, i) => this.confirmPaymentIntent(p, i),
      },
      {
        method: "POST",
        pattern: new RegExp(`^/v1/payment_intents/${id}/capture$`),
        handler: (p, i) => this.capturePaymentIntent(p, i),
      },
      {
        method: "POST",
        pattern: new RegExp(`^/v1/payment_intents/${id}/cancel$`),
        handler: (p, i) => this.cancelPaymentIntent(p, i),
      },
      byId("setup_intents", this.setupIntents, "setup_intent"),
      byId("payment_methods", this.paymentMethods, "PaymentMethod"),
      byId("charges", this.charges, "charge"),
      {
        method: "GET",
        pattern: /^\/v1\/balance_transactions$/,
        handler: (p) => this.listBalanceTransactions(p),
      },
      byId("balance_transactions", this.balanceTransactions, "balance transaction"),
      { method: "POST", pattern: /^\/v1\/refunds$/, handler: (p) => this.createRefund(p) },
      byId("refunds", this.refunds, "refund"),
      byId("events", this.events, "event"),
      { method: "POST", pattern: /^\/v1\/accounts$/, handler: (p) => this.createAccount(p) },
      byId("accounts", this.accounts, "account"),
      { method: "POST", pattern: /^\/v1\/account_links$/, handler: (p) => this.createAccountLink(p) },
      { method: "POST", pattern: /^\/v1\/transfers$/, handler: (p) => this.createTransfer(p) },
      byId("transfers", this.transfers, "transfer"),
      {
        method: "POST",
        pattern: new RegExp(`^/v1/transfers/${id}/reversals$`),
        handler: (p, i) => this.createTransferReversal(p, i),
      },
      byId("payouts", this.payouts, "payout"),
      byId("disputes", this.disputes, "dispute"),
      { method: "GET", pattern: /^\/v1\/balance$/, handler: () => this.balance() },
    ];
  }

  async listen(): Promise<void> {
    await new Promise<void>((resolve, reject) => {
      this.server.once("error", reject);
      this.server.listen(0, this.host, () => resolve());
    });
    this.port = (this.server.address() as AddressInfo).port;
    this.url = `http://${this.host}:${this.port}`;
    this.stripe = new Stripe(this.apiKey, {
      host: this.host,
      port: this.port,
      protocol: "http",
      maxNetworkRetries: 0,
    });
  }

  close = async (): Promise<void> => {
    if (!this.server.listening) return;
    const closed = new Promise<void>((resolve, reject) =>
      this.server.close((e) => (e ? reject(e) : resolve())),
    );
    // Keep-alive sockets from the SDK's agent would otherwise hold close() open.
    this.server.closeAllConnections();
    await closed;
  };

  failNext = (match: RegExp, error: StripeErrorSpec): void => {
    this.failures.push({ match, error });
  };

  setTime = (epochSeconds: number | null): void => {
    if (epochSeconds !== null && !Number.isInteger(epochSeconds)) {
      throw new Error(`setTime: expected whole unix seconds or null, got ${epochSeconds}`);
    }
    this.clock = epochSeconds;
  };

  /** Unix seconds: setTime's clock when set, else the real one. */
  private now(): number {
    return this.clock ?? Math.floor(Date.now() / 1000);
  }

  // -------------------------------------------------------------------------------------------
  // HTTP plumbing: parse, authenticate, injected failures, idempotency, route, record.

  private async handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const method = req.method ?? "GET";
    const url = new URL(req.url ?? "/", this.url);
    const path = url.pathname;

    // The hosted Checkout page is not part of the API: a stand-in for browsers in end-to-end tests.
    const page = /^\/pay\/([^/]+)$/.exec(path);
    if (method === "GET" && page) {
      const session = this.sessions.get(decodeURIComponent(page[1] ?? ""));
      res.writeHead(session ? 200 : 404, { "Content-Type": "text/html; charset=utf-8" });
      res.end(
        session
          ? `<!doctype html><title>Test Checkout</title><h1>Test Checkout</h1><p id="session">${escapeHtml(session.id)}</p>` +
              `<p id="status">${escapeHtml(session.status ?? "")}</p><p id="amount">${session.amount_total ?? ""} ${escapeHtml(session.currency ?? "")}</p>`
          : "<!doctype html><title>Not found</title><h1>Checkout Session not found</h1>",
      );
      return;
    }
    // Likewise the hosted Connect onboarding page (where an account link sends the account holder).
    const onboarding = /^\/connect\/([^/]+)$/.exec(path);
    if (method === "GET" && onboarding) {
      const account = this.accounts.get(decodeURIComponent(onboarding[1] ?? ""));
      const urls = account ? this.onboardingUrls.get(account.id) : undefined;
      const link = (id: string, href: string | null | undefined, text: string) =>
        href ? `<p><a id="${id}" href="${escapeHtml(href)}">${text}</a></p>` : "";
      res.writeHead(account ? 200 : 404, { "Content-Type": "text/html; charset=utf-8" });
      res.end(
        account
          ? `<!doctype html><title>Test Connect onboarding</title><h1>Test Connect onboarding</h1><p id="account">${escapeHtml(account.id)}</p>` +
              `<p id="details-submitted">${String(account.details_submitted)}</p>` +
              link("return", urls?.returnUrl, "Return to the platform") +
              link("refresh", urls?.refreshUrl, "Start again")
          : "<!doctype html><title>Not found</title><h1>Connected account not found</h1>",
      );
      return;
    }

    const chunks: Buffer[] = [];
    for await (const chunk of req) chunks.push(chunk as Buffer);
    const body = Buffer.concat(chunks).toString("utf8");
    const idempotencyKey = headerValue(req, "idempotency-key");
    const requestId = randomId("req_", 14);

    let params: Params = {};
    let parseError: ApiError | null = null;
    try {
      params = parseForm(method === "POST" ? body : url.search.slice(1));
    } catch (error) {
      if (!(error instanceof ApiError)) throw error;
      parseError = error;
    }
    let reply: Reply;
    try {
      this.authenticate(headerValue(req, "authorization"));
      if (parseError) throw parseError;
      reply = this.respond(method, path, params, idempotencyKey, requestId);
    } catch (error) {
      // Anything but an ApiError is a bug in this server: answer 500 (StripeAPIError) and record it.
      const body =
        error instanceof ApiError
          ? error.body
          : { type: "api_error", message: `Test server failure: ${String(error)}` };
      reply = {
        status: error instanceof ApiError ? error.status : 500,
        body: JSON.stringify({ error: body }),
      };
    }

    this.requests.push({ method, path, params, idempotencyKey, status: reply.status });
    res.writeHead(reply.status, {
      "Content-Type": "application/json",
      "Request-Id": requestId,
      "Stripe-Version": headerValue(req, "stripe-version") ?? Stripe.API_VERSION,
      ...(idempotencyKey ? { "Idempotency-Key": idempotencyKey } : {}),
      ...reply.headers,
    });
    res.end(reply.body);
  }

  private respond(
    method: string,
    path: string,
    params: Params,
    idempotencyKey: string | null,
    requestId: string,
  ): Reply {
    const failure = this.failures.findIndex(({ match }) => {
      match.lastIndex = 0; // a /g or /y pattern would otherwise remember its last match
      return match.test(`${method} ${path}`);
    });
    const [injected] = failure >= 0 ? this.failures.splice(failure, 1) : [];
    this.settleFunds();
    if (injected) {
      const { status, ...error } = injected.error;
      return { status, body: JSON.stringify({ error }) };
    }

    // Idempotency keys only matter on POST (GET and DELETE are idempotent by nature).
    const useKey = method === "POST" && idempotencyKey !== null;
    if (useKey) {
      const stored = this.idempotent.get(idempotencyKey);
      if (stored) return this.replay(stored, method, path, params, idempotencyKey);
    }

    const route = this.routes.find((r) => r.method === method && r.pattern.test(path));
    if (!route) {
      throw invalidRequest(
        `Unrecognized request URL (${method}: ${path}). Please see https://stripe.com/docs or we can help at https://support.stripe.com/.`,
        {},
        404,
      );
    }
    const id = decodeURIComponent(route.pattern.exec(path)?.[1] ?? "");

    let status = 200;
    let body: string;
    try {
      const result = route.handler(params, id);
      body = JSON.stringify(this.expand(result, params.expand));
    } catch (error) {
      if (!(error instanceof ApiError)) throw error;
      status = error.status;
      body = JSON.stringify({ error: error.body });
    }
    // Stripe keeps the result once the endpoint has run (successes, and card errors, which leave a
    // PaymentIntent behind); requests that failed validation are not saved, so they can be retried.
    if (useKey && (status < 400 || status === 402 || refusedWhileRunning(body))) {
      this.idempotent.set(idempotencyKey, { method, path, params, status, body, requestId });
    }
    return { status, body };
  }

  private authenticate(authorization: string | null): void {
    let key: string | undefined;
    if (authorization?.startsWith("Bearer ")) key = authorization.slice("Bearer ".length).trim();
    else if (authorization?.startsWith("Basic ")) {
      key = Buffer.from(authorization.slice("Basic ".length), "base64").toString("utf8").split(":")[0];
    }
    if (!key) {
      throw invalidRequest(
        "You did not provide an API key. You need to provide your API key in the Authorization header, using Bearer auth (e.g. 'Authorization: Bearer YOUR_SECRET_KEY').",
        {},
        401,
      );
    }
    if (key !== this.apiKey) {
      const masked =
        key.length > 12 ? `${key.slice(0, 8)}${"*".repeat(key.length - 12)}${key.slice(-4)}` : key;
      throw invalidRequest(`Invalid API Key provided: ${masked}`, {}, 401);
    }
  }

  private replay(stored: StoredResponse, method: string, path: string, params: Params, key: string): Reply {
    if (stored.method !== method || stored.path !== path) {
      throw new ApiError(400, {
        type: "idempotency_error",
        message: `Keys for idempotent requests can only be used for the same endpoint they were first used for ('${stored.method} ${stored.path}' vs '${method} ${path}'). Try using a key other than '${key}' if you meant to execute a different request.`,
      });
    }
    if (!isDeepStrictEqual(stored.params, params)) {
      throw new ApiError(400, {
        type: "idempotency_error",
        message: `Keys for idempotent requests can only be used with the same parameters they were first used with. Try using a key other than '${key}' if you meant to execute a different request.`,
      });
    }
    return {
      status: stored.status,
      body: stored.body,
      headers: { "Idempotent-Replayed": "true", "Original-Request": stored.requestId },
    };
  }

  /**
   * `expand[]=latest_charge.balance_transaction`: replace ids with the objects they name. On the way,
   * an array (a list's `data`, as in `expand[]=data.source`) expands the rest of the path in each item.
   */
  private expand(result: ApiObject, expandParam: unknown): unknown {
    // A copy, as plain JSON: an expanded field holds another object than the SDK type says.
    const json: unknown = clone(result);
    for (const [index, raw] of (asArray(expandParam, "expand") ?? []).entries()) {
      const path = asString(raw, `expand[${index}]`);
      if (path === undefined || !isParams(json)) continue;
      this.expandPath(json, path.split("."), path);
    }
    return json;
  }

  private expandPath(target: Params, fields: string[], path: string): void {
    const [field, ...rest] = fields;
    if (field === undefined) return;
    const cannot = () => invalidRequest(`This property cannot be expanded (${path}).`, { param: "expand" });
    let value: unknown = Object.hasOwn(target, field) ? target[field] : undefined;
    if (typeof value === "string") {
      const found = this.lookup(value);
      if (!found) throw cannot();
      value = clone(found);
      target[field] = value;
    }
    if (value === null) return;
    if (isParams(value)) {
      this.expandPath(value, rest, path);
      return;
    }
    if (!Array.isArray(value)) throw cannot();
    if (rest.length === 0) return;
    for (const item of value) {
      if (!isParams(item)) throw cannot();
      this.expandPath(item, rest, path);
    }
  }

  private lookup(id: string): ApiObject | undefined {
    const stores: Array<[string, Map<string, ApiObject>]> = [
      ["cus_", this.customers],
      ["cs_", this.sessions],
      ["pi_", this.paymentIntents],
      ["seti_", this.setupIntents],
      ["pm_", this.paymentMethods],
      ["ch_", this.charges],
      ["re_", this.refunds],
      ["txn_", this.balanceTransactions],
      ["evt_", this.events],
      ["acct_", this.accounts],
      ["tr_", this.transfers],
      ["trr_", this.transferReversals],
      ["dp_", this.disputes],
      ["po_", this.payouts],
    ];
    return stores.find(([prefix]) => id.startsWith(prefix))?.[1].get(id);
  }

  /** GET of an unknown id: 404 resource_missing, param "id". */
  private find<T>(store: Map<string, T>, kind: string, id: string): T {
    const found = store.get(id);
    if (!found)
      throw invalidRequest(`No such ${kind}: '${id}'`, { param: "id", code: "resource_missing" }, 404);
    return found;
  }

  // -------------------------------------------------------------------------------------------
  // Customers and payment methods.

  private createCustomer(p: Params): Pinned<Stripe.Customer> {
    return this.newCustomer({
      email: asString(p.email, "email") ?? null,
      name: asString(p.name, "name") ?? null,
      description: asString(p.description, "description") ?? null,
      phone: asString(p.phone, "phone") ?? null,
      metadata: asMetadata(p.metadata),
    });
  }

  private newCustomer(fields: Partial<Pinned<Stripe.Customer>>): Pinned<Stripe.Customer> {
    const customer = fixture("customer", {
      id: randomId("cus_", 14),
      created: this.now(),
      livemode: false,
      currency: null,
      discount: null,
      shipping: null,
      invoice_prefix: randomId("", 8).toUpperCase(),
      email: null,
      name: null,
      description: null,
      phone: null,
      metadata: {},
      ...fields,
    });
    this.customers.set(customer.id, customer);
    return customer;
  }

  private newPaymentMethod(
    card: TestCard,
    customer: string | null,
    email: string | null,
  ): Pinned<Stripe.PaymentMethod> {
    const base = fixture("payment_method", {});
    const paymentMethod = fixture("payment_method", {
      id: randomId("pm_"),
      created: this.now(),
      livemode: false,
      customer,
      metadata: {},
      billing_details: {
        address: { city: null, country: null, line1: null, line2: null, postal_code: null, state: null },
        email,
        name: null,
        phone: null,
        tax_id: null,
      },
      card: base.card && {
        ...base.card,
        brand: "visa",
        display_brand: "visa",
        last4: CARDS[card].last4,
        fingerprint: CARDS[card].fingerprint,
        generated_from: null,
        wallet: null,
      },
    });
    this.paymentMethods.set(paymentMethod.id, paymentMethod);
    this.cardBehaviour.set(paymentMethod.id, card);
    return paymentMethod;
  }

  // -------------------------------------------------------------------------------------------
  // Checkout Sessions.

  private createSession(p: Params): Pinned<Stripe.Checkout.Session> {
    const mode = asString(p.mode, "mode");
    if (mode === undefined) throw missingParam("mode");
    if (mode !== "payment" && mode !== "setup") {
      throw invalidRequest(`Invalid mode: must be one of payment or setup (got '${mode}')`, {
        param: "mode",
      });
    }
    const successUrl = asUrl(p.success_url, "success_url");
    if (successUrl === undefined) throw missingParam("success_url");
    const cancelUrl = asUrl(p.cancel_url, "cancel_url") ?? null;

    const customer = asString(p.customer, "customer") ?? null;
    const customerEmail = asString(p.customer_email, "customer_email") ?? null;
    if (customer && customerEmail) {
      throw invalidRequest("You may only specify one of these parameters: customer, customer_email.", {
        param: "customer_email",
      });
    }
    if (customer && !this.customers.has(customer)) throw noSuchParam("customer", customer, "customer");

    const clientReferenceId = asString(p.client_reference_id, "client_reference_id") ?? null;
    if (clientReferenceId && clientReferenceId.length > 200) {
      throw invalidRequest("client_reference_id can be at most 200 characters", {
        param: "client_reference_id",
      });
    }
    const paymentMethodTypes = (asArray(p.payment_method_types, "payment_method_types") ?? ["card"]).map(
      (t, i) => asString(t, `payment_method_types[${i}]`) ?? "card",
    );

    // Stripe: at least 30 minutes and at most 24 hours after creation.
    const now = this.now();
    const expiresAt = asInteger(p.expires_at, "expires_at") ?? now + 24 * 3600;
    if (expiresAt < now + 30 * 60 || expiresAt > now + 24 * 3600) {
      throw invalidRequest(
        "The `expires_at` timestamp must be at least 30 minutes and less than 24 hours from Checkout Session creation.",
        { param: "expires_at" },
      );
    }

    const extras: SessionExtras = {
      paymentIntentData: { captureMethod: "automatic", metadata: {}, transferGroup: null, description: null },
      setupIntentData: { metadata: {}, description: null },
    };
    let currency: string | undefined;
    let amount: number | null = null;

    if (mode === "payment") {
      if (p.setup_intent_data !== undefined) {
        throw invalidRequest("`setup_intent_data` can only be used in `setup` mode.", {
          param: "setup_intent_data",
        });
      }
      ({ currency, amount } = this.lineItemsTotal(p.line_items));
      checkChargeAmount(amount, currency, "line_items");
      const data = asHash(p.payment_intent_data, "payment_intent_data") ?? {};
      const captureMethod = asEnum(data.capture_method, "payment_intent_data[capture_method]", [
        "automatic",
        "automatic_async",
        "manual",
      ]);
      extras.paymentIntentData = {
        captureMethod: captureMethod === "manual" ? "manual" : "automatic",
        metadata: asMetadata(data.metadata, "payment_intent_data[metadata]"),
        transferGroup: asString(data.transfer_group, "payment_intent_data[transfer_group]") ?? null,
        description: asString(data.description, "payment_intent_data[description]") ?? null,
      };
    } else {
      if (p.line_items !== undefined) {
        throw invalidRequest("You cannot pass `line_items` in `setup` mode.", { param: "line_items" });
      }
      if (p.payment_intent_data !== undefined) {
        throw invalidRequest("`payment_intent_data` can only be used in `payment` mode.", {
          param: "payment_intent_data",
        });
      }
      currency = asCurrency(p.currency, "currency");
      if (currency === undefined) throw missingParam("currency");
      checkPresentmentCurrency(currency, "currency");
      const data = asHash(p.setup_intent_data, "setup_intent_data") ?? {};
      extras.setupIntentData = {
        metadata: asMetadata(data.metadata, "setup_intent_data[metadata]"),
        description: asString(data.description, "setup_intent_data[description]") ?? null,
      };
    }

    const id = randomId("cs_test_", 58);
    const session = fixture("checkout.session", {
      id,
      object: "checkout.session",
      created: now,
      expires_at: expiresAt,
      livemode: false,
      mode,
      status: "open",
      payment_status: mode === "payment" ? "unpaid" : "no_payment_required",
      currency: currency ?? null,
      amount_subtotal: amount,
      amount_total: amount,
      metadata: asMetadata(p.metadata),
      customer,
      customer_email: customerEmail,
      customer_creation: customer ? null : "if_required",
      customer_details: null,
      client_reference_id: clientReferenceId,
      success_url: successUrl,
      cancel_url: cancelUrl,
      locale: asEnum(p.locale, "locale", CHECKOUT_LOCALES) ?? null,
      payment_method_types: paymentMethodTypes,
      payment_intent: null,
      setup_intent: null,
      url: `${this.url}/pay/${id}`,
      // API 2026-10-28 names Stripe's hosted page `hosted_page` (it was `hosted` before).
      ui_mode: "hosted_page",
      // The fixture's example values for these describe features we do not use (shipping, tax,
      // currency conversion, custom text…): reset them to what a plain session has.
      after_expiration: null,
      collected_information: null,
      consent: null,
      consent_collection: null,
      currency_conversion: null,
      custom_text: {
        after_submit: null,
        shipping_address: null,
        submit: null,
        terms_of_service_acceptance: null,
      },
      invoice_creation: null,
      payment_method_configuration_details: null,
      shipping_address_collection: null,
      shipping_cost: null,
      total_details: mode === "payment" ? { amount_discount: 0, amount_shipping: 0, amount_tax: 0 } : null,
    });
    this.applyPaymentMethods(session, p, extras);
    this.sessions.set(id, session);
    this.sessionExtras.set(id, extras);
    return session;
  }

  /** Payment mode: line items with price_data only (this server knows no Price objects). */
  private lineItemsTotal(value: unknown): { currency: string; amount: number } {
    const items = asArray(value, "line_items");
    if (!items?.length) throw missingParam("line_items");
    let currency: string | undefined;
    let amount = 0;
    items.forEach((raw, i) => {
      const at = `line_items[${i}]`;
      const item = asHash(raw, at) ?? {};
      if (item.price !== undefined) {
        throw noSuchParam("price", String(item.price), `${at}[price]`);
      }
      const priceData = asHash(item.price_data, `${at}[price_data]`);
      if (!priceData) throw missingParam(`${at}[price_data]`);
      const itemCurrency = asCurrency(priceData.currency, `${at}[price_data][currency]`);
      if (itemCurrency === undefined) throw missingParam(`${at}[price_data][currency]`);
      if (currency !== undefined && itemCurrency !== currency) {
        throw invalidRequest("All line items must use the same currency.", {
          param: `${at}[price_data][currency]`,
        });
      }
      currency = itemCurrency;
      const unitAmount = asInteger(priceData.unit_amount, `${at}[price_data][unit_amount]`);
      if (unitAmount === undefined) throw missingParam(`${at}[price_data][unit_amount]`);
      if (unitAmount < 1) {
        throw invalidRequest("This value must be greater than or equal to 1.", {
          param: `${at}[price_data][unit_amount]`,
        });
      }
      const productData = asHash(priceData.product_data, `${at}[price_data][product_data]`);
      if (!asString(productData?.name, `${at}[price_data][product_data][name]`)) {
        throw missingParam(`${at}[price_data][product_data][name]`);
      }
      const quantity = asInteger(item.quantity, `${at}[quantity]`);
      if (quantity === undefined) throw missingParam(`${at}[quantity]`);
      if (quantity < 1) {
        throw invalidRequest("This value must be greater than or equal to 1.", { param: `${at}[quantity]` });
      }
      amount += unitAmount * quantity;
    });
    return { currency: currency ?? "", amount };
  }

  private expireSession(session: Pinned<Stripe.Checkout.Session>): Pinned<Stripe.Checkout.Session> {
    if (session.status !== "open") {
      throw invalidRequest(
        `Only Checkout Sessions with a status in ["open"] can be expired. This Checkout Session has a status of "${session.status}".`,
      );
    }
    session.status = "expired";
    session.url = null;
    return session;
  }

  private extrasOf(sessionId: string): SessionExtras {
    const extras = this.sessionExtras.get(sessionId);
    if (!extras) throw new Error(`No Checkout Session ${sessionId}`);
    return extras;
  }

  /** The open Checkout Session a customer completes on the hosted page, and who they are. */
  private openSession(caller: string, sessionId: string) {
    const session = this.sessions.get(sessionId);
    if (!session) throw new Error(`${caller}: no Checkout Session ${sessionId}`);
    if (session.status !== "open") {
      throw new Error(`${caller}: Checkout Session ${sessionId} is ${session.status}, not open`);
    }
    this.assertNotPastExpiry(session);
    const customerId = typeof session.customer === "string" ? session.customer : null;
    const email =
      session.customer_email ??
      (customerId ? (this.customers.get(customerId)?.email ?? null) : null) ??
      "customer@example.com";
    return { session, extras: this.extrasOf(sessionId), customerId, email };
  }

  /**
   * A setup-mode session completed: the payment method saved on the customer (our simplification:
   * a customer is always there to keep it), its SetupIntent succeeded.
   */
  private completeSetup(
    { session, extras, customerId, email }: ReturnType<LocalStripe["openSession"]>,
    savePaymentMethod: (customer: string) => { id: string },
    type: "card" | "sepa_debit",
  ): Stripe.Event[] {
    const customer = customerId ?? this.newCustomer({ email }).id;
    const paymentMethod = savePaymentMethod(customer);
    const setupIntent = fixture("setup_intent", {
      id: randomId("seti_"),
      created: this.now(),
      livemode: false,
      status: "succeeded",
      usage: "off_session",
      customer,
      payment_method: paymentMethod.id,
      payment_method_types: [type],
      // A debit's customer accepted the mandate text shown beside the IBAN field.
      ...(type === "sepa_debit" ? { mandate: randomId("mandate_") } : {}),
      metadata: clone(extras.setupIntentData.metadata),
      description: extras.setupIntentData.description,
      automatic_payment_methods: null,
      last_setup_error: null,
      next_action: null,
      payment_method_configuration_details: null,
    });
    setupIntent.client_secret = `${setupIntent.id}_secret_${randomId("", 24)}`;
    this.setupIntents.set(setupIntent.id, setupIntent);
    this.finishSession(session, email, { setup_intent: setupIntent.id, customer });
    return [
      this.event("checkout.session.completed", session),
      this.event("setup_intent.succeeded", setupIntent),
    ];
  }

  completeCheckout = (sessionId: string, card: TestCard = "visa"): Stripe.Event[] => {
    const open = this.openSession("completeCheckout", sessionId);
    const { session, extras, customerId, email } = open;
    if (session.mode === "setup") {
      return this.completeSetup(open, (customer) => this.newPaymentMethod(card, customer, email), "card");
    }

    if (card !== "visa") {
      throw new Error(
        `completeCheckout: the "${card}" card does not complete a payment-mode session: the hosted page keeps the customer there (declined, or 3-D Secure not passed), so the session stays open`,
      );
    }
    const data = extras.paymentIntentData;
    const paymentMethod = this.newPaymentMethod(card, null, email);
    const intent = this.newPaymentIntent({
      amount: session.amount_total ?? 0,
      currency: session.currency ?? "eur",
      customer: customerId,
      payment_method: paymentMethod.id,
      metadata: clone(data.metadata),
      transfer_group: data.transferGroup,
      description: data.description,
      capture_method: data.captureMethod,
      automatic_payment_methods: null,
      payment_method_types: ["card"],
    });
    const events: Stripe.Event[] = [];
    if (data.captureMethod === "manual") {
      intent.status = "requires_capture";
      intent.amount_capturable = intent.amount;
      events.push(this.event("payment_intent.amount_capturable_updated", intent));
    } else {
      const charge = this.settle(intent, intent.amount);
      events.push(this.event("charge.succeeded", charge), this.event("payment_intent.succeeded", intent));
    }
    this.finishSession(session, email, {
      payment_intent: intent.id,
      payment_status: data.captureMethod === "manual" ? "unpaid" : "paid",
    });
    events.push(this.event("checkout.session.completed", session));
    return events;
  };

  private finishSession(
    session: Pinned<Stripe.Checkout.Session>,
    email: string,
    fields: Partial<Pinned<Stripe.Checkout.Session>>,
  ) {
    const details = fixture("checkout.session", {}).customer_details;
    Object.assign(session, {
      status: "complete",
      url: null,
      customer_details: details && { ...details, email, name: null, tax_ids: [] },
      ...fields,
    });
  }

  expireCheckout = (sessionId: string): Stripe.Event[] => {
    const session = this.sessions.get(sessionId);
    if (!session) throw new Error(`expireCheckout: no Checkout Session ${sessionId}`);
    if (session.status !== "open") {
      throw new Error(`expireCheckout: Checkout Session ${sessionId} is ${session.status}, not open`);
    }
    this.expireSession(session);
    return [this.event("checkout.session.expired", session)];
  };

  event = <T extends Stripe.Event.Type>(
    type: T,
    object: EventOf<T>["data"]["object"],
    options: EventOptions<T> = {},
  ): EventOf<T> => {
    const data: {
      object: EventOf<T>["data"]["object"];
      previous_attributes?: EventOf<T>["data"]["previous_attributes"];
    } = { object: clone(object) };
    if (options.previousAttributes) data.previous_attributes = clone(options.previousAttributes);
    const envelope = {
      ...example("event"),
      id: randomId("evt_"),
      object: "event",
      type,
      created: this.now(),
      livemode: false,
      api_version: Stripe.API_VERSION,
      pending_webhooks: 1,
      request: { id: null, idempotency_key: null },
      data,
      ...(options.account === undefined ? {} : { account: options.account }),
    } satisfies Pinned<Stripe.EventBase>;
    // Every field is checked just above; for a type T still unknown, tsc cannot tell by itself that
    // the envelope of type T (carrying EventOf<T>'s object) is EventOf<T>: the guard says so.
    const event = envelope;
    if (!isEventOf(event, type)) throw new Error(`event: built a ${event.type} event for ${type}`);
    this.events.set(event.id, event);
    return event;
  };

  // -------------------------------------------------------------------------------------------
  // Late delivery and expiry (issue 12, item 6). Stripe retries an undelivered event for up to
  // three days (live mode), each attempt signed anew; a session past its `expires_at` takes no
  // payment, though its status turns `expired` only when Stripe's expiry runs (`expireCheckout`).

  private readonly deliveryAttempts = new Map<string, number>();

  redeliver = (event: Stripe.Event | string, secret: string) => {
    const id = typeof event === "string" ? event : event.id;
    const stored = this.events.get(id);
    if (!stored) throw new Error(`redeliver: no event ${id}`);
    const attempt = (this.deliveryAttempts.get(id) ?? 1) + 1;
    this.deliveryAttempts.set(id, attempt);
    const payload = JSON.stringify(stored);
    // The signature's timestamp is the attempt's, on the real clock the endpoint checks it against.
    const signature = Stripe.webhooks.generateTestHeaderString({ payload, secret });
    return { payload, signature, attempt };
  };

  private assertNotPastExpiry(session: Pinned<Stripe.Checkout.Session>): void {
    if (this.now() >= session.expires_at) {
      throw new Error(
        `completeCheckout: Checkout Session ${session.id} expired at ${session.expires_at} (now ${this.now()}): Stripe's page takes no payment past expires_at`,
      );
    }
  }

  // -------------------------------------------------------------------------------------------
  // PaymentIntents, charges and balance transactions.

  private newPaymentIntent(
    fields: Partial<Pinned<Stripe.PaymentIntent>> & { amount: number },
  ): Pinned<Stripe.PaymentIntent> {
    const id = randomId("pi_");
    const intent = fixture("payment_intent", {
      id,
      object: "payment_intent",
      created: this.now(),
      livemode: false,
      client_secret: `${id}_secret_${randomId("", 25)}`,
      amount_capturable: 0,
      amount_received: 0,
      status: "requires_payment_method",
      capture_method: "automatic",
      confirmation_method: "automatic",
      customer: null,
      payment_method: null,
      description: null,
      metadata: {},
      transfer_group: null,
      receipt_email: null,
      // Example values in the fixture that a fresh PaymentIntent does not have.
      canceled_at: null,
      cancellation_reason: null,
      last_payment_error: null,
      latest_charge: null,
      next_action: null,
      processing: null,
      shipping: null,
      transfer_data: null,
      payment_method_configuration_details: null,
      ...fields,
    });
    this.paymentIntents.set(id, intent);
    return intent;
  }

  private createPaymentIntent(p: Params): Pinned<Stripe.PaymentIntent> {
    const amount = asInteger(p.amount, "amount");
    if (amount === undefined) throw missingParam("amount");
    if (amount < 1)
      throw invalidRequest("This value must be greater than or equal to 1.", { param: "amount" });
    const currency = asCurrency(p.currency, "currency");
    if (currency === undefined) throw missingParam("currency");
    checkChargeAmount(amount, currency, "amount");
    const customer = asString(p.customer, "customer") ?? null;
    if (customer && !this.customers.has(customer)) throw noSuchParam("customer", customer, "customer");
    const paymentMethodId = asString(p.payment_method, "payment_method") ?? null;
    if (paymentMethodId) this.usablePaymentMethod(paymentMethodId, customer);
    const confirm = asBoolean(p.confirm, "confirm") ?? false;
    const offSession = asOffSession(p.off_session);
    if (offSession !== undefined && !confirm) {
      throw invalidRequest("You can only pass in `off_session` when `confirm` is set to true.", {
        param: "off_session",
      });
    }
    const captureMethod = asEnum(p.capture_method, "capture_method", [
      "automatic",
      "automatic_async",
      "manual",
    ]);
    const types = asArray(p.payment_method_types, "payment_method_types");

    const intent = this.newPaymentIntent({
      amount,
      currency,
      customer,
      payment_method: paymentMethodId,
      metadata: asMetadata(p.metadata),
      transfer_group: asString(p.transfer_group, "transfer_group") ?? null,
      description: asString(p.description, "description") ?? null,
      receipt_email: asString(p.receipt_email, "receipt_email") ?? null,
      capture_method: captureMethod ?? "automatic",
      status: paymentMethodId ? "requires_confirmation" : "requires_payment_method",
      ...(types ? { payment_method_types: types.map(String), automatic_payment_methods: null } : {}),
    });
    if (confirm) this.attempt(intent, offSession ?? false);
    return intent;
  }

  /** The payment method exists, and belongs to this customer when it belongs to any. */
  private usablePaymentMethod(id: string, customer: string | null): Pinned<Stripe.PaymentMethod> {
    const paymentMethod = this.paymentMethods.get(id);
    if (!paymentMethod) throw noSuchParam("PaymentMethod", id, "payment_method");
    if (paymentMethod.customer && paymentMethod.customer !== customer) {
      throw invalidRequest(
        customer
          ? `The provided PaymentMethod ${id} belongs to a different Customer.`
          : `The provided PaymentMethod ${id} is attached to a Customer: pass the \`customer\` parameter with it.`,
        { param: "payment_method" },
      );
    }
    return paymentMethod;
  }

  private confirmPaymentIntent(p: Params, id: string): Pinned<Stripe.PaymentIntent> {
    const intent = this.find(this.paymentIntents, "payment_intent", id);
    const confirmable = ["requires_payment_method", "requires_confirmation", "requires_action"];
    if (!confirmable.includes(intent.status)) {
      throw unexpectedState(
        `This PaymentIntent's status is ${intent.status}, but it must be one of ${confirmable.join(", ")} to be confirmed.`,
        intent,
      );
    }
    const paymentMethodId = asString(p.payment_method, "payment_method");
    if (paymentMethodId) {
      this.usablePaymentMethod(paymentMethodId, typeof intent.customer === "string" ? intent.customer : null);
      intent.payment_method = paymentMethodId;
    }
    this.attempt(intent, asOffSession(p.off_session) ?? false);
    return intent;
  }

  /** Confirmation: the saved card's behaviour decides. Failures leave the PaymentIntent stored. */
  private attempt(intent: Pinned<Stripe.PaymentIntent>, offSession: boolean): void {
    const paymentMethodId = typeof intent.payment_method === "string" ? intent.payment_method : null;
    if (!paymentMethodId) {
      throw unexpectedState(
        "You cannot confirm this PaymentIntent because it's missing a payment method. To confirm the PaymentIntent with a payment method, pass `payment_method`.",
        intent,
      );
    }
    const paymentMethod = this.paymentMethods.get(paymentMethodId);
    const card = this.cardBehaviour.get(paymentMethodId) ?? "visa";
    intent.last_payment_error = null;
    intent.next_action = null;
    if (this.debits.has(paymentMethodId)) return this.startDebit(intent);

    if (card === "visa") {
      if (intent.capture_method === "manual") {
        intent.status = "requires_capture";
        intent.amount_capturable = intent.amount;
      } else {
        this.settle(intent, intent.amount);
      }
      return;
    }

    const declined = card === "declined";
    const error = {
      type: "card_error",
      code: declined ? "card_declined" : "authentication_required",
      decline_code: declined ? "generic_decline" : "authentication_required",
      message: declined
        ? "Your card was declined."
        : "Your card was declined. This transaction requires authentication.",
      doc_url: docUrl(declined ? "card_declined" : "authentication_required"),
      payment_method: clone(paymentMethod),
    } satisfies StripeErrorBody & KnownError;
    if (!declined && !offSession) {
      // On-session, the customer can still authenticate: the card stays on the PaymentIntent.
      intent.status = "requires_action";
      intent.next_action = { type: "use_stripe_sdk", use_stripe_sdk: {} };
    } else {
      intent.status = "requires_payment_method";
      intent.payment_method = null;
      intent.last_payment_error = clone(error);
    }
    throw new ApiError(402, { ...error, payment_intent: clone(intent) });
  }

  private capturePaymentIntent(p: Params, id: string): Pinned<Stripe.PaymentIntent> {
    const intent = this.find(this.paymentIntents, "payment_intent", id);
    if (intent.status !== "requires_capture") {
      throw unexpectedState(
        `This PaymentIntent could not be captured because it has a status of ${intent.status}. Only a PaymentIntent with one of the following statuses may be captured: requires_capture.`,
        intent,
      );
    }
    const amount = asInteger(p.amount_to_capture, "amount_to_capture") ?? intent.amount_capturable;
    if (amount < 1 || amount > intent.amount_capturable) {
      throw invalidRequest(
        `The amount to capture must be between 1 and the amount capturable (${intent.amount_capturable}).`,
        { param: "amount_to_capture" },
      );
    }
    if (p.metadata !== undefined) intent.metadata = { ...intent.metadata, ...asMetadata(p.metadata) };
    this.settle(intent, amount);
    return intent;
  }

  private cancelPaymentIntent(p: Params, id: string): Pinned<Stripe.PaymentIntent> {
    const intent = this.find(this.paymentIntents, "payment_intent", id);
    const reason = asEnum(p.cancellation_reason, "cancellation_reason", [
      "duplicate",
      "fraudulent",
      "requested_by_customer",
      "abandoned",
    ]);
    if (intent.status === "succeeded" || intent.status === "canceled") {
      throw unexpectedState(
        `You cannot cancel this PaymentIntent because it has a status of ${intent.status}. Only a PaymentIntent with one of the following statuses may be canceled: requires_payment_method, requires_capture, requires_confirmation, requires_action, processing.`,
        intent,
      );
    }
    intent.status = "canceled";
    intent.canceled_at = this.now();
    intent.cancellation_reason = reason ?? null;
    intent.amount_capturable = 0;
    intent.next_action = null;
    return intent;
  }

  /**
   * A balance transaction, recorded in the platform's balance: a charge's funds are pending for
   * `fundsPendingDays`, anything else is available at once (see `fundsAvailability`). Unless given:
   * no fee, no description, net = amount − fee.
   */
  private addBalanceTransaction(
    fields: Pick<
      Pinned<Stripe.BalanceTransaction>,
      "amount" | "currency" | "source" | "type" | "reporting_category"
    > &
      Partial<Pinned<Stripe.BalanceTransaction>>,
  ): Pinned<Stripe.BalanceTransaction> {
    const created = fields.created ?? this.now();
    const fee = fields.fee ?? 0;
    const balance = fixture("balance_transaction", {
      id: randomId("txn_"),
      created,
      ...this.fundsAvailability(fields.type, created),
      description: null,
      fee,
      fee_details: [],
      net: fields.amount - fee,
      ...fields,
    });
    this.balanceTransactions.set(balance.id, balance);
    return balance;
  }

  /** What the platform could transfer or pay out in this currency: the net of its available transactions. */
  private availableBalance(currency: string): number {
    return this.fundsIn(currency).available;
  }

  /**
   * `GET /v1/balance_transactions`: newest first (by `created`, then the later recorded first: the
   * map keeps insertion order), filtered, then a page of `limit` after `starting_after` or just
   * before `ending_before` (a cursor is placed by its own position, even when filtered out).
   */
  private listBalanceTransactions(p: Params): Stripe.ApiList<Pinned<Stripe.BalanceTransaction>> {
    const limit = asInteger(p.limit, "limit") ?? 10;
    if (limit < 1) throw invalidRequest("This value must be greater than or equal to 1.", { param: "limit" });
    if (limit > 100)
      throw invalidRequest("This value must be less than or equal to 100.", { param: "limit" });
    const startingAfter = asString(p.starting_after, "starting_after");
    const endingBefore = asString(p.ending_before, "ending_before");
    if (startingAfter !== undefined && endingBefore !== undefined) {
      throw invalidRequest("You may only specify one of these parameters: ending_before, starting_after.", {
        param: "ending_before",
      });
    }
    const created = asRange(p.created, "created");
    const type = asString(p.type, "type");
    const source = asString(p.source, "source");
    const currency = asCurrency(p.currency, "currency");
    const payout = asString(p.payout, "payout");
    if (payout !== undefined && !this.payouts.has(payout)) throw noSuchParam("payout", payout, "payout");

    const sequence = new Map([...this.balanceTransactions.keys()].map((id, index) => [id, index]));
    /** > 0 when a comes before b in the list (newer). */
    const newer = (a: Pinned<Stripe.BalanceTransaction>, b: Pinned<Stripe.BalanceTransaction>) =>
      a.created - b.created || (sequence.get(a.id) ?? 0) - (sequence.get(b.id) ?? 0);
    const cursor = (id: string, param: string) => {
      const found = this.balanceTransactions.get(id);
      if (!found) throw noSuchParam("balance transaction", id, param);
      return found;
    };

    const matching = [...this.balanceTransactions.values()]
      .filter(
        (t) =>
          inRange(t.created, created) &&
          (type === undefined || t.type === type) &&
          (source === undefined || t.source === source) &&
          (currency === undefined || t.currency === currency) &&
          (payout === undefined || this.paidOutIn.get(t.id) === payout),
      )
      .sort((a, b) => newer(b, a));
    let data: Pinned<Stripe.BalanceTransaction>[];
    let hasMore: boolean;
    if (endingBefore !== undefined) {
      const before = cursor(endingBefore, "ending_before");
      const newerOnes = matching.filter((t) => newer(t, before) > 0);
      data = newerOnes.slice(-limit);
      hasMore = newerOnes.length > limit;
    } else {
      const after = startingAfter === undefined ? undefined : cursor(startingAfter, "starting_after");
      const olderOnes = after ? matching.filter((t) => newer(t, after) < 0) : matching;
      data = olderOnes.slice(0, limit);
      hasMore = olderOnes.length > limit;
    }
    return { object: "list", url: "/v1/balance_transactions", has_more: hasMore, data };
  }

  /**
   * The money moves: a captured charge and its balance transaction. When less than the
   * authorisation is captured, Stripe reports the released remainder as already refunded.
   */
  private settle(intent: Pinned<Stripe.PaymentIntent>, captured: number): Pinned<Stripe.Charge> {
    const chargeId = randomId("ch_");
    const created = this.now();
    const fee = processingFee(captured);
    const balance = this.addBalanceTransaction({
      amount: captured,
      currency: intent.currency,
      created,
      description: intent.description,
      fee,
      fee_details: [
        {
          amount: fee,
          application: null,
          currency: intent.currency,
          description: "Stripe processing fees",
          type: "stripe_fee",
        },
      ],
      source: chargeId,
      type: "charge",
      reporting_category: "charge",
    });

    const paymentMethodId = typeof intent.payment_method === "string" ? intent.payment_method : null;
    const paymentMethod = paymentMethodId ? this.paymentMethods.get(paymentMethodId) : undefined;
    const base = fixture("charge", {});
    const charge = fixture("charge", {
      id: chargeId,
      created,
      livemode: false,
      amount: intent.amount,
      amount_captured: captured,
      amount_refunded: intent.amount - captured,
      refunded: false,
      captured: true,
      paid: true,
      status: "succeeded",
      currency: intent.currency,
      customer: intent.customer,
      description: intent.description,
      payment_intent: intent.id,
      payment_method: paymentMethodId,
      metadata: clone(intent.metadata),
      transfer_group: intent.transfer_group,
      receipt_email: intent.receipt_email,
      balance_transaction: balance.id,
      billing_details: paymentMethod ? clone(paymentMethod.billing_details) : base.billing_details,
      payment_method_details: base.payment_method_details && {
        ...base.payment_method_details,
        card: base.payment_method_details.card && {
          ...base.payment_method_details.card,
          brand: "visa",
          last4: paymentMethod?.card?.last4 ?? "4242",
          fingerprint: paymentMethod?.card?.fingerprint ?? null,
          amount_authorized: intent.amount,
          wallet: null,
          overcapture: { maximum_amount_capturable: intent.amount, status: "unavailable" },
        },
      },
      outcome: {
        advice_code: null,
        network_advice_code: null,
        network_decline_code: null,
        network_status: "approved_by_network",
        reason: null,
        risk_level: "normal",
        seller_message: "Payment complete.",
        type: "authorized",
      },
      refunds: { object: "list", data: [], has_more: false, url: `/v1/charges/${chargeId}/refunds` },
      shipping: null,
      source: null,
      transfer_data: null,
    });
    this.charges.set(chargeId, charge);

    intent.status = "succeeded";
    intent.amount_received = captured;
    intent.amount_capturable = 0;
    intent.latest_charge = chargeId;
    return charge;
  }

  // -------------------------------------------------------------------------------------------
  // Refunds.

  private createRefund(p: Params): Pinned<Stripe.Refund> {
    const intentId = asString(p.payment_intent, "payment_intent");
    const chargeParam = asString(p.charge, "charge");
    let charge: Pinned<Stripe.Charge> | undefined;
    if (intentId) {
      const intent = this.paymentIntents.get(intentId);
      if (!intent) throw noSuchParam("payment_intent", intentId, "payment_intent");
      const latest = typeof intent.latest_charge === "string" ? intent.latest_charge : null;
      charge = latest ? this.charges.get(latest) : undefined;
      if (!charge || intent.status !== "succeeded") {
        throw invalidRequest(
          `This PaymentIntent (${intentId}) does not have a successful charge to refund.`,
          {
            param: "payment_intent",
          },
        );
      }
      if (chargeParam && chargeParam !== charge.id) {
        throw invalidRequest(`The charge ${chargeParam} does not belong to PaymentIntent ${intentId}.`, {
          param: "charge",
        });
      }
    } else if (chargeParam) {
      charge = this.charges.get(chargeParam);
      if (!charge) throw noSuchParam("charge", chargeParam, "charge");
    } else {
      throw invalidRequest(
        "One of the following params should be provided for this request: payment_intent or charge.",
      );
    }

    const left = charge.amount - charge.amount_refunded;
    if (left <= 0) {
      throw invalidRequest(`Charge ${charge.id} has already been refunded.`, {
        code: "charge_already_refunded",
      });
    }
    const amount = asInteger(p.amount, "amount") ?? left;
    if (amount < 1)
      throw invalidRequest("This value must be greater than or equal to 1.", { param: "amount" });
    if (amount > left) {
      throw invalidRequest(
        `Refund amount (${amount} ${charge.currency}) is greater than unrefunded amount on charge (${left} ${charge.currency})`,
        { param: "amount" },
      );
    }
    checkChargeAmount(amount, charge.currency, "amount", { minimum: false });
    const reason = asEnum(p.reason, "reason", ["duplicate", "fraudulent", "requested_by_customer"]);

    const refundId = randomId("re_");
    const created = this.now();
    const balance = this.addBalanceTransaction({
      amount: -amount,
      currency: charge.currency,
      created,
      source: refundId,
      type: "refund",
      reporting_category: "refund",
    });

    const refund = fixture("refund", {
      id: refundId,
      object: "refund",
      created,
      amount,
      currency: charge.currency,
      charge: charge.id,
      payment_intent: charge.payment_intent,
      customer: typeof charge.customer === "string" ? charge.customer : null,
      payment_method: null,
      reason: reason ?? null,
      metadata: asMetadata(p.metadata),
      status: "succeeded",
      balance_transaction: balance.id,
    });
    this.refunds.set(refundId, refund);

    charge.amount_refunded += amount;
    charge.refunded = charge.amount_refunded === charge.amount;
    charge.refunds?.data.unshift(clone(refund));
    return refund;
  }

  // -------------------------------------------------------------------------------------------
  // Connect: connected accounts, account links, transfers and their reversals.

  private createAccount(p: Params): Pinned<Stripe.Account> {
    const type = asEnum(p.type, "type", ["express", "standard", "custom"]);
    if (type === undefined) throw missingParam("type");
    const country = asString(p.country, "country")?.toUpperCase() ?? "FR";
    if (!/^[A-Z]{2}$/.test(country))
      throw invalidRequest(`Invalid country: ${country}`, { param: "country" });
    const businessType = asEnum(p.business_type, "business_type", [
      "individual",
      "company",
      "non_profit",
      "government_entity",
    ]);
    // Requested capabilities start inactive, until onboarding is done; transfers is always there.
    const capabilities: Pinned<Stripe.Account.Capabilities> = { transfers: "inactive" };
    for (const [name, raw] of Object.entries(asHash(p.capabilities, "capabilities") ?? {})) {
      const at = `capabilities[${name}]`;
      if (!isCapability(name)) {
        throw invalidRequest(
          `This test server knows only the capabilities ${CAPABILITIES.join(", ")} (got '${name}').`,
          {
            param: at,
          },
        );
      }
      if (asBoolean(asHash(raw, at)?.requested, `${at}[requested]`)) capabilities[name] = "inactive";
    }
    const id = randomId("acct_", 16);
    const account = fixture("account", {
      id,
      object: "account",
      type,
      created: this.now(),
      email: asString(p.email, "email") ?? null,
      country,
      default_currency: asCurrency(p.default_currency, "default_currency") ?? "eur",
      business_type: businessType ?? null,
      metadata: asMetadata(p.metadata),
      charges_enabled: false,
      payouts_enabled: false,
      details_submitted: false,
      capabilities,
      external_accounts: {
        object: "list",
        data: [],
        has_more: false,
        url: `/v1/accounts/${id}/external_accounts`,
      },
    });
    this.accounts.set(id, account);
    return account;
  }

  private accountUpdated(
    account: Pinned<Stripe.Account>,
    change: (account: Pinned<Stripe.Account>) => void,
  ): Stripe.Event[] {
    const before = clone(account);
    change(account);
    const previous: Partial<Pinned<Stripe.Account>> = {};
    const isField = (key: string): key is keyof Pinned<Stripe.Account> => Object.hasOwn(before, key);
    for (const key of Object.keys(before).filter(isField)) {
      if (!isDeepStrictEqual(before[key], account[key])) copyField(previous, before, key);
    }
    return [this.event("account.updated", account, { account: account.id, previousAttributes: previous })];
  }

  completeOnboarding = (accountId: string): Stripe.Event[] => {
    const account = this.accounts.get(accountId);
    if (!account) throw new Error(`completeOnboarding: no account ${accountId}`);
    return this.accountUpdated(account, (a) => {
      a.details_submitted = true;
      a.charges_enabled = true;
      a.payouts_enabled = true;
      const capabilities: Pinned<Stripe.Account.Capabilities> = {
        ...(a.capabilities ?? { transfers: "inactive" }),
      };
      for (const name of CAPABILITIES) if (capabilities[name] !== undefined) capabilities[name] = "active";
      a.capabilities = capabilities;
      if (a.requirements) {
        a.requirements = {
          ...a.requirements,
          currently_due: [],
          eventually_due: [],
          past_due: [],
          current_deadline: null,
          disabled_reason: null,
        };
      }
    });
  };

  restrictAccount = (accountId: string): Stripe.Event[] => {
    const account = this.accounts.get(accountId);
    if (!account) throw new Error(`restrictAccount: no account ${accountId}`);
    return this.accountUpdated(account, (a) => {
      a.payouts_enabled = false;
      a.capabilities = { ...a.capabilities, transfers: "inactive" };
      if (a.requirements) {
        const due = ["individual.verification.document"];
        a.requirements = {
          ...a.requirements,
          currently_due: due,
          eventually_due: due,
          past_due: due,
          disabled_reason: "requirements.past_due",
        };
      }
    });
  };

  private createAccountLink(p: Params): Pinned<Stripe.AccountLink> {
    const account = asString(p.account, "account");
    if (account === undefined) throw missingParam("account");
    if (!this.accounts.has(account)) throw noSuchParam("account", account, "account");
    const type = asEnum(p.type, "type", ["account_onboarding", "account_update"]);
    if (type === undefined) throw missingParam("type");
    const refreshUrl = asUrl(p.refresh_url, "refresh_url") ?? null;
    const returnUrl = asUrl(p.return_url, "return_url") ?? null;
    this.onboardingUrls.set(account, { refreshUrl, returnUrl });
    const created = this.now();
    return fixture("account_link", {
      object: "account_link",
      created,
      expires_at: created + 300,
      url: `${this.url}/connect/${account}`,
    });
  }

  private createTransfer(p: Params): Pinned<Stripe.Transfer> {
    const amount = asInteger(p.amount, "amount");
    if (amount === undefined) throw missingParam("amount");
    if (amount < 1)
      throw invalidRequest("This value must be greater than or equal to 1.", { param: "amount" });
    const currency = asCurrency(p.currency, "currency");
    if (currency === undefined) throw missingParam("currency");
    const destinationId = asString(p.destination, "destination");
    if (destinationId === undefined) throw missingParam("destination");
    const destination = this.accounts.get(destinationId);
    if (!destination) throw noSuchParam("destination", destinationId, "destination");
    if (destination.capabilities?.transfers !== "active") {
      throw invalidRequest(
        "Your destination account needs to have at least one of the following capabilities enabled: transfers, crypto_transfers, legacy_payments",
        { param: "destination" },
      );
    }
    const sourceTransaction = asString(p.source_transaction, "source_transaction") ?? null;
    const description = asString(p.description, "description") ?? null;
    const metadata = asMetadata(p.metadata);
    const transferGroup = asString(p.transfer_group, "transfer_group") ?? null;
    let fromCharge: Pick<Pinned<Stripe.BalanceTransaction>, "available_on" | "status"> | null = null;
    if (sourceTransaction !== null) {
      // The funds come from that charge (even while they would be pending): no balance check.
      const charge = this.charges.get(sourceTransaction);
      if (!charge) throw noSuchParam("charge", sourceTransaction, "source_transaction");
      if (charge.currency !== currency) {
        throw invalidRequest(
          `The currency of source_transaction's balance transaction (${charge.currency}) must be the same as the transfer currency (${currency}).`,
          { param: "currency" },
        );
      }
      fromCharge = this.sourceTransactionFunds(charge, amount);
    } else if (this.availableBalance(currency) < amount) {
      throw invalidRequest(
        "You have insufficient available funds in your Stripe account. Try adding funds directly to your available balance by creating Charges using the 4000000000000077 test card. See: https://stripe.com/docs/testing#available-balance",
        { code: "balance_insufficient" },
      );
    }

    const id = randomId("tr_");
    const created = this.now();
    const balance = this.addBalanceTransaction({
      amount: -amount,
      currency,
      created,
      description,
      source: id,
      type: "transfer",
      reporting_category: "transfer",
      ...fromCharge,
    });
    const transfer = fixture("transfer", {
      id,
      object: "transfer",
      created,
      livemode: false,
      amount,
      amount_reversed: 0,
      currency,
      description,
      destination: destinationId,
      destination_payment: randomId("py_"),
      metadata,
      reversals: { object: "list", data: [], has_more: false, url: `/v1/transfers/${id}/reversals` },
      reversed: false,
      source_transaction: sourceTransaction,
      transfer_group: transferGroup,
      balance_transaction: balance.id,
    });
    this.transfers.set(id, transfer);
    return transfer;
  }

  private createTransferReversal(p: Params, transferId: string): Pinned<Stripe.TransferReversal> {
    const transfer = this.find(this.transfers, "transfer", transferId);
    const left = transfer.amount - transfer.amount_reversed;
    // Stripe has no error code for this one (unlike charge_already_refunded): the message alone.
    if (left <= 0) throw invalidRequest(`The transfer ${transfer.id} is already fully reversed.`);
    const amount = asInteger(p.amount, "amount") ?? left;
    if (amount < 1)
      throw invalidRequest("This value must be greater than or equal to 1.", { param: "amount" });
    if (amount > left) {
      throw invalidRequest(
        `Reversal amount (${amount} ${transfer.currency}) is greater than the amount left on the transfer (${left} ${transfer.currency}).`,
        { param: "amount" },
      );
    }
    const metadata = asMetadata(p.metadata);
    const description = asString(p.description, "description") ?? null;

    const id = randomId("trr_");
    const created = this.now();
    const balance = this.addBalanceTransaction({
      amount,
      currency: transfer.currency,
      created,
      description,
      source: id,
      type: "transfer_refund",
      reporting_category: "transfer_reversal",
    });
    const reversal = fixture("transfer_reversal", {
      id,
      object: "transfer_reversal",
      created,
      amount,
      currency: transfer.currency,
      transfer: transfer.id,
      metadata,
      balance_transaction: balance.id,
    });
    this.transferReversals.set(id, reversal);

    transfer.amount_reversed += amount;
    transfer.reversed = transfer.amount_reversed === transfer.amount;
    transfer.reversals.data.unshift(clone(reversal));
    return reversal;
  }

  // -------------------------------------------------------------------------------------------
  // Pending and available funds: a charge's net is pending until its `available_on`, then available;
  // transfers without `source_transaction` and the platform's payouts take only available funds.

  /** When a new balance transaction's funds are available: a charge's after the settlement time, the rest at once. */
  private fundsAvailability(
    type: Pinned<Stripe.BalanceTransaction>["type"],
    created: number,
  ): Pick<Pinned<Stripe.BalanceTransaction>, "available_on" | "status"> {
    if (type !== "charge" || this.fundsPendingDays === 0)
      return { available_on: created, status: "available" };
    // Stripe's available_on is a midnight (UTC): the first one at least the settlement time away.
    const day = 24 * 3600;
    const availableOn = Math.ceil((created + this.fundsPendingDays * day) / day) * day;
    return { available_on: availableOn, status: availableOn <= this.now() ? "available" : "pending" };
  }

  /** Pending transactions whose `available_on` has come (the clock moved, or real time passed) become available. */
  private settleFunds(): void {
    const now = this.now();
    for (const t of this.balanceTransactions.values()) {
      if (t.status === "pending" && t.available_on <= now) t.status = "available";
    }
  }

  /** The net of a currency's balance transactions, available and pending. */
  private fundsIn(currency: string): { available: number; pending: number } {
    this.settleFunds();
    const funds = { available: 0, pending: 0 };
    for (const t of this.balanceTransactions.values()) {
      if (t.currency === currency) funds[t.status === "pending" ? "pending" : "available"] += t.net;
    }
    return funds;
  }

  balance = (): Pinned<Stripe.Balance> => {
    this.settleFunds();
    const currencies = [...new Set([...this.balanceTransactions.values()].map((t) => t.currency))].sort();
    if (currencies.length === 0) currencies.push("eur");
    const amounts = (state: "available" | "pending") =>
      currencies.map((currency) => {
        const amount = this.fundsIn(currency)[state];
        return { amount, currency, source_types: { card: amount } };
      });
    return fixture("balance", {
      object: "balance",
      livemode: false,
      available: amounts("available"),
      pending: amounts("pending"),
      connect_reserved: currencies.map((currency) => ({ amount: 0, currency })),
    });
  };

  releaseFunds = (currency?: string): number => {
    const code = currency?.toLowerCase();
    const now = this.now();
    let released = 0;
    for (const t of this.balanceTransactions.values()) {
      if (t.status !== "pending" || (code !== undefined && t.currency !== code)) continue;
      t.available_on = Math.min(t.available_on, now);
      t.status = "available";
      released++;
    }
    return released;
  };

  /**
   * A transfer funded by a charge: at most what is left of it (captured, less refunds and earlier
   * transfers from it), and pending until the charge's own funds are available, as Stripe says:
   * "the transfer itself doesn't occur until the funds from the source_transaction become available".
   */
  private sourceTransactionFunds(
    charge: Pinned<Stripe.Charge>,
    amount: number,
  ): Pick<Pinned<Stripe.BalanceTransaction>, "available_on" | "status"> {
    let transferred = 0;
    for (const t of this.transfers.values()) if (t.source_transaction === charge.id) transferred += t.amount;
    // amount_refunded includes an uncaptured remainder (see settle): amount − amount_refunded is what was kept.
    const left = charge.amount - charge.amount_refunded - transferred;
    if (amount > left) {
      throw invalidRequest(
        `The transfer amount (${amount} ${charge.currency}) exceeds what is left on the source_transaction ${charge.id} (${left} ${charge.currency}).`,
        { param: "amount" },
      );
    }
    this.settleFunds();
    const funds = this.balanceTransactions.get(String(charge.balance_transaction));
    if (!funds || funds.status === "available") return { available_on: this.now(), status: "available" };
    return { available_on: funds.available_on, status: "pending" };
  }

  // -------------------------------------------------------------------------------------------
  // The platform's payouts, and disputes: what Stripe does on its own, driven by the tests.

  payoutBalance = (currency: string): Pinned<Stripe.Payout> => {
    const code = currency.toLowerCase();
    const created = this.now();
    this.settleFunds();
    const included = [...this.balanceTransactions.values()].filter(
      (t) =>
        t.currency === code && t.created <= created && t.status === "available" && !this.paidOutIn.has(t.id),
    );
    const total = included.reduce((sum, t) => sum + t.net, 0);
    if (total <= 0) throw new Error(`payoutBalance: the ${code} balance to pay out is ${total}`);

    const id = randomId("po_");
    const balance = this.addBalanceTransaction({
      amount: -total,
      currency: code,
      created,
      description: "STRIPE PAYOUT",
      source: id,
      type: "payout",
      reporting_category: "payout",
    });
    for (const t of [...included, balance]) this.paidOutIn.set(t.id, id);
    const payout = fixture("payout", {
      id,
      object: "payout",
      created,
      arrival_date: created,
      livemode: false,
      amount: total,
      currency: code,
      automatic: true,
      status: "paid",
      metadata: {},
      balance_transaction: balance.id,
    });
    this.payouts.set(id, payout);
    return payout;
  };

  dispute = (chargeOrPaymentIntentId: string, options: { fee?: number } = {}): Stripe.Event[] => {
    let charge = this.charges.get(chargeOrPaymentIntentId);
    const intent = this.paymentIntents.get(chargeOrPaymentIntentId);
    if (intent && typeof intent.latest_charge === "string") charge = this.charges.get(intent.latest_charge);
    if (!charge) throw new Error(`dispute: no charge for ${chargeOrPaymentIntentId}`);
    if (charge.disputed) throw new Error(`dispute: charge ${charge.id} is already disputed`);
    const fee = options.fee ?? 1500;

    const id = randomId("dp_");
    const created = this.now();
    const amount = charge.amount_captured;
    const withdrawal = this.addBalanceTransaction({
      amount: -amount,
      currency: charge.currency,
      created,
      description: `Chargeback withdrawal for ${charge.id}`,
      fee,
      fee_details: [
        {
          amount: fee,
          application: null,
          currency: charge.currency,
          description: "Dispute fee",
          type: "stripe_fee",
        },
      ],
      source: id,
      type: "adjustment",
      reporting_category: "dispute",
    });
    const base = fixture("dispute", {});
    const dispute = fixture("dispute", {
      id,
      object: "dispute",
      created,
      livemode: false,
      amount,
      currency: charge.currency,
      charge: charge.id,
      payment_intent: charge.payment_intent,
      reason: "fraudulent",
      status: "needs_response",
      is_charge_refundable: false,
      metadata: {},
      balance_transactions: [clone(withdrawal)],
      evidence_details: { ...base.evidence_details, due_by: created + 7 * 24 * 3600 },
      payment_method_details: base.payment_method_details && {
        ...base.payment_method_details,
        card: base.payment_method_details.card && {
          ...base.payment_method_details.card,
          case_type: "chargeback",
        },
      },
    });
    this.disputes.set(id, dispute);
    charge.disputed = true;
    return [
      this.event("charge.dispute.created", dispute),
      this.event("charge.dispute.funds_withdrawn", dispute),
    ];
  };

  closeDispute = (disputeId: string, outcome: "won" | "lost"): Stripe.Event[] => {
    const dispute = this.disputes.get(disputeId);
    if (!dispute) throw new Error(`closeDispute: no dispute ${disputeId}`);
    if (dispute.status === "won" || dispute.status === "lost") {
      throw new Error(`closeDispute: dispute ${disputeId} is already ${dispute.status}`);
    }
    if (outcome === "lost") {
      dispute.status = "lost";
      return [this.event("charge.dispute.closed", dispute)];
    }
    const chargeId = typeof dispute.charge === "string" ? dispute.charge : dispute.charge.id;
    const reinstated = this.addBalanceTransaction({
      amount: dispute.amount,
      currency: dispute.currency,
      description: `Chargeback reversal for ${chargeId}`,
      source: dispute.id,
      type: "adjustment",
      reporting_category: "dispute_reversal",
    });
    dispute.balance_transactions.push(clone(reinstated));
    dispute.status = "won";
    return [
      this.event("charge.dispute.funds_reinstated", dispute),
      this.event("charge.dispute.closed", dispute),
    ];
  };

  // -------------------------------------------------------------------------------------------
  // SEPA Direct Debit: payment methods that settle later. A debit cannot be held (no manual
  // capture); it is `processing` until the bank answers, days later on Stripe, when a test says so here.

  /** sepa_debit payment method id → what its test IBAN does. */
  private readonly debits = new Map<string, TestIbanOutcome>();
  /** A processing PaymentIntent made by a Checkout Session → that session (for its async_payment_* event). */
  private readonly debitSessions = new Map<string, string>();

  /**
   * API 2026-10-28: `allowed_payment_method_types` filters what Checkout offers (the session reports
   * the result in `payment_method_types`); `payment_method_options[card][capture_method]=manual`
   * holds card payments only. SEPA Direct Debit debits only euros, and is not offered when the whole
   * session is manual capture (it cannot be held), as Checkout hides methods that cannot be.
   */
  private applyPaymentMethods(
    session: Pinned<Stripe.Checkout.Session>,
    p: Params,
    extras: SessionExtras,
  ): void {
    const allowed = (asArray(p.allowed_payment_method_types, "allowed_payment_method_types") ?? []).map(
      (t, i) => asString(t, `allowed_payment_method_types[${i}]`) ?? "",
    );
    const known = ["card", "sepa_debit"];
    allowed.forEach((type, i) => {
      if (!known.includes(type)) {
        throw invalidRequest(`This test server knows only ${known.join(", ")} (got '${type}').`, {
          param: `allowed_payment_method_types[${i}]`,
        });
      }
    });
    if (allowed.includes("sepa_debit") && session.currency !== "eur") {
      throw invalidRequest(
        `The payment method type sepa_debit is invalid for currency ${session.currency}: it only supports eur.`,
        { param: "allowed_payment_method_types", code: "payment_method_currency_mismatch" },
      );
    }
    const options = asHash(p.payment_method_options, "payment_method_options") ?? {};
    for (const key of Object.keys(options)) {
      if (!known.includes(key)) {
        throw invalidRequest(`Received unknown parameter: payment_method_options[${key}]`, {
          param: `payment_method_options[${key}]`,
        });
      }
    }
    const cardCapture = asEnum(
      asHash(options.card, "payment_method_options[card]")?.capture_method,
      "payment_method_options[card][capture_method]",
      ["manual"],
    );
    if (cardCapture !== undefined && session.mode !== "payment") {
      throw invalidRequest(
        "`payment_method_options[card][capture_method]` can only be used in `payment` mode.",
        {
          param: "payment_method_options[card][capture_method]",
        },
      );
    }
    if (cardCapture === "manual") extras.paymentIntentData.captureMethod = "manual";
    const wholeSessionManual =
      cardCapture === undefined && extras.paymentIntentData.captureMethod === "manual";
    if (allowed.length > 0) {
      session.allowed_payment_method_types = allowed;
      session.payment_method_types = allowed.filter(
        (type) => !(type === "sepa_debit" && session.mode === "payment" && wholeSessionManual),
      );
    }
    // Where the card alone is held, the session's own capture stays automatic for the others.
    this.cardOnlyManual.set(session.id, cardCapture === "manual");
  }

  /** Sessions holding only card payments (payment_method_options[card][capture_method]=manual). */
  private readonly cardOnlyManual = new Map<string, boolean>();

  private newSepaPaymentMethod(
    iban: string,
    outcome: TestIbanOutcome,
    customer: string | null,
    email: string | null,
  ): Pinned<Stripe.PaymentMethod> {
    const paymentMethod = fixture("payment_method", {
      id: randomId("pm_"),
      created: this.now(),
      livemode: false,
      type: "sepa_debit",
      customer,
      metadata: {},
      billing_details: {
        address: { city: null, country: null, line1: null, line2: null, postal_code: null, state: null },
        email,
        name: "Jenny Rosen",
        phone: null,
        tax_id: null,
      },
      sepa_debit: {
        bank_code: iban.slice(4, 9),
        branch_code: "",
        country: iban.slice(0, 2),
        fingerprint: `sepa${iban.slice(-8)}`,
        generated_from: null,
        last4: iban.slice(-4),
      },
    });
    delete paymentMethod.card;
    this.paymentMethods.set(paymentMethod.id, paymentMethod);
    this.debits.set(paymentMethod.id, outcome);
    return paymentMethod;
  }

  completeCheckoutWithIban = (sessionId: string, iban: string): Stripe.Event[] => {
    const open = this.openSession("completeCheckoutWithIban", sessionId);
    const { session, extras, customerId, email } = open;
    if (!session.payment_method_types.includes("sepa_debit")) {
      throw new Error(
        `completeCheckoutWithIban: Checkout Session ${sessionId} does not offer sepa_debit (it offers ${session.payment_method_types.join(", ")})`,
      );
    }
    const compact = iban.replace(/\s/g, "").toUpperCase();
    const outcome = isTestIban(compact) ? TEST_IBANS[compact] : undefined;
    if (!outcome) throw new Error(`completeCheckoutWithIban: ${iban} is not one of Stripe's test IBANs here`);
    if (session.mode === "setup") {
      return this.completeSetup(
        open,
        (customer) => this.newSepaPaymentMethod(compact, outcome, customer, email),
        "sepa_debit",
      );
    }

    const data = extras.paymentIntentData;
    const paymentMethod = this.newSepaPaymentMethod(compact, outcome, customerId, email);
    const intent = this.newPaymentIntent({
      amount: session.amount_total ?? 0,
      currency: session.currency ?? "eur",
      customer: customerId,
      payment_method: paymentMethod.id,
      metadata: clone(data.metadata),
      transfer_group: data.transferGroup,
      description: data.description,
      // Held cards only: the debit is taken at once.
      capture_method: this.cardOnlyManual.get(sessionId) ? "automatic" : data.captureMethod,
      automatic_payment_methods: null,
      payment_method_types: ["sepa_debit"],
    });
    this.startDebit(intent);
    this.debitSessions.set(intent.id, sessionId);
    this.finishSession(session, email, { payment_intent: intent.id, payment_status: "unpaid" });
    return [
      this.event("checkout.session.completed", session),
      this.event("payment_intent.processing", intent),
    ];
  };

  /** Confirmation on a sepa_debit payment method: no capture to hold; the debit goes to the bank. */
  private startDebit(intent: Pinned<Stripe.PaymentIntent>): void {
    if (intent.capture_method === "manual") {
      throw invalidRequest(
        "The PaymentMethod type sepa_debit does not support manual capture: use capture_method=automatic.",
        { param: "capture_method", code: "payment_intent_invalid_parameter" },
      );
    }
    if (intent.currency !== "eur") {
      throw invalidRequest(`sepa_debit only supports eur, not ${intent.currency}.`, {
        param: "currency",
        code: "payment_method_currency_mismatch",
      });
    }
    if (!intent.payment_method_types.includes("sepa_debit")) {
      intent.payment_method_types = [...intent.payment_method_types, "sepa_debit"];
    }
    intent.status = "processing";
    intent.amount_capturable = 0;
  }

  settleDebit = (paymentIntentId: string): Stripe.Event[] => {
    const intent = this.paymentIntents.get(paymentIntentId);
    if (!intent) throw new Error(`settleDebit: no PaymentIntent ${paymentIntentId}`);
    if (intent.status !== "processing") {
      throw new Error(`settleDebit: PaymentIntent ${paymentIntentId} is ${intent.status}, not processing`);
    }
    const paymentMethodId = typeof intent.payment_method === "string" ? intent.payment_method : "";
    const outcome = this.debits.get(paymentMethodId);
    if (!outcome) throw new Error(`settleDebit: ${paymentIntentId} is not a SEPA debit`);
    const sessionId = this.debitSessions.get(paymentIntentId);
    const session = sessionId ? this.sessions.get(sessionId) : undefined;
    const events: Stripe.Event[] = [];
    if (outcome === "succeeds" || outcome === "succeeds_later") {
      const charge = this.settle(intent, intent.amount);
      const paymentMethod = this.paymentMethods.get(paymentMethodId);
      const base = fixture("charge", {});
      charge.payment_method_details = base.payment_method_details && {
        type: "sepa_debit",
        sepa_debit: {
          bank_code: paymentMethod?.sepa_debit?.bank_code ?? null,
          branch_code: paymentMethod?.sepa_debit?.branch_code ?? null,
          country: paymentMethod?.sepa_debit?.country ?? null,
          fingerprint: paymentMethod?.sepa_debit?.fingerprint ?? null,
          last4: paymentMethod?.sepa_debit?.last4 ?? null,
          mandate: null,
        },
      };
      events.push(this.event("charge.succeeded", charge), this.event("payment_intent.succeeded", intent));
      if (session) {
        session.payment_status = "paid";
        events.push(this.event("checkout.session.async_payment_succeeded", session));
      }
      return events;
    }
    const error = {
      type: "invalid_request_error",
      code: "insufficient_funds",
      message: "The customer's account has insufficient funds to cover this payment.",
      doc_url: docUrl("insufficient_funds"),
      payment_method: clone(this.paymentMethods.get(paymentMethodId)),
    } satisfies StripeErrorBody & KnownError;
    intent.status = "requires_payment_method";
    intent.payment_method = null;
    intent.last_payment_error = clone(error);
    events.push(this.event("payment_intent.payment_failed", intent));
    if (session) events.push(this.event("checkout.session.async_payment_failed", session));
    return events;
  };
}

/** The discriminant decides which of the SDK's event interfaces an event is. */
function isEventOf<T extends Stripe.Event.Type>(event: Stripe.EventBase, type: T): event is EventOf<T> {
  return event.type === type;
}

function copyField<T, K extends keyof T>(to: Partial<T>, from: T, key: K): void {
  to[key] = from[key];
}

/** The capabilities a connected account may request here (the app asks for transfers). */
const CAPABILITIES = [
  "card_payments",
  "sepa_debit_payments",
  "transfers",
] as const satisfies readonly (keyof Stripe.Account.Capabilities)[];

function isCapability(name: string): name is (typeof CAPABILITIES)[number] {
  const known: readonly string[] = CAPABILITIES;
  return known.includes(name);
}

function headerValue(req: IncomingMessage, name: string): string | null {
  const value = req.headers[name];
  return (Array.isArray(value) ? value[0] : value) ?? null;
}

/**
 * A refusal that the endpoint itself decided (not a validation of the parameters): the available
 * balance was short. Stripe saves it like any result, so the same key gets the same refusal.
 */
function refusedWhileRunning(body: string): boolean {
  return (JSON.parse(body) as { error?: { code?: string } }).error?.code === "balance_insufficient";
}
