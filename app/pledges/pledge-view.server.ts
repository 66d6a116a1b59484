// A backer's view of their own pledge, reached by its private link, and the list of their pledges.
import type { Db } from "~/lib/db.server";
import type { Locale } from "~/i18n/keys";
import { getPledge } from "./pledges.server";
import { deliveryEditableStatuses } from "./delivery.server";
import type { DeliveryFormValues } from "./pledge-form";
import { getPledgeOptions } from "./pledge-options.server";

export async function getPledgeView(
  db: Db,
  { pledgeId, locale, now }: { pledgeId: string; locale: Locale; now: Date },
) {
  const pledge = await getPledge(db, pledgeId);
  if (!pledge) return null;
  const campaign = await db
    .selectFrom("campaigns")
    .select(["slug", "addresses_locked_at"])
    .where("id", "=", pledge.campaign_id)
    .executeTakeFirstOrThrow();
  const options = await getPledgeOptions(db, { slug: campaign.slug, locale, now });
  if (!options) return null;
  const tier = options.tiers.find((t) => t.id === pledge.tier_id) ?? null;
  return {
    pledge: {
      id: pledge.id,
      status: pledge.status,
      amount: pledge.amount,
      /** The part of `amount` that pays for shipping (docs/decisions/036). */
      shipping: pledge.shipping_amount,
      refunded: pledge.refunded_amount,
      currency: pledge.currency,
      backerName: pledge.backer_name,
      tierId: pledge.tier_id,
      tierTitle: tier?.title ?? null,
    },
    options,
    /** A reward sent by post: how, where to, and whether the backer may still change it. */
    delivery: tier?.shippingRequired
      ? {
          method: pledge.delivery_method,
          pickupPlace: tier.pickupPlace,
          values: {
            delivery: pledge.delivery_method ?? "post",
            shipName: pledge.ship_name ?? "",
            shipLine1: pledge.ship_line1 ?? "",
            shipLine2: pledge.ship_line2 ?? "",
            shipPostalCode: pledge.ship_postal_code ?? "",
            shipCity: pledge.ship_city ?? "",
            shipCountry: pledge.ship_country ?? "",
          } satisfies DeliveryFormValues,
          locked: campaign.addresses_locked_at !== null,
          editable: campaign.addresses_locked_at === null && deliveryEditableStatuses.includes(pledge.status),
        }
      : null,
    /** A debit (SEPA) is on its way: "payment in progress" until the bank settles it. */
    processing: pledge.payment_processing_at !== null,
    /** The charge failed: the backer can give another card until the grace period ends. */
    fixable: pledge.status === "payment_failed" && pledge.payment_processing_at === null,
    lastPaymentError: pledge.last_payment_error,
    changeable:
      pledge.status === "committed" &&
      options.campaign.open &&
      options.campaign.fundingModel === "all_or_nothing",
    cancelable:
      (pledge.status === "committed" || pledge.status === "pending") &&
      pledge.payment_processing_at === null &&
      options.campaign.open &&
      !(options.campaign.fundingModel === "flexible" && pledge.status !== "pending"),
  };
}

/** The pledges made with a person's email, newest first: those that went past checkout. */
export function pledgesOfBacker(db: Db, email: string) {
  return db
    .selectFrom("pledges")
    .innerJoin("campaigns", "campaigns.id", "pledges.campaign_id")
    .select([
      "pledges.id",
      "pledges.amount",
      "pledges.currency",
      "pledges.status",
      "campaigns.title",
      "campaigns.slug",
    ])
    .where("pledges.backer_email", "=", email)
    .where("pledges.status", "not in", ["pending", "expired"])
    .orderBy("pledges.created_at", "desc")
    .execute();
}
