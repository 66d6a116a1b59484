// The frame every email shares: readable on a phone, no remote images, the campaign's numbers in a
// box, and a footer with the unsubscribe link where one applies.
import {
  Body,
  Button,
  Container,
  Head,
  Hr,
  Html,
  Link,
  Preview,
  Section,
  Text,
} from "@react-email/components";
import type { ReactNode } from "react";
import { intlLocale, translator } from "../app/i18n/catalogue.server";
import { formatZonedInstant } from "../app/lib/zoned-time.server";
import type { MessageKey } from "../app/i18n/keys";
import { dateTimeFormat } from "../app/i18n/intl";
import { formatMoney } from "../app/lib/money";
import type { CampaignSnapshot, EmailContext, EmailLocale } from "./types";

/** The words of an email, from the catalogue pages use (app/i18n/messages, `email.*` mostly). */
export { translator };

export const money = (amount: number, currency: string, locale: EmailLocale) =>
  formatMoney(amount, currency, intlLocale(locale));

/** "8 décembre 2026": a day as people in the campaign's zone read it. */
export const longDate = (instant: string, campaign: CampaignSnapshot, locale: EmailLocale) =>
  dateTimeFormat(intlLocale(locale), { dateStyle: "long", timeZone: campaign.timeZone }).format(
    new Date(instant),
  );

const frame = {
  body: {
    backgroundColor: "#fbf8f3",
    fontFamily: "system-ui, -apple-system, 'Segoe UI', Roboto, Arial, sans-serif",
    color: "#1f2a37",
    margin: 0,
    padding: "16px 0",
  },
  container: {
    backgroundColor: "#ffffff",
    border: "1px solid #e6dfd3",
    borderRadius: "12px",
    maxWidth: "560px",
    padding: "24px",
  },
  brand: { color: "#1f3a5f", fontWeight: 700, fontSize: "18px", margin: "0 0 16px" },
  text: { fontSize: "16px", lineHeight: "24px", margin: "0 0 14px" },
  box: { backgroundColor: "#fdf4ec", borderRadius: "10px", padding: "12px 16px", margin: "8px 0 18px" },
  boxText: { fontSize: "15px", lineHeight: "22px", margin: "0" },
  button: {
    backgroundColor: "#c2410c",
    color: "#ffffff",
    borderRadius: "999px",
    padding: "12px 22px",
    fontWeight: 600,
    fontSize: "16px",
    textDecoration: "none",
  },
  footer: { fontSize: "13px", lineHeight: "20px", color: "#6b7280", margin: "0" },
} as const;

const timeLeftKey = {
  days: "campaign.timeLeft.days",
  hours: "campaign.timeLeft.hours",
  minutes: "campaign.timeLeft.minutes",
} as const satisfies Record<string, MessageKey>;

/** The campaign's numbers: amount, percent, backers, time left, deadline in its zone. */
export function CampaignNumbers({ campaign, locale }: { campaign: CampaignSnapshot; locale: EmailLocale }) {
  // The same numbers as on the campaign page, in the same words where they are the same.
  const t = translator(locale);
  const { timeLeft } = campaign;
  const lines = [
    t("email.numbers.raised", {
      raised: money(campaign.raised, campaign.currency, locale),
      goal: money(campaign.goal, campaign.currency, locale),
      percent: campaign.percent,
    }),
    t("campaign.backers", { count: campaign.backers }),
    ...(timeLeft
      ? [
          timeLeft.unit === "ended"
            ? t("campaign.timeLeft.ended")
            : t(timeLeftKey[timeLeft.unit], { count: timeLeft.value }),
        ]
      : []),
    ...(campaign.deadline && timeLeft?.unit !== "ended"
      ? [
          t("email.numbers.ends", {
            date: formatZonedInstant(new Date(campaign.deadline), campaign.timeZone, locale),
          }),
        ]
      : []),
  ];
  return (
    <Section style={frame.box}>
      <Text style={{ ...frame.boxText, fontWeight: 700 }}>{campaign.title}</Text>
      {lines.map((line) => (
        <Text key={line} style={frame.boxText}>
          {line}
        </Text>
      ))}
    </Section>
  );
}

export function Paragraph({ children }: { children: ReactNode }) {
  return <Text style={frame.text}>{children}</Text>;
}

export function Action({ href, children }: { href: string; children: ReactNode }) {
  return (
    <Section style={{ margin: "8px 0 20px" }}>
      <Button href={href} style={frame.button}>
        {children}
      </Button>
    </Section>
  );
}

export function EmailLayout({
  context,
  preview,
  children,
}: {
  context: EmailContext;
  preview: string;
  children: ReactNode;
}) {
  const t = translator(context.locale);
  return (
    <Html lang={context.locale}>
      <Head />
      <Preview>{preview}</Preview>
      <Body style={frame.body}>
        <Container style={frame.container}>
          <Text style={frame.brand}>{t("site.name")}</Text>
          <Text style={frame.text}>
            {context.recipientName ? t("email.helloName", { name: context.recipientName }) : t("email.hello")}
          </Text>
          {children}
          <Hr style={{ borderColor: "#e6dfd3", margin: "24px 0 12px" }} />
          <Text style={frame.footer}>{t("email.footer.why")}</Text>
          {context.unsubscribeUrl ? (
            <Text style={frame.footer}>
              <Link href={context.unsubscribeUrl} style={{ color: "#6b7280" }}>
                {t("email.footer.unsubscribe")}
              </Link>
            </Text>
          ) : null}
          <Text style={frame.footer}>
            <Link href={context.siteUrl} style={{ color: "#6b7280" }}>
              {context.siteUrl.replace(/^https?:\/\//, "")}
            </Link>
          </Text>
        </Container>
      </Body>
    </Html>
  );
}
