// Every email the app sends, by kind. The outbox stores a kind and its props; delivery renders here.
import { campaignApproved } from "./campaign-approved";
import { campaignFailed } from "./campaign-failed";
import { commentReplied } from "./comment-replied";
import { campaignSucceeded } from "./campaign-succeeded";
import { deadlineReminder } from "./deadline-reminder";
import type { EmailTemplate } from "./define";
import { lateCheckoutRefused } from "./late-checkout-refused";
import { milestoneReached } from "./milestone-reached";
import { ownerDailyDigest } from "./owner-daily-digest";
import { paymentCollected } from "./payment-collected";
import { paymentFailed } from "./payment-failed";
import { pledgeCanceled } from "./pledge-canceled";
import { pledgeChanged } from "./pledge-changed";
import { pledgeConfirmation } from "./pledge-confirmation";
import { pledgeDropped } from "./pledge-dropped";
import { questionAsked } from "./question-asked";
import { refundIssued } from "./refund-issued";
import { reviewFeedback } from "./review-feedback";
import { signInLink } from "./sign-in-link";
import { updatePosted } from "./update-posted";

export const emailTemplates = {
  pledge_confirmation: pledgeConfirmation,
  pledge_changed: pledgeChanged,
  pledge_canceled: pledgeCanceled,
  milestone_reached: milestoneReached,
  deadline_reminder: deadlineReminder,
  campaign_succeeded: campaignSucceeded,
  campaign_failed: campaignFailed,
  payment_collected: paymentCollected,
  payment_failed: paymentFailed,
  pledge_dropped: pledgeDropped,
  refund_issued: refundIssued,
  late_checkout_refused: lateCheckoutRefused,
  update_posted: updatePosted,
  owner_daily_digest: ownerDailyDigest,
  sign_in_link: signInLink,
  review_feedback: reviewFeedback,
  campaign_approved: campaignApproved,
  question_asked: questionAsked,
  comment_replied: commentReplied,
};

export type EmailKind = keyof typeof emailTemplates;
export type EmailProps<K extends EmailKind> =
  (typeof emailTemplates)[K] extends EmailTemplate<infer P> ? P : never;

export function isEmailKind(kind: string): kind is EmailKind {
  return kind in emailTemplates;
}

export { unsubscribeKinds, type UnsubscribeKind } from "./define";
export type { CampaignSnapshot, EmailContext, EmailLocale, RenderedEmail } from "./types";
