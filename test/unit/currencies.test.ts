// Minor units as Stripe counts them, shown as Intl writes them (docs/decisions/022): what a person
// types, what is stored (and sent to Stripe), and what the page shows are the same amount.
import { expect, test } from "vitest";
import { campaignFormSchema, tierFormSchema } from "~/campaigns/campaign-form";
import {
  apiDigits,
  CAMPAIGN_CURRENCIES,
  chargeStep,
  isCampaignCurrency,
  typedDigits,
} from "~/lib/currencies";
import { detailsErrorParams } from "~/components/CampaignDetailsFields";
import { translate } from "~/i18n/catalogue.server";
import { formatMoney, parseMoney, toDecimalString, toInputAmount } from "~/lib/money";

const plain = (text: string) => text.replace(/[\u00a0\u202f]/g, " ");
const parsed = (input: string, currency: string) => {
  const result = parseMoney(input, currency, "fr-FR");
  return result.ok ? result.amount : result.error;
};

test("Stripe's digits, not Intl's: ISK, HUF and UGX in hundredths, JPY whole, KWD in thousandths", () => {
  expect([apiDigits("ISK"), apiDigits("HUF"), apiDigits("UGX"), apiDigits("TWD")]).toEqual([2, 2, 2, 2]);
  expect([apiDigits("JPY"), apiDigits("XOF"), apiDigits("KWD"), apiDigits("EUR")]).toEqual([0, 0, 3, 2]);
  expect([chargeStep("ISK"), chargeStep("UGX"), chargeStep("HUF"), chargeStep("KWD")]).toEqual([
    100, 100, 100, 10,
  ]);
  expect([chargeStep("EUR"), chargeStep("TWD"), chargeStep("JPY")]).toEqual([1, 1, 1]);
  expect([typedDigits("ISK"), typedDigits("HUF"), typedDigits("KWD"), typedDigits("JPY")]).toEqual([
    0, 0, 2, 0,
  ]);
});

test("an ISK amount is typed in krónur, stored in Stripe's hundredths, and shown in krónur", () => {
  expect(parsed("2 000", "ISK")).toBe(200_000);
  expect(toDecimalString(200_000, "ISK")).toBe("2000.00");
  expect(plain(formatMoney(200_000, "ISK", "fr-FR"))).toBe("2 000 ISK");
  expect(plain(formatMoney(200_000, "ISK", "en-GB", { withDecimals: true }))).toBe("ISK 2,000");
  expect(toInputAmount(200_000, "ISK", "fr-FR")).toBe("2000");
  expect(parsed("2 000,50", "ISK")).toBe("too_many_decimals");
  // One sign and three digits: only the thousands reading exists without decimals.
  expect(parsed("1.250", "ISK")).toBe(125_000);
});

test("a HUF amount is whole forints in hundredths; JPY stays as it was", () => {
  expect(parsed("1 500", "HUF")).toBe(150_000);
  expect(plain(formatMoney(150_000, "HUF", "fr-FR"))).toBe("1 500 HUF");
  expect(parsed("175,50", "HUF")).toBe("too_many_decimals");
  expect(parsed("5 000", "JPY")).toBe(5_000);
  expect(plain(formatMoney(5_000, "JPY", "fr-FR"))).toBe("5 000 JPY");
});

test("a KWD amount is typed with two decimals, stored in thousandths ending in 0, shown with three", () => {
  expect(parsed("12,50", "KWD")).toBe(12_500);
  expect(parsed("5.12", "KWD")).toBe(5_120);
  expect(parsed("5,120 0", "KWD")).toBe(5_120);
  expect(parsed("5,1234", "KWD")).toBe("too_many_decimals");
  expect(plain(formatMoney(5_120, "KWD", "fr-FR"))).toBe("5,120 KWD");
  expect(toInputAmount(5_120, "KWD", "fr-FR")).toBe("5,12");
  expect(toInputAmount(12_000, "KWD", "en-GB")).toBe("12");
  // Both readings of an ambiguous amount are in Stripe's units.
  expect(parseMoney("5,125", "KWD", "fr-FR")).toEqual({
    ok: false,
    error: "ambiguous",
    readings: { thousands: 5_125_000, decimal: "5.125" },
  });
});

const campaignForm = (currency: string) => ({
  title: "La forge",
  slug: "la-forge",
  tagline: "Un atelier pour tous",
  story: "Une histoire assez longue pour passer.",
  goal: "1 500 000",
  currency,
  fundingModel: "all_or_nothing",
  durationDays: "30",
  timeZone: "Atlantic/Reykjavik",
});

test("a campaign currency Stripe cannot charge here is refused on its field, in both languages", () => {
  const schema = campaignFormSchema("fr-FR");
  for (const code of ["XYZ", "ARS", "BTC", "eu"]) {
    const result = schema.safeParse(campaignForm(code));
    expect(result.error?.issues.map((i) => [i.path[0], i.message])).toEqual([
      ["currency", "editor.error.currency"],
    ]);
  }
  const isk = schema.parse(campaignForm("isk"));
  expect(isk).toMatchObject({ currency: "ISK", goalAmount: 150_000_000 });
  expect(isCampaignCurrency("kwd")).toBe(true);
  for (const locale of ["fr", "en"] as const) {
    const message = translate(locale, "editor.error.currency", detailsErrorParams);
    expect(message).toMatch(/Stripe/);
    for (const code of CAMPAIGN_CURRENCIES) expect(message).toContain(code);
  }
});

test("a reward below what Stripe charges in the currency is refused, with the minimum named", () => {
  const tier = (minimum: string, currency: string) =>
    tierFormSchema(currency, "fr-FR")
      .safeParse({ title: "Merci", minimum })
      .error?.issues.map((i) => i.message);
  expect(tier("0,50", "EUR")).toEqual(["editor.error.minimumTooSmall"]);
  expect(tier("1", "EUR")).toBeUndefined();
  expect(tier("100", "ISK")).toEqual(["editor.error.minimumTooSmall"]);
  expect(tier("150", "ISK")).toBeUndefined();
  expect(translate("en", "editor.error.minimumTooSmall", { currencyMin: "ISK 150" })).toBe(
    "Stripe charges no less than ISK 150 in this currency: a reward asks for at least ISK 150.",
  );
  expect(translate("fr", "pledge.error.amountDecimals", { digits: 0 })).toBe(
    "Pas de décimales dans cette devise.",
  );
  expect(translate("en", "pledge.error.amountDecimals", { digits: 2 })).toBe("No more than 2 decimals.");
});
