// Checkout Session events: the backer finished (or abandoned) Stripe's checkout, and for a bank
// debit taken there, the bank's later answer.
import { z } from "zod";
import {
  cancelPledge,
  collectPledge,
  commitPledge,
  expirePledge,
  findPledgeByRefs,
  recordPaymentFailure,
} from "~/pledges/pledges.server";
import { about, id, metadata, ref, type EventHandler, type EventHandlers } from "./handler";

const checkoutSession = z.object({
  id,
  mode: z.enum(["payment", "setup", "subscription"]),
  payment_status: z.string().nullish(),
  customer: ref,
  setup_intent: ref,
  payment_intent: ref,
  metadata,
});

const onCheckoutSession: EventHandler = async (trx, event, now) => {
  const session = checkoutSession.parse(event.object);
  const pledge = await findPledgeByRefs(trx, {
    pledgeId: session.metadata.pledge_id,
    checkoutSessionId: session.id,
  });
  if (!pledge) return about(pledge);
  const refs = {
    customerId: session.customer,
    setupIntentId: session.setup_intent,
    paymentIntentId: session.payment_intent,
  };
  if (pledge.status === "payment_failed" && event.type === "checkout.session.completed") {
    // The backer gave a new card after a failed charge; the setup intent's event brings it.
    return about(pledge);
  }
  if (event.type === "checkout.session.expired") await expirePledge(trx, pledge.id, "abandoned", now);
  else if (event.type === "checkout.session.async_payment_failed") {
    // A debit (SEPA) taken at checkout bounced. Counted meanwhile, it fails as a declined card
    // does (the backer is told, and may give another card or IBAN); never counted, it is dropped.
    if (pledge.status === "pending") await cancelPledge(trx, pledge.id, "payment_failed", now);
    else await recordPaymentFailure(trx, pledge.id, "The bank debit failed", now);
  } else {
    const paid =
      session.payment_status === "paid" || event.type === "checkout.session.async_payment_succeeded";
    // A pledge the sweep or the close already expired is reconciled here (commitPledge).
    await commitPledge(trx, pledge.id, refs, now, { paid });
    if (paid) await collectPledge(trx, pledge.id, refs, now);
  }
  return about(pledge);
};

export const checkoutSessionEvents: EventHandlers = {
  "checkout.session.completed": onCheckoutSession,
  "checkout.session.async_payment_succeeded": onCheckoutSession,
  "checkout.session.async_payment_failed": onCheckoutSession,
  "checkout.session.expired": onCheckoutSession,
};
