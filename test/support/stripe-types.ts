// The SDK's types made strict for the local Stripe server: enums closed to the values the pinned SDK
// lists, and Stripe's example objects (test/fixtures/stripe) typed and checked against the SDK's shapes.
import type Stripe from "stripe";
import fixtureFile from "../fixtures/stripe/fixtures.json" with { type: "json" };

// ---------------------------------------------------------------------------------------------
// Closed enums. The SDK types every enum as "the values it knows | OtherString" (`string & {}`),
// so that an integration copes with values added later: `ui_mode: "hosted"` compiles against
// `Stripe.Checkout.Session`. A fake must do the opposite, send only what the pinned API version
// knows, so `Pinned<T>` drops the open end of every enum, deeply.

type Primitive = string | number | bigint | boolean | symbol | null | undefined;

/** The string literal members of T; `string` and the SDK's `OtherString` are no literals. */
type StringLiterals<T> = T extends string ? (string extends T ? never : T) : never;

/** An enum (literals joined with a plain string) loses its plain string; a plain `string` stays. */
type CloseEnum<T> = [StringLiterals<T>] extends [never] ? T : StringLiterals<T> | Exclude<T, string>;

type PinnedMember<T> = T extends Primitive
  ? T
  : T extends Stripe.Decimal | ((...args: never[]) => unknown)
    ? T
    : T extends readonly (infer Item)[]
      ? Pinned<Item>[]
      : { [K in keyof T]: Pinned<T[K]> };

/**
 * T as the pinned API version knows it: every enum value one the SDK lists (no `OtherString`), at
 * every depth. A `Pinned<Stripe.X>` is a `Stripe.X`; the reverse holds only for known values.
 */
export type Pinned<T> = PinnedMember<CloseEnum<T>>;

// ---------------------------------------------------------------------------------------------
// Stripe's example objects, one per resource the server returns, and the SDK type each one is.

export interface FixtureTypes {
  // Events are built by type (`Stripe.Event` is a union of one interface per type): the example
  // gives the envelope only.
  account: Stripe.Account;
  account_link: Stripe.AccountLink;
  balance: Stripe.Balance;
  balance_transaction: Stripe.BalanceTransaction;
  charge: Stripe.Charge;
  "checkout.session": Stripe.Checkout.Session;
  customer: Stripe.Customer;
  dispute: Stripe.Dispute;
  event: Stripe.EventBase;
  payment_intent: Stripe.PaymentIntent;
  payment_method: Stripe.PaymentMethod;
  payout: Stripe.Payout;
  refund: Stripe.Refund;
  setup_intent: Stripe.SetupIntent;
  transfer: Stripe.Transfer;
  transfer_reversal: Stripe.TransferReversal;
}

export type FixtureName = keyof FixtureTypes;

type Resources = (typeof fixtureFile)["resources"];

/**
 * What JSON can say of T: literal enums become `string` (a JSON module's strings are never
 * literals), the rest keeps its shape. The fixtures are checked against this, field by field.
 */
type JsonShape<T> = T extends string
  ? string
  : T extends Primitive
    ? T
    : T extends Stripe.Decimal | ((...args: never[]) => unknown)
      ? never
      : T extends readonly (infer Item)[]
        ? JsonShape<Item>[]
        : { [K in keyof T]: JsonShape<T[K]> };

/** Top-level fields the example lacks (and the SDK requires), or whose example value has another shape. */
type Gaps<N extends FixtureName> = {
  [K in keyof FixtureTypes[N]]-?: K extends keyof Resources[N]
    ? [Resources[N][K]] extends [JsonShape<FixtureTypes[N][K]>]
      ? never
      : K
    : undefined extends FixtureTypes[N][K]
      ? never
      : K;
}[keyof FixtureTypes[N]];

/** Fields the example has and the SDK does not know (renamed or removed): none may be left. */
type UnknownFields = {
  [N in FixtureName]: Exclude<keyof Resources[N], keyof FixtureTypes[N]> extends infer K extends PropertyKey
    ? [K] extends [never]
      ? never
      : `${N}.${K & string}`
    : never;
}[FixtureName];
const noUnknownFields: [UnknownFields] extends [never] ? true : UnknownFields = true;
void noUnknownFields;

/** `Pick` without its constraint (tsc cannot relate `Gaps<N>` to the keys of `Pinned<…>` for every N). */
type PickFields<T, K> = { [P in keyof T as P extends K ? P : never]: T[P] };

/**
 * What the pinned API version sends and Stripe's examples (an older `fixtures3.json`) lack: written
 * here in TypeScript, so tsc checks them whole. When an SDK upgrade adds a required field, this
 * table fails to compile until it is given; an entry the examples no longer need fails too.
 */
const FIXTURE_GAPS: { [N in FixtureName]: PickFields<Pinned<FixtureTypes[N]>, Gaps<N>> } = {
  account: {
    business_profile: {
      annual_revenue: { amount: null, currency: null, fiscal_year_end: null },
      estimated_worker_count: null,
      mcc: null,
      minority_owned_business_designation: null,
      name: null,
      product_description: null,
      specified_commercial_transactions_act_url: null,
      support_address: {
        city: null,
        country: null,
        line1: null,
        line2: null,
        postal_code: null,
        state: null,
      },
      support_email: null,
      support_phone: null,
      support_url: null,
      url: null,
    },
  },
  account_link: {},
  balance: {},
  balance_transaction: {},
  charge: {
    // The example's card, as the pinned version describes a card payment (it adds the network's ECI).
    payment_method_details: {
      type: "card",
      card: {
        amount_authorized: null,
        authorization_code: null,
        brand: "visa",
        checks: { address_line1_check: null, address_postal_code_check: null, cvc_check: "pass" },
        country: "US",
        electronic_commerce_indicator: null,
        exp_month: 8,
        exp_year: 2030,
        extended_authorization: { status: "disabled" },
        fingerprint: "AOB934RVNwzk6xtn",
        funding: "credit",
        incremental_authorization: { status: "unavailable" },
        installments: null,
        last4: "4242",
        mandate: null,
        multicapture: { status: "unavailable" },
        network: "visa",
        network_token: { used: false },
        network_transaction_id: null,
        overcapture: { maximum_amount_capturable: 100, status: "unavailable" },
        regulated_status: null,
        three_d_secure: null,
        transaction_link_id: null,
        wallet: null,
      },
    },
    // The example's destination is a bare {id, object}, not an account: no Connect destination here.
    transfer_data: null,
  },
  // The example's `currency_conversion.fx_rate` is a string where the SDK has a Decimal.
  "checkout.session": { allowed_payment_method_types: null, currency_conversion: null },
  customer: {},
  dispute: {
    evidence_details: {
      due_by: 1723679999,
      enhanced_eligibility: {},
      has_evidence: false,
      past_due: false,
      submission_count: 0,
      submission_method: "not_submitted",
    },
    intended_submission_method: null,
  },
  event: {},
  payment_intent: { allowed_payment_method_types: null, payment_record: null, transfer_data: null },
  payment_method: {},
  payout: {},
  refund: {},
  setup_intent: { allowed_payment_method_types: null },
  transfer: {},
  transfer_reversal: {},
};

/**
 * Stripe's example object for a resource, with the fields it lacks filled in, typed as the SDK's
 * own type. The one place JSON becomes an SDK type: the shapes are checked above (`Gaps`,
 * `UnknownFields`), the `object` name here; enum values come from Stripe's own examples.
 */
export function example<N extends FixtureName>(name: N): Pinned<FixtureTypes[N]> {
  const found: Resources[N] | undefined = fixtureFile.resources[name];
  // A name from outside tsc's reach (JavaScript, or past a @ts-expect-error) is refused plainly.
  if (found === undefined) throw new Error(`No Stripe fixture for ${name}`);
  const json = structuredClone(found);
  if (json.object !== name) throw new Error(`The Stripe fixture ${name} is a ${json.object}`);
  return { ...json, ...FIXTURE_GAPS[name] } as Pinned<FixtureTypes[N]>;
}

/**
 * A fresh object of a resource: Stripe's example (completed by `example`), then the fields the
 * server decides. The overrides are checked against the SDK's type with closed enums (`Pinned`):
 * a misspelled field, or a value the pinned API version does not know, fails tsc.
 */
export function build<N extends FixtureName>(
  resource: N,
  overrides: Partial<Pinned<FixtureTypes[N]>>,
): Pinned<FixtureTypes[N]> {
  return Object.assign(example(resource), overrides);
}
