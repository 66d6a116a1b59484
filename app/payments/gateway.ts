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
}

export interface CheckoutSession {
  sessionId: string;
  /** Where to send the backer: absolute for Stripe, a path on this site for the simulation. */
  url: string;
  customerId: string | null;
}

export interface PaymentGateway {
  readonly name: GatewayName;
  /** True when no real money can move: shown on every page as a banner. */
  readonly testMode: boolean;
  /** All-or-nothing saves the card (setup); flexible authorises the payment, captured once counted. */
  createCheckout(request: CheckoutRequest): Promise<CheckoutSession>;
  /** Closes a checkout the backer left, so it cannot complete later. */
  expireCheckout(sessionId: string): Promise<void>;
  /** Takes an authorised payment. */
  capturePayment(paymentIntentId: string, idempotencyKey: string): Promise<{ chargeId: string | null }>;
  /** Lets an authorisation go: the card is never charged. */
  cancelPayment(paymentIntentId: string, idempotencyKey: string): Promise<void>;
}
