// An admin's decision on a campaign, as its review forms send it (issue #15): approve (now or at a
// moment typed in the campaign's zone), send back with a message, or cancel. Shared by the review page
// and the campaign's admin page, which both take these forms; a refusal names its field, so the
// form shows it there and in its summary, with what was typed.
import { z } from "zod";
import type { Actor } from "~/auth/policy.server";
import { echoValues } from "~/lib/form-echo";
import type { FieldErrors } from "~/lib/form-errors";
import { refusalOf } from "~/lib/forms.server";
import { parseLocalInput } from "~/lib/time";
import type { Db } from "~/lib/db.server";
import { approveCampaign, cancelCampaign, sendBackToDraft } from "./lifecycle.server";

export const reviewIntents = ["approve", "send-back", "cancel-campaign"] as const;
export type ReviewIntent = (typeof reviewIntents)[number];

/** What a refused decision sends back: at most what its fields hold. */
const ECHO_LIMITS = { launchAt: 40, message: 2_000 };
export const REVIEW_MESSAGE_MIN_LENGTH = 3;

const reviewForm = z.object({
  intent: z.enum(reviewIntents),
  launchAt: z.string().trim().optional(),
  message: z.string().trim().optional(),
});

/** A refused decision: which form, each field's message (or "form"), what was typed, the status. */
export interface ReviewRefusal {
  intent: ReviewIntent;
  errors: FieldErrors;
  values: Record<string, string>;
  status: number;
}

/** Whether a posted form is one of the review's decisions. */
export const isReviewIntent = (intent: unknown): intent is ReviewIntent =>
  (reviewIntents as readonly unknown[]).includes(intent);

/**
 * Carries out a decision on a campaign (the actor's right to it is checked by each command, in its
 * transaction). Returns null when done, else the refusal for the form that sent it.
 */
export async function decideReview(
  db: Db,
  request: { campaign: { id: string; time_zone: string }; actor: Actor; values: Record<string, unknown> },
  now: Date,
): Promise<ReviewRefusal | null> {
  const parsed = reviewForm.safeParse(request.values);
  const intent: ReviewIntent = parsed.success ? parsed.data.intent : "approve";
  const values = echoValues(request.values, ECHO_LIMITS);
  const refuse = (field: string, message: FieldErrors[string], status = 400): ReviewRefusal => ({
    intent,
    errors: { [field]: message },
    values,
    status,
  });
  if (!parsed.success) return refuse("form", "editor.error.state");
  const target = { campaignId: request.campaign.id, actor: request.actor };
  const { launchAt: typed, message } = parsed.data;
  try {
    if (intent === "cancel-campaign") {
      await cancelCampaign(db, target, now);
    } else if (intent === "approve") {
      // The moment typed is the campaign's wall clock (its zone, shown beside the field), not the server's.
      const launchAt = typed ? parseLocalInput(typed, request.campaign.time_zone) : null;
      if (typed && !launchAt) return refuse("launchAt", "review.error.launchAt");
      await approveCampaign(db, target, launchAt, now);
    } else {
      if (!message || Array.from(message).length < REVIEW_MESSAGE_MIN_LENGTH)
        return refuse("message", "admin.error.reason");
      await sendBackToDraft(db, target, message, now);
    }
  } catch (error) {
    // A refusal about the campaign (not in review, an end date now too far) is the form's, above its button.
    const { status, message: key } = refusalOf(error);
    return refuse("form", key, status);
  }
  return null;
}

/** A refusal's one message (each refusal names one field). */
export const firstMessage = (refusal: ReviewRefusal) => Object.values(refusal.errors)[0] ?? "form.invalid";
