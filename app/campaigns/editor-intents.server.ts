// The editor page's forms, one intent each (details, tiers, stretch goals, risks, FAQ, budget lines, submit,
// update): what was sent is parsed with the editor's schemas and handed to one authoring or lifecycle
// command, which checks that the campaign and the tier, goal or FAQ entry named are the actor's.
import type { Campaign } from "#db/schema.ts";
import type { Actor } from "~/auth/policy.server";
import type { Db } from "~/lib/db.server";
import { firstErrors, type FieldErrors } from "~/lib/form-errors";
import { refusalOf } from "~/lib/forms.server";
import { parseMoney } from "~/lib/money";
import {
  addFaqEntry,
  addStretchGoal,
  addTier,
  moveFaqEntry,
  moveStretchGoal,
  moveTier,
  postUpdate,
  removeFaqEntry,
  removeStretchGoal,
  setAddressesLocked,
  setCampaignTranslation,
  setItemTranslation,
  removeTier,
  updateCampaign,
  updateFaqEntry,
  updateRisks,
  updateStretchGoal,
  updateTier,
} from "./authoring.server";
import {
  amountMessage,
  campaignFormSchema,
  campaignTranslationSchema,
  budgetLineFormSchema,
  budgetTranslationSchema,
  faqFormSchema,
  faqTranslationSchema,
  itemTranslationSchema,
  risksFormSchema,
  tierFormSchema,
  updateFormSchema,
} from "./campaign-form";
import { submitForReview } from "./lifecycle.server";
import {
  addBudgetLine,
  moveBudgetLine,
  removeBudgetLine,
  setBudgetLineTranslation,
  updateBudgetLine,
} from "./budget-lines.server";

export type EditorOutcome =
  /** Saved: back to the page with this notice. */
  | { kind: "done"; notice: "saved" | "submitted" }
  /** Refused: the page again, with each field's message. */
  | { kind: "invalid"; errors: FieldErrors; status: number };

export interface EditorRequest {
  campaign: Pick<Campaign, "id" | "currency">;
  actor: Actor;
  /** The form as sent, every value a string. */
  values: Record<string, string>;
  locale: string;
  /** PUBLIC_URL: which images of an update are ours (story.server.ts). */
  siteUrl: string;
}

const saved = { kind: "done", notice: "saved" } as const;
const invalid = (errors: FieldErrors, status = 400): EditorOutcome => ({ kind: "invalid", errors, status });

/** A stretch goal's description: as long as a reward's. */
const STRETCH_DESCRIPTION_MAX = 2_000;

export async function handleEditorIntent(db: Db, request: EditorRequest, now: Date): Promise<EditorOutcome> {
  try {
    return await dispatch(db, request, now);
  } catch (error) {
    // A refusal, in the table's words on its field; a tier or stretch goal that is not this
    // campaign's (a 404) goes on to be the page's answer, like anything else.
    const { status, field, message } = refusalOf(error);
    return invalid({ [field]: message }, status);
  }
}

async function dispatch(db: Db, request: EditorRequest, now: Date): Promise<EditorOutcome> {
  const { values, locale, actor } = request;
  const { currency } = request.campaign;
  const campaign = { campaignId: request.campaign.id, actor };
  const tier = { ...campaign, tierId: values.tierId ?? "" };
  const goal = { ...campaign, goalId: values.goalId ?? "" };
  const faq = { ...campaign, faqId: values.faqId ?? "" };
  const line = { ...campaign, lineId: values.lineId ?? "" };
  const direction = values.direction === "up" ? "up" : "down";
  switch (values.intent ?? "") {
    case "details": {
      const parsed = campaignFormSchema(locale).safeParse(values);
      if (!parsed.success) return invalid(firstErrors(parsed.error));
      await updateCampaign(db, campaign, parsed.data, now);
      return saved;
    }
    case "translate": {
      const parsed = campaignTranslationSchema.safeParse(values);
      if (!parsed.success) return invalid(firstErrors(parsed.error));
      await setCampaignTranslation(db, campaign, parsed.data);
      return saved;
    }
    case "translate-tier":
    case "translate-stretch": {
      const parsed = itemTranslationSchema.safeParse(values);
      if (!parsed.success) return invalid(firstErrors(parsed.error));
      await setItemTranslation(
        db,
        values.intent === "translate-tier"
          ? { kind: "reward_tier", target: tier, texts: parsed.data }
          : { kind: "stretch_goal", target: goal, texts: parsed.data },
      );
      return saved;
    }
    case "translate-faq": {
      const parsed = faqTranslationSchema.safeParse(values);
      if (!parsed.success) return invalid(firstErrors(parsed.error));
      await setItemTranslation(db, { kind: "faq_entry", target: faq, texts: parsed.data });
      return saved;
    }
    case "add-tier":
    case "update-tier": {
      const parsed = tierFormSchema(currency, locale).safeParse(values);
      if (!parsed.success) return invalid(firstErrors(parsed.error));
      if (values.intent === "add-tier") await addTier(db, campaign, parsed.data, now);
      else await updateTier(db, tier, parsed.data);
      return saved;
    }
    case "remove-tier":
      await removeTier(db, tier);
      return saved;
    case "move-tier":
      await moveTier(db, tier, direction);
      return saved;
    case "add-stretch":
    case "update-stretch": {
      const target = parseMoney(values.target ?? "", currency, locale);
      const title = (values.title ?? "").trim();
      const description = (values.description ?? "").trim();
      const errors: FieldErrors = {};
      if (!target.ok || target.amount <= 0) errors.target = amountMessage(target, "editor.error.goal");
      if (title.length < 2) errors.title = "editor.error.tierTitle";
      if (description.length > STRETCH_DESCRIPTION_MAX) errors.description = "editor.error.tierDescription";
      if (Object.keys(errors).length || !target.ok) return invalid(errors);
      const fields = { title, target: target.amount, description };
      if (values.intent === "add-stretch") await addStretchGoal(db, campaign, fields);
      else await updateStretchGoal(db, goal, fields);
      return saved;
    }
    case "move-stretch":
      await moveStretchGoal(db, goal, direction);
      return saved;
    case "remove-stretch":
      await removeStretchGoal(db, goal);
      return saved;
    case "risks": {
      const parsed = risksFormSchema.safeParse(values);
      if (!parsed.success) return invalid(firstErrors(parsed.error));
      await updateRisks(db, campaign, parsed.data.risks, now);
      return saved;
    }
    case "add-faq":
    case "update-faq": {
      const parsed = faqFormSchema.safeParse(values);
      if (!parsed.success) return invalid(firstErrors(parsed.error));
      if (values.intent === "add-faq") await addFaqEntry(db, campaign, parsed.data, now);
      else await updateFaqEntry(db, faq, parsed.data);
      return saved;
    }
    case "move-faq":
      await moveFaqEntry(db, faq, direction);
      return saved;
    case "remove-faq":
      await removeFaqEntry(db, faq);
      return saved;
    case "add-budget":
    case "update-budget": {
      const parsed = budgetLineFormSchema(currency, locale).safeParse(values);
      if (!parsed.success) return invalid(firstErrors(parsed.error));
      if (values.intent === "add-budget") await addBudgetLine(db, campaign, parsed.data, now);
      else await updateBudgetLine(db, line, parsed.data);
      return saved;
    }
    case "move-budget":
      await moveBudgetLine(db, line, direction);
      return saved;
    case "remove-budget":
      await removeBudgetLine(db, line);
      return saved;
    case "translate-budget": {
      const parsed = budgetTranslationSchema.safeParse(values);
      if (!parsed.success) return invalid(firstErrors(parsed.error));
      await setBudgetLineTranslation(db, line, parsed.data);
      return saved;
    }
    case "lock-addresses":
    case "unlock-addresses":
      await setAddressesLocked(db, campaign, values.intent === "lock-addresses", now);
      return saved;
    case "submit":
      await submitForReview(db, campaign, now);
      return { kind: "done", notice: "submitted" };
    case "post-update": {
      const parsed = updateFormSchema.safeParse(values);
      if (!parsed.success) return invalid(firstErrors(parsed.error));
      await postUpdate(db, campaign, parsed.data, now, { siteUrl: request.siteUrl });
      return saved;
    }
    default:
      return invalid({ form: "editor.error.state" });
  }
}
