// The campaign editor's rules, shared by the form and the actions. Messages are i18n keys.
import { z } from "zod";
import { isCampaignCurrency, minimumPledge } from "~/lib/currencies";
import { parseMoney, type MoneyParseResult } from "~/lib/money";
import { isValidTimeZone } from "~/lib/time";
import type { MessageKey } from "~/i18n/keys";

/** A currency Stripe charges and whose minimum we know (docs/decisions/022); others are refused. */
function knownCurrency(code: string): boolean {
  return /^[A-Z]{3}$/.test(code) && isCampaignCurrency(code);
}

/** An ambiguous amount says so, with both readings (the page fills them in); else the field's own message. */
/** An amount's own error when it has one (too large, negative, too many decimals, ambiguous), else `otherwise`. */
export function amountMessage(parsed: MoneyParseResult, otherwise: MessageKey): MessageKey {
  if (parsed.ok) return otherwise;
  const own: Partial<Record<typeof parsed.error, MessageKey>> = {
    ambiguous: "money.error.ambiguous",
    negative: "money.error.negative",
    too_many_decimals: "money.error.decimals",
    too_large: "money.error.tooLarge",
  };
  return own[parsed.error] ?? otherwise;
}

const currency = z.string().trim().toUpperCase().refine(knownCurrency, "editor.error.currency");

export function campaignFormSchema(locale: string) {
  return z
    .object({
      title: z.string().trim().min(3, "editor.error.title").max(120, "editor.error.title"),
      slug: z
        .string()
        .trim()
        .toLowerCase()
        .regex(/^[a-z0-9]+(-[a-z0-9]+)*$/, "editor.error.slug")
        .max(60, "editor.error.slug"),
      tagline: z.string().trim().min(3, "editor.error.tagline").max(200, "editor.error.tagline"),
      story: z.string().trim().min(20, "editor.error.story").max(50_000, "editor.error.storyLong"),
      goal: z.string(),
      currency,
      // A refined string rather than z.enum: an unknown value must not stop the other checks.
      fundingModel: z
        .string()
        .refine(
          (v): v is "all_or_nothing" | "flexible" => v === "all_or_nothing" || v === "flexible",
          "editor.error.fundingModel",
        ),
      durationDays: z.coerce
        .number({ invalid_type_error: "editor.error.duration" })
        .int("editor.error.duration")
        .min(1, "editor.error.duration")
        .max(60, "editor.error.duration"),
      timeZone: z.string().refine(isValidTimeZone, "editor.error.timeZone"),
      // Optional: an end date wins over the duration (checked against the launch day when approved).
      endDate: z
        .string()
        .trim()
        .default("")
        .refine(
          (v) => v === "" || /^\d{4}-(0[1-9]|1[0-2])-(0[1-9]|[12]\d|3[01])$/.test(v),
          "editor.error.endDate",
        ),
    })
    .superRefine((values, ctx) => {
      // With an unknown currency (its own error), the goal is still read, as euros.
      const goal = parseMoney(values.goal, knownCurrency(values.currency) ? values.currency : "EUR", locale);
      if (!goal.ok || goal.amount <= 0)
        ctx.addIssue({ code: "custom", path: ["goal"], message: amountMessage(goal, "editor.error.goal") });
    })
    .transform((values) => {
      const goal = parseMoney(values.goal, values.currency, locale);
      return { ...values, goalAmount: goal.ok ? goal.amount : 0 };
    });
}

export type CampaignInput = z.output<ReturnType<typeof campaignFormSchema>>;

export function tierFormSchema(currencyCode: string, locale: string) {
  return z
    .object({
      title: z.string().trim().min(2, "editor.error.tierTitle").max(120, "editor.error.tierTitle"),
      description: z.string().trim().max(2_000, "editor.error.tierDescription").default(""),
      minimum: z.string(),
      limit: z
        .string()
        .trim()
        .default("")
        .refine(
          (v) => v === "" || (/^\d+$/.test(v) && Number(v) > 0 && Number(v) <= 100_000),
          "editor.error.limit",
        ),
      delivery: z
        .string()
        .trim()
        .default("")
        .refine((v) => v === "" || /^\d{4}-(0[1-9]|1[0-2])$/.test(v), "editor.error.delivery"),
      shipping: z.union([z.literal("on"), z.literal("")]).optional(),
      // A postal reward the backer may collect instead, and where (a short text).
      pickup: z.union([z.literal("on"), z.literal("")]).optional(),
      pickupPlace: z.string().trim().max(120, "editor.error.pickupPlaceTooLong").default(""),
      // What sending a postal reward costs, per zone (docs/decisions/036); empty: not sent there.
      shippingFr: z.string().max(40).default(""),
      shippingEu: z.string().max(40).default(""),
      shippingWorld: z.string().max(40).default(""),
    })
    .superRefine((values, ctx) => {
      if (values.shipping === "on" && values.pickup === "on" && !values.pickupPlace)
        ctx.addIssue({ code: "custom", path: ["pickupPlace"], message: "editor.error.pickupPlaceRequired" });
      if (values.shipping === "on") {
        for (const field of shippingFields) {
          const cost = shippingCost(values[field], currencyCode, locale);
          if (cost !== null && !cost.ok)
            ctx.addIssue({
              code: "custom",
              path: [field],
              message: amountMessage(cost, "editor.error.shippingCost"),
            });
        }
        const anyZone = shippingFields.some((field) => values[field].trim() !== "");
        if (!anyZone && values.pickup !== "on")
          ctx.addIssue({ code: "custom", path: ["shippingFr"], message: "editor.error.shippingNoZone" });
      }
      const min = parseMoney(values.minimum, currencyCode, locale);
      if (!min.ok || min.amount <= 0)
        ctx.addIssue({
          code: "custom",
          path: ["minimum"],
          message: amountMessage(min, "editor.error.minimum"),
        });
      // A reward below what Stripe charges could never be pledged.
      else if (min.amount < minimumPledge(currencyCode))
        ctx.addIssue({ code: "custom", path: ["minimum"], message: "editor.error.minimumTooSmall" });
    })
    .transform((values) => {
      const min = parseMoney(values.minimum, currencyCode, locale);
      return {
        title: values.title,
        description: values.description,
        minAmount: min.ok ? min.amount : 0,
        limit: values.limit === "" ? null : Number(values.limit),
        delivery: values.delivery || null,
        shipping: values.shipping === "on",
        // Only a reward sent by post is picked up instead.
        pickupPlace: values.shipping === "on" && values.pickup === "on" ? values.pickupPlace : null,
        // Only a reward sent by post costs shipping.
        shippingFr: values.shipping === "on" ? shippingMinor(values.shippingFr, currencyCode, locale) : null,
        shippingEu: values.shipping === "on" ? shippingMinor(values.shippingEu, currencyCode, locale) : null,
        shippingWorld:
          values.shipping === "on" ? shippingMinor(values.shippingWorld, currencyCode, locale) : null,
      };
    });
}

const shippingFields = ["shippingFr", "shippingEu", "shippingWorld"] as const;

/** A zone's cost as typed: null when empty (not sent there); 0 is free shipping. */
function shippingCost(text: string, currencyCode: string, locale: string) {
  if (text.trim() === "") return null;
  return parseMoney(text, currencyCode, locale);
}

function shippingMinor(text: string, currencyCode: string, locale: string): number | null {
  const cost = shippingCost(text, currencyCode, locale);
  return cost?.ok ? cost.amount : null;
}

/** A tier as the domain takes it; no pick-up place unless given. */
export type TierInput = Omit<
  z.output<ReturnType<typeof tierFormSchema>>,
  "pickupPlace" | "shippingFr" | "shippingEu" | "shippingWorld"
> & {
  pickupPlace?: string | null;
  shippingFr?: number | null;
  shippingEu?: number | null;
  shippingWorld?: number | null;
};

/** An update posted by the owner of a public campaign. */
export const updateFormSchema = z.object({
  title: z.string().trim().min(3, "editor.error.title").max(120, "editor.error.title"),
  body: z.string().trim().min(20, "editor.error.story").max(20_000, "editor.error.bodyLong"),
  visibility: z.enum(["public", "backers"]),
});

/**
 * The campaign's texts in its other language: each field may stay empty (the page then shows the
 * owner's own text), and one that is filled in follows the same rules as the original.
 */
export const campaignTranslationSchema = z.object({
  title: z
    .string()
    .trim()
    .refine((v) => v === "" || (v.length >= 3 && v.length <= 120), "editor.error.title"),
  tagline: z
    .string()
    .trim()
    .refine((v) => v === "" || (v.length >= 3 && v.length <= 200), "editor.error.tagline"),
  story: z
    .string()
    .trim()
    .refine((v) => v === "" || v.length >= 20, "editor.error.story")
    .refine((v) => v.length <= 50_000, "editor.error.storyLong"),
});

export type CampaignTranslation = z.output<typeof campaignTranslationSchema>;

/** The risks and challenges the owner sees ahead (Markdown, like the story); empty is allowed. */
export const risksFormSchema = z.object({
  risks: z.string().trim().max(20_000, "editor.error.risksLong").default(""),
});

/** One question of the campaign's FAQ and its answer (plain text or Markdown). */
export const faqFormSchema = z.object({
  question: z.string().trim().min(3, "editor.error.faqQuestion").max(200, "editor.error.faqQuestion"),
  answer: z.string().trim().min(1, "editor.error.faqAnswer").max(2_000, "editor.error.faqAnswer"),
});

export type FaqInput = z.output<typeof faqFormSchema>;

/** A text that may be left empty (no translation), and otherwise has the original's bounds. */
const optionalText = (min: number, max: number, message: MessageKey) =>
  z
    .string()
    .trim()
    .default("")
    .refine((v) => v === "" || (v.length >= min && v.length <= max), message);

/** A reward's or a stretch goal's title and description in the campaign's other language. */
export const itemTranslationSchema = z.object({
  title: optionalText(2, 120, "editor.error.tierTitle"),
  description: optionalText(0, 2_000, "editor.error.tierDescription"),
});
export type ItemTranslation = z.output<typeof itemTranslationSchema>;

/** An FAQ entry's question and answer in the campaign's other language. */
export const faqTranslationSchema = z.object({
  question: optionalText(3, 200, "editor.error.faqQuestion"),
  answer: optionalText(1, 2_000, "editor.error.faqAnswer"),
});
export type FaqTranslation = z.output<typeof faqTranslationSchema>;

/** One budget line (docs/decisions/041): what it buys, and its amount in the campaign's currency. */
export function budgetLineFormSchema(currencyCode: string, locale: string) {
  return z
    .object({
      label: z.string().trim().min(2, "editor.error.budgetLabel").max(120, "editor.error.budgetLabel"),
      amount: z.string().max(32).default(""),
    })
    .superRefine((values, ctx) => {
      const amount = parseMoney(values.amount, currencyCode, locale);
      if (!amount.ok || amount.amount <= 0)
        ctx.addIssue({
          code: "custom",
          path: ["amount"],
          message: amountMessage(amount, "editor.error.budgetAmount"),
        });
    })
    .transform((values) => {
      const amount = parseMoney(values.amount, currencyCode, locale);
      return { label: values.label, amount: amount.ok ? amount.amount : 0 };
    });
}
export type BudgetLineInput = z.output<ReturnType<typeof budgetLineFormSchema>>;

/** A budget line's label in the campaign's other language; empty: none. */
export const budgetTranslationSchema = z.object({
  label: optionalText(2, 120, "editor.error.budgetLabel"),
});
