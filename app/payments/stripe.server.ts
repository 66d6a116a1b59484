// The Stripe gateway: Checkout Sessions in setup mode (all-or-nothing: the card is saved and
// charged at the deadline) or payment mode with manual capture (flexible: authorised, then taken
// once the pledge is counted). Every creating call carries an idempotency key from our own ids.
import Stripe from "stripe";
import type {
  BalanceLine,
  CaptureResult,
  ConnectApi,
  ChargeRequest,
  ChargeResult,
  CheckoutRequest,
  CheckoutSession,
  CheckoutStatus,
  PaymentGateway,
  RefundRequest,
  RefundResult,
} from "./gateway";

export interface StripeSettings {
  secretKey: string;
  /** Another host for the API (a local Stripe-compatible server in tests). */
  apiUrl?: string;
}

export function createStripeClient({ secretKey, apiUrl }: StripeSettings): Stripe {
  if (!apiUrl) return new Stripe(secretKey, { maxNetworkRetries: 2 });
  const url = new URL(apiUrl);
  const protocol = url.protocol === "http:" ? "http" : "https";
  return new Stripe(secretKey, {
    host: url.hostname,
    port: Number(url.port || (protocol === "http" ? 80 : 443)),
    protocol,
    maxNetworkRetries: 2,
  });
}

const stripeLocales = new Set(["fr", "en"]);

/**
 * What Checkout offers, explicitly: cards, and SEPA Direct Debit for euro campaigns (Stripe debits
 * only euros). API 2026-10-28 calls this `allowed_payment_method_types`, a filter on what the account
 * has enabled in its Dashboard: SEPA Direct Debit must be switched on there. Stripe's hosted page
 * shows the SEPA mandate text next to the IBAN field.
 */
export function allowedPaymentMethods(
  currency: string,
): Stripe.Checkout.SessionCreateParams.AllowedPaymentMethodType[] {
  return currency.toLowerCase() === "eur" ? ["card", "sepa_debit"] : ["card"];
}

export function createStripeGateway(settings: StripeSettings): PaymentGateway & { stripe: Stripe } {
  const stripe = createStripeClient(settings);
  return {
    name: "stripe",
    testMode: settings.secretKey.startsWith("sk_test_"),
    stripe,
    connect: createConnect(stripe),

    async createCheckout(request: CheckoutRequest): Promise<CheckoutSession> {
      const metadata = { pledge_id: request.pledgeId, campaign_id: request.campaignId };
      const common = {
        metadata,
        client_reference_id: request.pledgeId,
        success_url: request.successUrl,
        cancel_url: request.cancelUrl,
        expires_at: Math.floor(request.expiresAt.getTime() / 1000),
        locale: (stripeLocales.has(request.locale)
          ? request.locale
          : "auto") as Stripe.Checkout.SessionCreateParams.Locale,
      } satisfies Partial<Stripe.Checkout.SessionCreateParams>;
      const description = `${request.campaignTitle} (${request.pledgeId})`;

      if (request.fundingModel === "all_or_nothing" || request.cardUpdate !== undefined) {
        // A Customer keeps the saved card so it can be charged off-session at the deadline.
        const customer = await stripe.customers.create(
          { email: request.backerEmail, name: request.backerName, metadata },
          { idempotencyKey: `customer-pledge-${request.pledgeId}` },
        );
        const session = await stripe.checkout.sessions.create(
          {
            ...common,
            mode: "setup",
            currency: request.currency.toLowerCase(),
            allowed_payment_method_types: allowedPaymentMethods(request.currency),
            customer: customer.id,
            setup_intent_data: { metadata, description },
          },
          {
            idempotencyKey:
              request.cardUpdate === undefined
                ? `checkout-pledge-${request.pledgeId}`
                : `card-update-pledge-${request.pledgeId}-${request.cardUpdate}`,
          },
        );
        return { sessionId: session.id, url: session.url ?? "", customerId: customer.id };
      }

      const session = await stripe.checkout.sessions.create(
        {
          ...common,
          mode: "payment",
          allowed_payment_method_types: allowedPaymentMethods(request.currency),
          // A card is authorised only, and captured once the pledge is counted (released if it came
          // too late). A SEPA debit cannot be held: it is taken at once (the session's automatic
          // capture) and stays `processing` until the bank settles it.
          payment_method_options: { card: { capture_method: "manual" } },
          customer_email: request.backerEmail,
          line_items: [
            {
              quantity: 1,
              price_data: {
                currency: request.currency.toLowerCase(),
                unit_amount: request.amount,
                product_data: { name: request.campaignTitle },
              },
            },
          ],
          payment_intent_data: {
            metadata,
            description,
            transfer_group: `campaign-${request.campaignId}`,
          },
        },
        { idempotencyKey: `checkout-pledge-${request.pledgeId}` },
      );
      return { sessionId: session.id, url: session.url ?? "", customerId: null };
    },

    async expireCheckout(sessionId: string) {
      try {
        await stripe.checkout.sessions.expire(sessionId);
      } catch (error) {
        // Already completed or expired: nothing left to close.
        if (!(error instanceof Stripe.errors.StripeInvalidRequestError)) throw error;
      }
    },

    async checkoutStatus(sessionId: string): Promise<CheckoutStatus> {
      // The setup intent, expanded, names the saved card that setup_intent.succeeded would bring.
      const session = await stripe.checkout.sessions.retrieve(sessionId, { expand: ["setup_intent"] });
      return checkoutStatusOf(session);
    },

    async capturePayment(paymentIntentId: string, idempotencyKey: string): Promise<CaptureResult> {
      let intent: Stripe.PaymentIntent;
      try {
        intent = await stripe.paymentIntents.capture(paymentIntentId, {}, { idempotencyKey });
      } catch (error) {
        // A SEPA debit was never held: Stripe says the intent is processing (or already succeeded).
        const state =
          error instanceof Stripe.errors.StripeInvalidRequestError ? error.payment_intent : undefined;
        if (state?.status === "processing") return { status: "processing" };
        if (state?.status !== "succeeded") throw error;
        intent = state;
      }
      const charge = intent.latest_charge;
      return { status: "captured", chargeId: typeof charge === "string" ? charge : (charge?.id ?? null) };
    },

    async cancelPayment(paymentIntentId: string, idempotencyKey: string) {
      try {
        await stripe.paymentIntents.cancel(paymentIntentId, {}, { idempotencyKey });
      } catch (error) {
        // Already cancelled (an authorisation lapses after its hold): what was asked is done.
        const intent = (error as { payment_intent?: { status?: string } }).payment_intent;
        if (
          error instanceof Stripe.errors.StripeInvalidRequestError &&
          error.code === "payment_intent_unexpected_state" &&
          intent?.status === "canceled"
        )
          return;
        throw error;
      }
    },

    async chargeSavedCard(request: ChargeRequest): Promise<ChargeResult> {
      try {
        const intent = await stripe.paymentIntents.create(
          {
            amount: request.amount,
            currency: request.currency.toLowerCase(),
            customer: request.customerId,
            payment_method: request.paymentMethodId,
            off_session: true,
            confirm: true,
            transfer_group: `campaign-${request.campaignId}`,
            description: request.description,
            metadata: { pledge_id: request.pledgeId, campaign_id: request.campaignId },
          },
          { idempotencyKey: request.idempotencyKey },
        );
        // A SEPA debit: sent to the bank, settled in days (payment_intent.succeeded or .payment_failed).
        if (intent.status === "processing") return { status: "processing", paymentIntentId: intent.id };
        if (intent.status !== "succeeded") {
          return {
            status: "failed",
            code: intent.status,
            message: `Payment ${intent.status}`,
            paymentIntentId: intent.id,
          };
        }
        const charge = intent.latest_charge;
        return {
          status: "succeeded",
          paymentIntentId: intent.id,
          chargeId: typeof charge === "string" ? charge : (charge?.id ?? null),
        };
      } catch (error) {
        if (error instanceof Stripe.errors.StripeCardError) {
          return {
            status: "failed",
            code: error.code ?? "card_error",
            message: error.message,
            paymentIntentId: (error.payment_intent as { id?: string } | undefined)?.id ?? null,
          };
        }
        throw error;
      }
    },

    async paymentSettlement(paymentIntentId: string) {
      const intent = await stripe.paymentIntents.retrieve(paymentIntentId, {
        expand: ["latest_charge.balance_transaction"],
      });
      const charge = intent.latest_charge;
      if (!charge || typeof charge === "string") return null;
      const transaction = charge.balance_transaction;
      if (!transaction || typeof transaction === "string") return null;
      return { fee: transaction.fee, availableAt: new Date(transaction.available_on * 1000) };
    },

    async refundPayment(request: RefundRequest): Promise<RefundResult> {
      try {
        const refund = await stripe.refunds.create(
          {
            payment_intent: request.paymentIntentId,
            amount: request.amount,
            metadata: {
              pledge_id: request.pledgeId,
              refund_id: request.refundId,
              reason: request.reason.slice(0, 400),
            },
          },
          { idempotencyKey: request.idempotencyKey },
        );
        return { status: "succeeded", refundId: refund.id };
      } catch (error) {
        // Stripe said no (more than is left, already refunded): a result. Anything else may have
        // gone through, so it throws and the reservation waits for the job to ask again, same key.
        if (error instanceof Stripe.errors.StripeInvalidRequestError)
          return { status: "refused", code: error.code ?? "invalid_request", message: error.message };
        throw error;
      }
    },
  };
}

const sessionStatuses = ["open", "complete", "expired"] as const;
const paymentStatuses = ["paid", "unpaid", "no_payment_required"] as const;

/** A retrieved Checkout Session as the gateway reports it; a status this code does not know throws. */
export function checkoutStatusOf(session: Stripe.Checkout.Session): CheckoutStatus {
  const status = sessionStatuses.find((s) => s === session.status);
  const paymentStatus = paymentStatuses.find((s) => s === session.payment_status);
  if (!status || !paymentStatus) {
    throw new Error(
      `Checkout Session ${session.id}: unknown status ${session.status}/${session.payment_status}`,
    );
  }
  const setupIntent = session.setup_intent;
  return {
    status,
    paymentStatus,
    customerId: idOf(session.customer),
    setupIntentId: idOf(setupIntent),
    paymentIntentId: idOf(session.payment_intent),
    paymentMethodId: setupIntent && typeof setupIntent !== "string" ? idOf(setupIntent.payment_method) : null,
  };
}

const accountStatus = (account: Stripe.Account) => ({
  accountId: account.id,
  payoutsEnabled: account.payouts_enabled === true,
  detailsSubmitted: account.details_submitted === true,
});

const idOf = (value: string | { id: string } | null | undefined) =>
  typeof value === "string" ? value : (value?.id ?? null);

/** The payment intent or transfer a balance line belongs to, from its expanded source. */
function matchRef(source: Stripe.BalanceTransaction["source"]): string | null {
  if (!source || typeof source === "string") return null;
  switch (source.object) {
    case "charge":
    case "refund":
    case "dispute":
      return idOf(source.payment_intent);
    case "transfer":
      return source.id;
    case "transfer_reversal":
      return idOf(source.transfer);
    default:
      return null;
  }
}

export function balanceLine(t: Stripe.BalanceTransaction): BalanceLine {
  return {
    id: t.id,
    createdAt: new Date(t.created * 1000).toISOString(),
    type: t.type,
    category: t.reporting_category,
    amount: t.amount,
    fee: t.fee,
    net: t.net,
    currency: t.currency.toUpperCase(),
    sourceId: idOf(t.source),
    matchRef: matchRef(t.source),
  };
}

function createConnect(stripe: Stripe): ConnectApi {
  return {
    async createExpressAccount({ userId, email, country, idempotencyKey }) {
      const account = await stripe.accounts.create(
        {
          type: "express",
          email,
          country,
          capabilities: { transfers: { requested: true } },
          metadata: { user_id: userId },
        },
        { idempotencyKey },
      );
      return accountStatus(account);
    },
    async onboardingLink(accountId, { refreshUrl, returnUrl }) {
      const link = await stripe.accountLinks.create({
        account: accountId,
        refresh_url: refreshUrl,
        return_url: returnUrl,
        type: "account_onboarding",
      });
      return link.url;
    },
    async retrieveAccount(accountId) {
      return accountStatus(await stripe.accounts.retrieve(accountId));
    },
    async transfer(request) {
      try {
        const transfer = await stripe.transfers.create(
          {
            amount: request.amount,
            currency: request.currency.toLowerCase(),
            destination: request.destination,
            transfer_group: request.transferGroup,
            metadata: request.metadata,
          },
          { idempotencyKey: request.idempotencyKey },
        );
        return { status: "sent", transferId: transfer.id };
      } catch (error) {
        // Stripe said no (capability, balance): a result to show. Anything else is retried.
        if (error instanceof Stripe.errors.StripeInvalidRequestError) {
          return { status: "refused", code: error.code ?? "invalid_request", message: error.message };
        }
        throw error;
      }
    },
    async reverseTransfer({ transferId, amount, idempotencyKey, metadata }) {
      const reversal = await stripe.transfers.createReversal(
        transferId,
        { amount, metadata },
        { idempotencyKey },
      );
      return { reversalId: reversal.id };
    },
    async *balanceLines({ payout, createdFrom, createdTo, pageSize }) {
      const created: Stripe.RangeQueryParam = {};
      if (createdFrom) created.gte = Math.floor(createdFrom.getTime() / 1000);
      if (createdTo) created.lte = Math.floor(createdTo.getTime() / 1000);
      const list = stripe.balanceTransactions.list({
        limit: pageSize ?? 100,
        expand: ["data.source"],
        ...(payout ? { payout } : {}),
        ...(createdFrom || createdTo ? { created } : {}),
      });
      // The SDK follows `has_more` with `starting_after`: every page, each line once.
      for await (const transaction of list) yield balanceLine(transaction);
    },
  };
}
