// The payment provider behind one interface: Stripe when a key is configured, else the simulated
// gateway that runs the whole product offline. Domain code never names a provider.
import type { FundingModel, GatewayName } from "#db/schema.ts";

export interface CheckoutRequest {
  pledgeId: string;
  campaignId: string;
  campaignTitle: string;
  fundingModel: FundingModel;
  amount: number;
  currency: string;
  backerEmail: string;
  backerName: string;
  locale: string;
  successUrl: string;
  cancelUrl: string;
  expiresAt: Date;
  /** Set when a backer gives a new card after a failed charge: the n-th such checkout. */
  cardUpdate?: number;
}

export interface CheckoutSession {
  sessionId: string;
  /** Where to send the backer: absolute for Stripe, a path on this site for the simulation. */
  url: string;
  customerId: string | null;
}

/** A checkout session as the gateway sees it now: Stripe's `status` and `payment_status`, and what it left. */
export interface CheckoutStatus {
  /** `open`: the backer may still pay; `complete`: paid or card saved; `expired`: can never complete. */
  status: "open" | "complete" | "expired";
  /** `paid` when the money was taken at once; `unpaid` for an authorisation; `no_payment_required` in setup mode. */
  paymentStatus: "paid" | "unpaid" | "no_payment_required";
  customerId: string | null;
  setupIntentId: string | null;
  paymentIntentId: string | null;
  /** The card saved by a setup-mode session. */
  paymentMethodId: string | null;
}

export interface ChargeRequest {
  pledgeId: string;
  campaignId: string;
  amount: number;
  currency: string;
  customerId: string;
  paymentMethodId: string;
  /** `pledge-<id>-attempt-<n>`: a retry after a crash reuses it, so nobody is charged twice. */
  idempotencyKey: string;
  description: string;
}

/**
 * `processing`: the payment method settles later (SEPA Direct Debit, days): the money is on its way,
 * and `payment_intent.succeeded` or `payment_intent.payment_failed` will say how it ended.
 */
export type ChargeResult =
  | { status: "succeeded"; paymentIntentId: string; chargeId: string | null }
  | { status: "processing"; paymentIntentId: string }
  | { status: "failed"; code: string; message: string; paymentIntentId: string | null };

/** The payment methods a checkout offers: cards, and SEPA Direct Debit where the currency is the euro. */
export type PaymentMethodKind = "card" | "sepa_debit";

/** `processing`: a debit cannot be held and captured; it was taken at once and settles later. */
export type CaptureResult = { status: "captured"; chargeId: string | null } | { status: "processing" };

export interface RefundRequest {
  pledgeId: string;
  /** Our refund row: `idempotencyKey` is `refund-<refundId>`. */
  refundId: string;
  paymentIntentId: string;
  amount: number;
  reason: string;
  idempotencyKey: string;
}

/** A refusal (more than what is left on the payment, say) is a result; a network failure throws. */
export type RefundResult =
  { status: "succeeded"; refundId: string } | { status: "refused"; code: string; message: string };

export interface PaymentGateway {
  readonly name: GatewayName;
  /** True when no real money can move: shown on every page as a banner. */
  readonly testMode: boolean;
  /** All-or-nothing saves the card (setup); flexible authorises the payment, captured once counted. */
  createCheckout(request: CheckoutRequest): Promise<CheckoutSession>;
  /** Closes a checkout the backer left, so it cannot complete later. */
  expireCheckout(sessionId: string): Promise<void>;
  /**
   * Where a checkout stands now, asked before a pledge is given up on (its webhook may still be on
   * its way). A network failure throws: the caller asks again later.
   */
  checkoutStatus(sessionId: string): Promise<CheckoutStatus>;
  /** Takes an authorised payment; a debit (SEPA) already taken and still settling says `processing`. */
  capturePayment(paymentIntentId: string, idempotencyKey: string): Promise<CaptureResult>;
  /** Lets an authorisation go: the card is never charged. */
  cancelPayment(paymentIntentId: string, idempotencyKey: string): Promise<void>;
  /**
   * Charges a saved card or SEPA mandate off-session (all-or-nothing, at the deadline). A decline or
   * a bank asking for authentication is a result, and so is a debit still `processing`; a network or
   * server failure throws (the run retries later).
   */
  chargeSavedCard(request: ChargeRequest): Promise<ChargeResult>;
  /** Refunds part or all of a payment; never more than what it captured minus what it refunded. */
  refundPayment(request: RefundRequest): Promise<RefundResult>;
  /**
   * The provider's fee on a payment and when its money becomes available to transfer (card funds stay
   * pending for days), both from its balance transaction; null while not yet known.
   */
  paymentSettlement(paymentIntentId: string): Promise<PaymentSettlement | null>;
  /** Stripe Connect, for paying owners; absent from the simulated gateway. */
  readonly connect?: ConnectApi;
}

export interface PaymentSettlement {
  fee: number;
  availableAt: Date;
}

/** An owner's Express account as Stripe reports it. */
export interface PayoutAccountStatus {
  accountId: string;
  payoutsEnabled: boolean;
  detailsSubmitted: boolean;
}

/** One line of the platform's Stripe balance, as imported for reconciliation. */
export interface BalanceLine {
  id: string;
  createdAt: string;
  type: string;
  /** Stripe's reporting category: charge, refund, dispute, dispute_reversal, transfer, transfer_reversal, payout… */
  category: string;
  amount: number;
  fee: number;
  net: number;
  currency: string;
  sourceId: string | null;
  /** The payment intent (charge, refund, dispute) or transfer (transfer, reversal) the line belongs to. */
  matchRef: string | null;
}

export type TransferResult =
  { status: "sent"; transferId: string } | { status: "refused"; code: string; message: string };

/**
 * Stripe Connect: owners' Express accounts, transfers to them, and the platform's balance lines.
 * Only the Stripe gateway has it; without it owners are paid by bank transfer and nothing is imported.
 */
export interface ConnectApi {
  createExpressAccount(request: {
    userId: string;
    email: string;
    country: string;
    idempotencyKey: string;
  }): Promise<PayoutAccountStatus>;
  /** A one-time onboarding link (Stripe-hosted) for the account. */
  onboardingLink(accountId: string, urls: { refreshUrl: string; returnUrl: string }): Promise<string>;
  retrieveAccount(accountId: string): Promise<PayoutAccountStatus>;
  /**
   * A refusal (no transfers capability, not enough available balance: `balance_insufficient`) is a
   * result; a network failure throws.
   */
  transfer(request: {
    amount: number;
    currency: string;
    destination: string;
    transferGroup: string;
    idempotencyKey: string;
    metadata: Record<string, string>;
  }): Promise<TransferResult>;
  reverseTransfer(request: {
    transferId: string;
    amount: number;
    idempotencyKey: string;
    metadata: Record<string, string>;
  }): Promise<{ reversalId: string }>;
  /** Every line (all pages), newest first, by Stripe payout or by creation date range (inclusive). */
  balanceLines(filter: {
    payout?: string;
    createdFrom?: Date;
    createdTo?: Date;
    pageSize?: number;
  }): AsyncIterable<BalanceLine>;
}
