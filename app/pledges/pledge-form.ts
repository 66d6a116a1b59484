// The pledge form's rules, shared by the browser (react-hook-form) and the action: the same zod
// schema checks both sides. Messages are i18n keys; the page translates them.
import { z } from "zod";
import { firstErrors } from "~/lib/form-errors";
import { maximumPledge, minimumPledge, typedDigits } from "~/lib/currencies";
import { formatMoney, parseMoney } from "~/lib/money";
import type { MessageKey } from "~/i18n/keys";

export interface PledgeFormContext {
  currency: string;
  locale: string;
  fundingModel: "all_or_nothing" | "flexible";
  tiers: { id: string; minAmount: number; soldOut: boolean }[];
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
export interface PledgeFormValues {
  tierId: string;
  amount: string;
  name: string;
  email: string;
  comment: string;
  anonymous?: string | boolean;
  consent?: string | boolean;
  submissionKey: string;
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
      })
      // Checked with superRefine, not inside the transform, so that every field's error shows at once.
      .superRefine((values, ctx) => {
        const amountIssue = checkAmount(values.amount, values.tierId, context);
        if (amountIssue)
          ctx.addIssue({ code: "custom", path: [amountIssue.path], message: amountIssue.message });
        if (context.fundingModel === "all_or_nothing" && !values.consent) {
          ctx.addIssue({ code: "custom", path: ["consent"], message: "pledge.error.consentRequired" });
        }
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
