// The pledge form's rules, shared by the browser (react-hook-form) and the action: the same zod
// schema checks both sides. Messages are i18n keys; the page translates them.
import { z } from "zod";
import { firstErrors } from "~/lib/form-errors";
import { maximumPledge, minimumPledge, typedDigits } from "~/lib/currencies";
import { formatMoney, parseMoney } from "~/lib/money";
import type { MessageKey } from "~/i18n/keys";
import { isCountryCode } from "~/lib/countries";
import { shippingFor, type ShippingCosts } from "~/lib/shipping";

export interface PledgeFormContext {
  currency: string;
  locale: string;
  fundingModel: "all_or_nothing" | "flexible";
  tiers: ({
    id: string;
    minAmount: number;
    soldOut: boolean;
    /** Sent by post: the form asks where to. */
    shippingRequired?: boolean;
    /** Where it may be picked up instead (null: by post only). */
    pickupPlace?: string | null;
  } & Partial<ShippingCosts>)[];
}

const message = (key: MessageKey) => ({ message: key });

const amountErrors: Record<string, MessageKey> = {
  empty: "pledge.error.amountRequired",
  invalid: "pledge.error.amountInvalid",
  negative: "pledge.error.amountPositive",
  too_many_decimals: "pledge.error.amountDecimals",
  too_large: "pledge.error.amountTooLarge",
  ambiguous: "money.error.ambiguous",
};

/** What the amount messages name: the currency's least and most pledge, and how many decimals it takes. */
export function amountMessageParams(currency: string, locale: string): Record<string, string | number> {
  return {
    currencyMin: formatMoney(minimumPledge(currency), currency, locale),
    max: formatMoney(maximumPledge(currency), currency, locale),
    digits: typedDigits(currency),
  };
}

/** The form's values as typed: strings, as a form posts them (checkboxes are "on" or absent). */
export type PledgeFormValues = {
  tierId: string;
  amount: string;
  name: string;
  email: string;
  comment: string;
  anonymous?: string | boolean;
  consent?: string | boolean;
  submissionKey: string;
} & DeliveryFormValues;

/** Where a reward sent by post goes, as typed; `delivery` is "post" or "pickup". */
export interface DeliveryFormValues {
  delivery: string;
  shipName: string;
  shipLine1: string;
  shipLine2: string;
  shipPostalCode: string;
  shipCity: string;
  shipCountry: string;
}

export const emptyDelivery: DeliveryFormValues = {
  delivery: "post",
  shipName: "",
  shipLine1: "",
  shipLine2: "",
  shipPostalCode: "",
  shipCity: "",
  shipCountry: "FR",
};

/** How a pledge's reward reaches the backer: by post to an address, or picked up (no address). */
export type PledgeDelivery =
  | {
      method: "post";
      name: string;
      line1: string;
      line2: string | null;
      postalCode: string;
      city: string;
      country: string;
    }
  | { method: "pickup" };

/** The address fields, each with its most; checked only when the reward is sent (checkDelivery). */
const deliveryShape = {
  delivery: z.string().max(10).default(""),
  shipName: z.string().trim().max(100, "pledge.error.shipTooLong").default(""),
  shipLine1: z.string().trim().max(120, "pledge.error.shipTooLong").default(""),
  shipLine2: z.string().trim().max(120, "pledge.error.shipTooLong").default(""),
  shipPostalCode: z.string().trim().max(12, "pledge.error.shipTooLong").default(""),
  shipCity: z.string().trim().max(80, "pledge.error.shipTooLong").default(""),
  shipCountry: z.string().trim().max(2).default(""),
};

type DeliveryInput = { [K in keyof typeof deliveryShape]: string };

/** French postcodes (and Monaco's) are five digits; elsewhere letters, digits, spaces and dashes. */
function postalCodeFits(code: string, country: string): boolean {
  if (country === "FR" || country === "MC") return /^\d{5}$/.test(code);
  return /^[A-Za-z0-9][A-Za-z0-9 -]{0,10}$/.test(code);
}

/** The tier the choice of delivery is about: a postal reward, or nothing to deliver. */
interface DeliveryTier extends Partial<ShippingCosts> {
  shippingRequired?: boolean;
  pickupPlace?: string | null;
}

/** The reward's shipping to `country` by post; null where it is not sent (costs not given: not checked). */
function zoneCost(tier: DeliveryTier, country: string): number | null | undefined {
  if (tier.shippingFr === undefined && tier.shippingEu === undefined && tier.shippingWorld === undefined)
    return undefined;
  return shippingFor(
    {
      shippingFr: tier.shippingFr ?? null,
      shippingEu: tier.shippingEu ?? null,
      shippingWorld: tier.shippingWorld ?? null,
    },
    country,
  );
}

/** Each missing or wrong address field, at its field; nothing when the reward is not sent or picked up. */
function checkDelivery(values: DeliveryInput, tier: DeliveryTier | undefined, ctx: z.RefinementCtx) {
  if (!tier?.shippingRequired) return;
  if (values.delivery === "pickup") {
    if (!tier.pickupPlace)
      ctx.addIssue({ code: "custom", path: ["delivery"], message: "pledge.error.pickupUnavailable" });
    return;
  }
  const missing = (path: keyof DeliveryInput, key: MessageKey) =>
    ctx.addIssue({ code: "custom", path: [path], message: key });
  if (!values.shipName) missing("shipName", "pledge.error.shipNameRequired");
  if (!values.shipLine1) missing("shipLine1", "pledge.error.shipLine1Required");
  const country = values.shipCountry.toUpperCase();
  if (!values.shipPostalCode) missing("shipPostalCode", "pledge.error.shipPostalCodeRequired");
  else if (!postalCodeFits(values.shipPostalCode, country))
    missing("shipPostalCode", "pledge.error.shipPostalCodeInvalid");
  if (!values.shipCity) missing("shipCity", "pledge.error.shipCityRequired");
  if (!isCountryCode(country)) missing("shipCountry", "pledge.error.shipCountryRequired");
  else if (zoneCost(tier, country) === null) missing("shipCountry", "pledge.error.shipZoneUnavailable");
}

function deliveryOf(values: DeliveryInput, tier: DeliveryTier | undefined): PledgeDelivery | null {
  if (!tier?.shippingRequired) return null;
  if (values.delivery === "pickup" && tier.pickupPlace) return { method: "pickup" };
  return {
    method: "post",
    name: values.shipName,
    line1: values.shipLine1,
    line2: values.shipLine2 || null,
    postalCode: values.shipPostalCode.toUpperCase(),
    city: values.shipCity,
    country: values.shipCountry.toUpperCase(),
  };
}

/** The backer's new address on their pledge page, with the same rules as the form's. */
export function deliveryChangeSchema(tier: DeliveryTier) {
  return z
    .object(deliveryShape)
    .superRefine((values, ctx) => checkDelivery(values, tier, ctx))
    .transform((values) => deliveryOf(values, tier));
}

const checked = z
  .union([z.literal("on"), z.literal("true"), z.boolean()])
  .optional()
  .transform((v) => v === true || v === "on" || v === "true");

export function pledgeFormSchema(context: PledgeFormContext) {
  const tierIds = new Set(context.tiers.map((t) => t.id));
  return (
    z
      .object({
        tierId: z
          .string()
          .default("")
          .refine((id) => id === "" || tierIds.has(id), message("pledge.error.tierUnknown")),
        amount: z.string().default(""),
        name: z.string().trim().min(1, "pledge.error.nameRequired").max(100, "pledge.error.nameTooLong"),
        email: z
          .string()
          .trim()
          .min(1, "pledge.error.emailRequired")
          .max(254, "pledge.error.emailInvalid")
          .email("pledge.error.emailInvalid"),
        comment: z.string().trim().max(500, "pledge.error.commentTooLong").default(""),
        anonymous: checked,
        consent: checked,
        submissionKey: z.string().uuid("pledge.error.formExpired"),
        ...deliveryShape,
      })
      // Checked with superRefine, not inside the transform, so that every field's error shows at once.
      .superRefine((values, ctx) => {
        const amountIssue = checkAmount(values.amount, values.tierId, context);
        if (amountIssue)
          ctx.addIssue({ code: "custom", path: [amountIssue.path], message: amountIssue.message });
        if (context.fundingModel === "all_or_nothing" && !values.consent) {
          ctx.addIssue({ code: "custom", path: ["consent"], message: "pledge.error.consentRequired" });
        }
        checkDelivery(
          values,
          context.tiers.find((t) => t.id === values.tierId),
          ctx,
        );
      })
      .transform((values) => {
        const parsed = parseMoney(values.amount, context.currency, context.locale);
        return {
          tierId: values.tierId || null,
          amount: parsed.ok ? parsed.amount : 0,
          name: values.name,
          email: values.email.toLowerCase(),
          comment: values.comment || null,
          anonymous: values.anonymous,
          submissionKey: values.submissionKey,
          delivery: deliveryOf(
            values,
            context.tiers.find((t) => t.id === values.tierId),
          ),
        };
      })
  );
}

/** The amount's one problem, if any: unreadable, under the reward's minimum, over the maximum. */
function checkAmount(
  text: string,
  tierId: string,
  context: PledgeFormContext,
): { path: "amount" | "tierId"; message: MessageKey } | null {
  const parsed = parseMoney(text, context.currency, context.locale);
  if (!parsed.ok) return { path: "amount", message: amountErrors[parsed.error]! };
  const tier = context.tiers.find((t) => t.id === tierId);
  // The reward's minimum when it is the higher (it always is, unless the reward predates Stripe's).
  const currencyMinimum = minimumPledge(context.currency);
  if (tier && tier.minAmount >= currencyMinimum) {
    if (parsed.amount < tier.minAmount) return { path: "amount", message: "pledge.error.amountBelowMinimum" };
  } else if (parsed.amount < currencyMinimum) {
    return { path: "amount", message: "pledge.error.amountBelowCurrencyMinimum" };
  }
  if (parsed.amount > maximumPledge(context.currency))
    return { path: "amount", message: "pledge.error.amountTooLarge" };
  if (tier?.soldOut) return { path: "tierId", message: "pledge.error.soldOut" };
  return null;
}

export type PledgeFormErrors = Partial<Record<keyof PledgeFormValues | "form", MessageKey>>;

/** The first error of each field, as i18n keys. */
export function fieldErrors(error: z.ZodError): PledgeFormErrors {
  return firstErrors(error) as PledgeFormErrors;
}

/** Changing a saved pledge: a reward and an amount, with the same amount rules as the form. */
export function pledgeChangeSchema(context: PledgeFormContext) {
  const tierIds = new Set(context.tiers.map((t) => t.id));
  return z
    .object({
      tierId: z
        .string()
        .default("")
        .refine((id) => id === "" || tierIds.has(id), message("pledge.error.tierUnknown")),
      amount: z.string().default(""),
    })
    .superRefine((values, ctx) => {
      const amountIssue = checkAmount(values.amount, values.tierId, context);
      if (amountIssue)
        ctx.addIssue({ code: "custom", path: [amountIssue.path], message: amountIssue.message });
    })
    .transform((values) => {
      const parsed = parseMoney(values.amount, context.currency, context.locale);
      return { tierId: values.tierId || null, amount: parsed.ok ? parsed.amount : 0 };
    });
}
