// Where a pledge's reward goes after the pledge is made: the backer changes their address (or
// chooses pick-up) until the campaign's owner locks the addresses to prepare the parcels. An address
// in another shipping zone changes what the pledge costs: only while nothing is charged yet.
import { sql } from "kysely";
import type { PledgeStatus } from "#db/schema.ts";
import { inTransaction, type Db } from "~/lib/db.server";
import { PledgeError } from "~/lib/errors";
import { shippingCostsOf, zoneOf } from "~/lib/shipping";
import type { PledgeDelivery } from "./pledge-form";
import { adjustTotals, deliveryColumns, shippingAmountFor } from "./pledges.server";

/** The pledges whose reward is still to be sent: an address there may still change. */
export const deliveryEditableStatuses: PledgeStatus[] = [
  "pending",
  "committed",
  "payment_failed",
  "collected",
];

/**
 * The pledges whose shipping may still be recomputed: a saved card not yet charged, or a charge
 * that failed and is to be tried again. Both count in the campaign's totals. A pending pledge's
 * checkout already holds its amount, and a collected one was charged (docs/decisions/036).
 */
const shippingChangeableStatuses: PledgeStatus[] = ["committed", "payment_failed"];

/**
 * The backer's new delivery for a reward sent by post. The update's conditions are the rules (a
 * live pledge, a postal reward, pick-up only where offered, addresses not locked, the amount read),
 * so that a lock or a charge committed meanwhile is never overwritten; when nothing changed, a read
 * says why. A new zone's shipping moves the pledge's amount and the campaign's totals alike.
 */
export async function changeDelivery(
  db: Db,
  pledgeId: string,
  delivery: PledgeDelivery,
  now: Date,
): Promise<void> {
  await inTransaction(db, async (trx) => {
    const current = await trx
      .selectFrom("pledges")
      .leftJoin("reward_tiers", "reward_tiers.id", "pledges.tier_id")
      .select([
        "pledges.campaign_id",
        "pledges.status",
        "pledges.amount",
        "pledges.shipping_amount",
        "pledges.delivery_method",
        "pledges.ship_country",
        "reward_tiers.shipping_required",
        "reward_tiers.pickup_place",
        "reward_tiers.shipping_fr",
        "reward_tiers.shipping_eu",
        "reward_tiers.shipping_world",
      ])
      .where("pledges.id", "=", pledgeId)
      .executeTakeFirst();
    if (!current) throw new PledgeError("pledge_not_found", "No such pledge");
    const shipping =
      current.shipping_required === 1
        ? shippingAmountFor(
            {
              shippingRequired: true,
              pickupPlace: current.pickup_place,
              ...shippingCostsOf({
                shipping_fr: current.shipping_fr,
                shipping_eu: current.shipping_eu,
                shipping_world: current.shipping_world,
              }),
            },
            delivery,
          )
        : current.shipping_amount;
    const zoneMoved =
      current.delivery_method === "post" &&
      delivery.method === "post" &&
      current.ship_country !== null &&
      zoneOf(current.ship_country) !== zoneOf(delivery.country);
    const recompute = shipping !== current.shipping_amount;
    if ((recompute || zoneMoved) && !shippingChangeableStatuses.includes(current.status))
      throw new PledgeError("shipping_zone_locked", "Paid: the shipping zone stays");
    const changed = await trx
      .updateTable("pledges")
      .set({
        ...deliveryColumns(delivery),
        shipping_amount: shipping,
        amount: current.amount - current.shipping_amount + shipping,
        updated_at: now.toISOString(),
      })
      .where("id", "=", pledgeId)
      .where("status", "in", recompute ? shippingChangeableStatuses : deliveryEditableStatuses)
      .where("amount", "=", current.amount)
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
    if (changed.numUpdatedRows === 1n) {
      // Both changeable statuses count in the totals: they move with the amount.
      if (recompute) await adjustTotals(trx, current.campaign_id, shipping - current.shipping_amount, 0, now);
      return;
    }
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
