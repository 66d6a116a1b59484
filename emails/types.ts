// What every email template receives and returns. Templates are pure: props in, subject/HTML/text
// out; they import only app/lib/ and, for their words, app/i18n/.
import type { Locale } from "../app/i18n/keys";
import type { TimeLeft } from "../app/lib/time";

/** Any language the site has messages for: an email is written in its recipient's. */
export type EmailLocale = Locale;

/** The campaign as it stood when the email's cause happened. */
export interface CampaignSnapshot {
  title: string;
  url: string;
  raised: number;
  goal: number;
  currency: string;
  percent: number;
  backers: number;
  deadline: string | null;
  timeZone: string;
  timeLeft: TimeLeft | null;
}

export interface EmailContext {
  locale: EmailLocale;
  recipientName: string | null;
  /** One-click unsubscribe for non-transactional emails; null for transactional ones. */
  unsubscribeUrl: string | null;
  siteUrl: string;
}

export interface RenderedEmail {
  subject: string;
  html: string;
  text: string;
}
