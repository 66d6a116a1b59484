import { describe, expect, it } from "vitest";
import { euCountryCodes, shippingFor, zoneOf } from "~/lib/shipping";
import { isCountryCode } from "~/lib/countries";

describe("zoneOf", () => {
  it("puts France and Monaco in France", () => {
    expect(zoneOf("FR")).toBe("fr");
    expect(zoneOf("mc")).toBe("fr");
  });

  it("puts the other member states in the EU", () => {
    for (const code of ["DE", "BE", "IT", "ES", "IE", "HR", "CY", "MT"]) expect(zoneOf(code)).toBe("eu");
  });

  it("puts the overseas departments, the UK, Switzerland and Andorra in the world", () => {
    for (const code of ["GP", "MQ", "GF", "RE", "YT", "GB", "CH", "AD", "NO", "US"])
      expect(zoneOf(code)).toBe("world");
  });

  it("lists 27 real member states", () => {
    expect(new Set(euCountryCodes).size).toBe(27);
    for (const code of euCountryCodes) expect(isCountryCode(code)).toBe(true);
  });
});

describe("shippingFor", () => {
  const costs = { shippingFr: 500, shippingEu: 900, shippingWorld: null };

  it("reads the cost of the country's zone", () => {
    expect(shippingFor(costs, "FR")).toBe(500);
    expect(shippingFor(costs, "MC")).toBe(500);
    expect(shippingFor(costs, "DE")).toBe(900);
  });

  it("answers null where the reward is not sent", () => {
    expect(shippingFor(costs, "US")).toBeNull();
    expect(shippingFor(costs, "RE")).toBeNull();
  });

  it("keeps free shipping (0) apart from not shipping (null)", () => {
    expect(shippingFor({ shippingFr: 0, shippingEu: null, shippingWorld: null }, "FR")).toBe(0);
  });
});
