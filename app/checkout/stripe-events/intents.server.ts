// Setup and payment intent events: a card saved (first, or again after a failed charge), a payment
// authorised, on its way (SEPA), taken, or failed.
import { z } from "zod";
import { updateCardAfterFailure } from "~/pledges/charging.server";
import {
  collectPledge,
  commitPledge,
  findPledgeByRefs,
  markPaymentProcessing,
  recordPaymentFailure,
} from "~/pledges/pledges.server";
import { about, id, metadata, ref, type EventHandler, type EventHandlers } from "./handler";

const setupIntent = z.object({ id, customer: ref, payment_method: ref, metadata });
const paymentIntent = z.object({
  id,
  customer: ref,
  payment_method: ref,
  latest_charge: ref,
  metadata,
  last_payment_error: z.object({ message: z.string().nullish(), code: z.string().nullish() }).nullish(),
});

const onSetupIntent: EventHandler = async (trx, event, now) => {
  const intent = setupIntent.parse(event.object);
  const pledge = await findPledgeByRefs(trx, { pledgeId: intent.metadata.pledge_id });
  if (pledge?.status === "payment_failed" && intent.payment_method) {
    await updateCardAfterFailure(
      trx,
      pledge.id,
      { paymentMethodId: intent.payment_method, customerId: intent.customer },
      now,
    );
  } else if (pledge) {
    await commitPledge(
      trx,
      pledge.id,
      { customerId: intent.customer, setupIntentId: intent.id, paymentMethodId: intent.payment_method },
      now,
    );
  }
  return about(pledge);
};

const onPaymentIntent: EventHandler = async (trx, event, now) => {
  const intent = paymentIntent.parse(event.object);
  const pledge = await findPledgeByRefs(trx, {
    pledgeId: intent.metadata.pledge_id,
    paymentIntentId: intent.id,
  });
  if (!pledge) return about(pledge);
  const refs = {
    customerId: intent.customer,
    paymentIntentId: intent.id,
    paymentMethodId: intent.payment_method,
  };
  if (event.type === "payment_intent.amount_capturable_updated")
    await commitPledge(trx, pledge.id, refs, now);
  else if (event.type === "payment_intent.processing") {
    // A debit on its way (SEPA): counted, shown as in progress, settled by a later event.
    await commitPledge(trx, pledge.id, refs, now);
    await markPaymentProcessing(trx, pledge.id, refs, now);
  } else if (event.type === "payment_intent.succeeded") await collectPledge(trx, pledge.id, refs, now);
  else {
    const error = intent.last_payment_error;
    await recordPaymentFailure(trx, pledge.id, error?.message ?? error?.code ?? "payment failed", now);
  }
  return about(pledge);
};

export const intentEvents: EventHandlers = {
  "setup_intent.succeeded": onSetupIntent,
  "payment_intent.amount_capturable_updated": onPaymentIntent,
  "payment_intent.processing": onPaymentIntent,
  "payment_intent.succeeded": onPaymentIntent,
  "payment_intent.payment_failed": onPaymentIntent,
};
