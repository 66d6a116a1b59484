// One way to fail: every expected failure is an AppError of a domain, with a code from the one table
// below that gives its HTTP status, the message key a page shows and the form field it concerns.
import type { MessageKey } from "~/i18n/keys";

/** What a failure answers: its status, the words a person reads (a key), the field it is about. */
export interface ErrorAnswer {
  status: number;
  message: MessageKey;
  field?: string;
}

/**
 * Every code each domain throws, and its answer. A 404 reads as the missing page; a 500 is a fault
 * (logged, never shown in detail); a 503 is "try again in a moment", nothing having been done.
 */
export const errorAnswers = {
  auth: {
    too_many_requests: { status: 429, message: "auth.tooMany", field: "email" },
    forbidden: { status: 403, message: "error.forbidden.body" },
    display_name_required: {
      status: 400,
      message: "profile.error.displayNameRequired",
      field: "displayName",
    },
    account_not_found: { status: 404, message: "error.notFound.body" },
    account_not_deletable: { status: 409, message: "privacy.delete.blocked" },
  },
  pledges: {
    campaign_not_found: { status: 404, message: "error.notFound.body" },
    campaign_closed: { status: 409, message: "pledge.error.campaignClosed" },
    tier_not_found: { status: 400, message: "pledge.error.tierUnknown", field: "tierId" },
    sold_out: { status: 409, message: "pledge.error.soldOut", field: "tierId" },
    amount_below_minimum: { status: 400, message: "pledge.error.amountBelowMinimum", field: "amount" },
    amount_too_large: { status: 400, message: "pledge.error.amountTooLarge", field: "amount" },
    amount_not_chargeable: { status: 400, message: "pledge.error.amountDecimals", field: "amount" },
    pledge_not_found: { status: 404, message: "error.notFound.body" },
    not_changeable: { status: 409, message: "pledgePage.locked" },
    submission_reused: { status: 409, message: "pledge.error.formExpired" },
    address_required: { status: 400, message: "pledge.error.shipLine1Required", field: "shipLine1" },
    pickup_unavailable: { status: 400, message: "pledge.error.pickupUnavailable", field: "delivery" },
    addresses_locked: { status: 409, message: "pledgePage.addressLocked" },
    zone_not_shipped: { status: 400, message: "pledge.error.shipZoneUnavailable", field: "shipCountry" },
    shipping_zone_locked: { status: 409, message: "pledgePage.shippingZoneLocked", field: "shipCountry" },
  },
  refunds: {
    pledge_not_found: { status: 404, message: "error.notFound.body" },
    reason_required: { status: 400, message: "admin.error.reason", field: "reason" },
    bad_refund_amount: { status: 400, message: "admin.error.amount", field: "amount" },
    not_refundable: { status: 409, message: "admin.error.notRefundable" },
    refund_refused: { status: 409, message: "admin.error.refundRefused", field: "amount" },
    refund_in_transaction: { status: 500, message: "error.server.body" },
    refund_exceeds_pledge: { status: 500, message: "error.server.body" },
  },
  checkout: {
    payment_unavailable: { status: 503, message: "pledge.error.paymentUnavailable" },
    bad_signature: { status: 400, message: "error.request.body" },
  },
  payouts: {
    campaign_not_found: { status: 404, message: "error.notFound.body" },
    payout_not_found: { status: 404, message: "error.notFound.body" },
    connect_unavailable: { status: 409, message: "payouts.error.noStripe" },
    not_payable: { status: 409, message: "payouts.error.notPayable" },
    fees_pending: { status: 409, message: "payouts.error.feesPending" },
    payout_in_flight: { status: 409, message: "payouts.error.inFlight" },
    nothing_due: { status: 409, message: "payouts.error.nothingDue" },
    stale_amount: { status: 409, message: "payouts.error.stale" },
    payout_state: { status: 409, message: "payouts.error.state" },
    reference_required: { status: 400, message: "payouts.error.reference", field: "reference" },
    reason_required: { status: 400, message: "admin.error.reason", field: "reason" },
    bad_fee: { status: 400, message: "payouts.error.rate", field: "feeBps" },
    ledger_mismatch: { status: 500, message: "error.server.body" },
  },
  ledger: {
    ledger_not_integer: { status: 500, message: "error.server.body" },
    ledger_unbalanced: { status: 500, message: "error.server.body" },
  },
  campaigns: {
    campaign_not_found: { status: 404, message: "error.notFound.body" },
    slug_taken: { status: 409, message: "editor.error.slugTaken", field: "slug" },
    frozen_after_launch: { status: 409, message: "editor.error.frozen" },
    closed: { status: 409, message: "editor.error.state" },
    tier_not_found: { status: 404, message: "error.notFound.body" },
    limit_below_claimed: { status: 409, message: "editor.error.limitBelowClaimed", field: "limit" },
    limit_lowered: { status: 409, message: "editor.error.frozen", field: "limit" },
    tier_has_pledges: { status: 409, message: "editor.error.tierHasPledges" },
    goal_not_found: { status: 404, message: "error.notFound.body" },
    faq_not_found: { status: 404, message: "error.notFound.body" },
    budget_line_not_found: { status: 404, message: "error.notFound.body" },
    too_many_budget_lines: { status: 409, message: "editor.error.budgetTooMany", field: "label" },
    not_a_draft: { status: 409, message: "editor.error.state" },
    not_in_review: { status: 409, message: "editor.error.state" },
    bad_end_date: { status: 409, message: "editor.error.endDate", field: "endDate" },
    bad_cover: { status: 400, message: "editor.error.cover", field: "cover" },
    not_public: { status: 409, message: "editor.error.state" },
    comment_not_found: { status: 404, message: "error.notFound.body" },
    comments_closed: { status: 409, message: "comments.error.closed", field: "body" },
    already_reported: { status: 409, message: "comments.error.alreadyReported" },
    own_comment: { status: 409, message: "comments.error.ownComment" },
  },
} as const satisfies Record<string, Record<string, ErrorAnswer>>;

export type ErrorDomain = keyof typeof errorAnswers;
/** A domain's codes; over every domain (the default), any code of any of them. */
export type ErrorCode<D extends ErrorDomain = ErrorDomain> = D extends ErrorDomain
  ? keyof (typeof errorAnswers)[D] & string
  : never;

export interface ErrorDetails {
  /** The field this failure is about, when the throw site knows better than the table (a frozen field). */
  field?: string;
  /** Other words than the table's, when the place the failure happens in calls for them. */
  messageKey?: MessageKey;
}

function answerOf(domain: ErrorDomain, code: string): ErrorAnswer | undefined {
  return (errorAnswers[domain] as Record<string, ErrorAnswer>)[code];
}

/**
 * Marks an AppError whichever copy of this module made it: server.ts runs this file from source
 * while the build bundles its own, so `instanceof` across the two is false (a 404 became a 500).
 */
const appErrorBrand = Symbol.for("tour-de-table.AppError");

/** Whether a value is an AppError, from this module or from another copy of it. */
export function isAppError(value: unknown): value is AppError {
  return typeof value === "object" && value !== null && Object.hasOwn(value, appErrorBrand);
}

/**
 * An expected failure: `code` for programs and tests, `status`, `messageKey` and `field` from the
 * table, `message` the developer's text (logs, never a page).
 */
export class AppError<D extends ErrorDomain = ErrorDomain> extends Error {
  readonly domain: D;
  readonly code: ErrorCode<D>;
  readonly status: number;
  readonly messageKey: MessageKey;
  readonly field?: string;

  constructor(domain: D, code: ErrorCode<D>, message: string, details: ErrorDetails = {}) {
    super(message);
    this.name = "AppError";
    Object.defineProperty(this, appErrorBrand, { value: true });
    this.domain = domain;
    this.code = code;
    const answer = answerOf(domain, code);
    if (!answer) throw new Error(`No answer for ${domain}.${code} in app/lib/errors.ts`);
    this.status = answer.status;
    this.messageKey = details.messageKey ?? answer.message;
    const field = details.field ?? answer.field;
    if (field !== undefined) this.field = field;
  }
}

/** The error class of one domain: `new PledgeError("sold_out", "…")`, and `instanceof` as usual. */
function domainError<D extends ErrorDomain>(domain: D, name: string) {
  return class extends AppError<D> {
    constructor(code: ErrorCode<D>, message: string, details?: ErrorDetails) {
      super(domain, code, message, details);
      this.name = name;
    }
  };
}

export const AuthError = domainError("auth", "AuthError");
export type AuthError = InstanceType<typeof AuthError>;
export const PledgeError = domainError("pledges", "PledgeError");
export type PledgeError = InstanceType<typeof PledgeError>;
export const RefundError = domainError("refunds", "RefundError");
export type RefundError = InstanceType<typeof RefundError>;
export const CheckoutError = domainError("checkout", "CheckoutError");
export type CheckoutError = InstanceType<typeof CheckoutError>;
export const PayoutError = domainError("payouts", "PayoutError");
export type PayoutError = InstanceType<typeof PayoutError>;
export const LedgerError = domainError("ledger", "LedgerError");
export type LedgerError = InstanceType<typeof LedgerError>;
export const CampaignError = domainError("campaigns", "CampaignError");
export type CampaignError = InstanceType<typeof CampaignError>;

/**
 * A failure the person can be told about (and the page answer keeps its status): any 4xx, and a 503,
 * where nothing was done and trying again later may work. Anything else is a fault.
 */
export function isRefusal(error: unknown): error is AppError {
  return isAppError(error) && (error.status < 500 || error.status === 503);
}
