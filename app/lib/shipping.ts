// Shipping by zone (docs/decisions/036): a postal reward costs one amount to France, one to the rest
// of the European Union, one to the rest of the world; null means the owner does not send it there.
// No server import: the pledge form shows the costs with the same rules the server charges.

export type ShippingZone = "fr" | "eu" | "world";

export const shippingZones: readonly ShippingZone[] = ["fr", "eu", "world"];

/** Metropolitan France and Corsica, and Monaco: La Poste's domestic tariff. */
const franceCodes = new Set(["FR", "MC"]);

/** The 27 member states of the European Union, France included (zoneOf answers "fr" for it first). */
export const euCountryCodes = [
  "AT", "BE", "BG", "CY", "CZ", "DE", "DK", "EE", "ES", "FI", "FR", "GR", "HR", "HU",
  "IE", "IT", "LT", "LU", "LV", "MT", "NL", "PL", "PT", "RO", "SE", "SI", "SK",
] as const; // prettier-ignore

const euCodes = new Set<string>(euCountryCodes);

/**
 * The zone of an ISO 3166-1 alpha-2 code. The overseas departments (GP, MQ, GF, RE, YT) have codes of
 * their own and La Poste's overseas tariff, priced like abroad, with customs: "world", as every other
 * code not in France or the EU.
 */
export function zoneOf(countryCode: string): ShippingZone {
  const code = countryCode.trim().toUpperCase();
  if (franceCodes.has(code)) return "fr";
  if (euCodes.has(code)) return "eu";
  return "world";
}

/** A reward's three costs, as the pledge form and the server read them. */
export interface ShippingCosts {
  shippingFr: number | null;
  shippingEu: number | null;
  shippingWorld: number | null;
}

export function costForZone(costs: ShippingCosts, zone: ShippingZone): number | null {
  if (zone === "fr") return costs.shippingFr;
  if (zone === "eu") return costs.shippingEu;
  return costs.shippingWorld;
}

/** What sending the reward to `country` costs; null when the reward is not sent to its zone. */
export function shippingFor(costs: ShippingCosts, country: string): number | null {
  return costForZone(costs, zoneOf(country));
}

/** The costs from a reward's row (null columns: not sent there). */
export function shippingCostsOf(row: {
  shipping_fr: number | null;
  shipping_eu: number | null;
  shipping_world: number | null;
}): ShippingCosts {
  return { shippingFr: row.shipping_fr, shippingEu: row.shipping_eu, shippingWorld: row.shipping_world };
}
