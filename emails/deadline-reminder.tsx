// 48 hours before the deadline, to backers and to the owner.
import { Action, CampaignNumbers, Paragraph, translator } from "./layout";
import { defineEmail } from "./define";
import type { CampaignSnapshot } from "./types";

export interface DeadlineReminderProps {
  campaign: CampaignSnapshot;
  audience: "backer" | "owner";
}

export const deadlineReminder = defineEmail<DeadlineReminderProps>("reminders", (p, { locale }) => {
  const t = translator(locale);
  const subject = t("email.reminder.subject", { title: p.campaign.title });
  const reached = p.campaign.percent >= 100;
  const body =
    p.audience === "owner"
      ? t(reached ? "email.reminder.owner.reached" : "email.reminder.owner.short")
      : t(reached ? "email.reminder.backer.reached" : "email.reminder.backer.short");
  return {
    subject,
    preview: subject,
    body: (
      <>
        <Paragraph>{body}</Paragraph>
        <CampaignNumbers campaign={p.campaign} locale={locale} />
        <Action href={p.campaign.url}>{t("email.action.campaign")}</Action>
      </>
    ),
  };
});
