// Where a pledge's reward goes after the pledge is made: the backer changes their address (or
// chooses pick-up) until the campaign's owner locks the addresses to prepare the parcels.
import { sql } from "kysely";
import type { PledgeStatus } from "#db/schema.ts";
import { inTransaction, type Db } from "~/lib/db.server";
import { PledgeError } from "~/lib/errors";
import type { PledgeDelivery } from "./pledge-form";
import { deliveryColumns } from "./pledges.server";

/** The pledges whose reward is still to be sent: an address there may still change. */
export const deliveryEditableStatuses: PledgeStatus[] = [
  "pending",
  "committed",
  "payment_failed",
  "collected",
];

/**
 * The backer's new delivery for a reward sent by post. One update whose conditions are the rules
 * (a live pledge, a postal reward, pick-up only where offered, addresses not locked), so that a
 * lock committed meanwhile is never overwritten; when nothing changed, a read says why.
 */
export async function changeDelivery(
  db: Db,
  pledgeId: string,
  delivery: PledgeDelivery,
  now: Date,
): Promise<void> {
  await inTransaction(db, async (trx) => {
    const changed = await trx
      .updateTable("pledges")
      .set({ ...deliveryColumns(delivery), updated_at: now.toISOString() })
      .where("id", "=", pledgeId)
      .where("status", "in", deliveryEditableStatuses)
      .where((eb) =>
        eb.exists(
          eb
            .selectFrom("reward_tiers")
            .select(sql`1`.as("one"))
            .whereRef("reward_tiers.id", "=", "pledges.tier_id")
            .where("reward_tiers.shipping_required", "=", 1)
            .$if(delivery.method === "pickup", (q) => q.where("reward_tiers.pickup_place", "is not", null)),
        ),
      )
      .where((eb) =>
        eb.not(
          eb.exists(
            eb
              .selectFrom("campaigns")
              .select(sql`1`.as("one"))
              .whereRef("campaigns.id", "=", "pledges.campaign_id")
              .where("campaigns.addresses_locked_at", "is not", null),
          ),
        ),
      )
      .executeTakeFirst();
    if (changed.numUpdatedRows === 1n) return;
    const row = await trx
      .selectFrom("pledges")
      .innerJoin("campaigns", "campaigns.id", "pledges.campaign_id")
      .leftJoin("reward_tiers", "reward_tiers.id", "pledges.tier_id")
      .select([
        "campaigns.addresses_locked_at",
        "reward_tiers.shipping_required",
        "reward_tiers.pickup_place",
      ])
      .where("pledges.id", "=", pledgeId)
      .executeTakeFirst();
    if (!row) throw new PledgeError("pledge_not_found", "No such pledge");
    if (row.addresses_locked_at !== null) throw new PledgeError("addresses_locked", "Addresses are locked");
    if (row.shipping_required === 1 && delivery.method === "pickup" && row.pickup_place === null)
      throw new PledgeError("pickup_unavailable", "This reward cannot be picked up");
    throw new PledgeError("not_changeable", "Nothing to deliver for this pledge, or no longer");
  });
}
