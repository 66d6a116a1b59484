// Connected account events: an owner's Stripe account may now (or no longer) receive payouts.
import { z } from "zod";
import { updatePayoutAccount } from "~/payouts/accounts.server";
import { id, type EventHandler, type EventHandlers } from "./handler";

const account = z.object({
  id,
  payouts_enabled: z.boolean().nullish(),
  details_submitted: z.boolean().nullish(),
});

const onAccountUpdated: EventHandler = async (trx, event, now) => {
  const updated = account.parse(event.object);
  const known = await updatePayoutAccount(
    trx,
    {
      // A Connect event names its account; the object is that account.
      accountId: event.account ?? updated.id,
      payoutsEnabled: updated.payouts_enabled === true,
      detailsSubmitted: updated.details_submitted === true,
    },
    now,
  );
  return { outcome: known ? "applied" : "unmatched", pledgeId: null };
};

export const accountEvents: EventHandlers = {
  "account.updated": onAccountUpdated,
};
