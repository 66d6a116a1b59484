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
import { dateTimeFormat } from "../app/lib/intl";
import { formatMoney } from "../app/lib/money";
import { formatInstant } from "../app/lib/time";
import type { CampaignSnapshot, EmailContext, EmailLocale } from "./types";

export const intlLocales: Record<EmailLocale, string> = { fr: "fr-FR", en: "en-GB" };

export const money = (amount: number, currency: string, locale: EmailLocale) =>
  formatMoney(amount, currency, intlLocales[locale]);

/** "8 décembre 2026": a day as people in the campaign's zone read it. */
export const longDate = (instant: string, campaign: CampaignSnapshot, locale: EmailLocale) =>
  dateTimeFormat(intlLocales[locale], { dateStyle: "long", timeZone: campaign.timeZone }).format(
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

const copy = {
  fr: {
    hello: (name: string | null) => (name ? `Bonjour ${name},` : "Bonjour,"),
    raised: (raised: string, goal: string, percent: number) =>
      `${raised} collectés sur ${goal} (${percent} %)`,
    backers: (n: number) => `${n} contributeur${n > 1 ? "s" : ""}`,
    timeLeft: (t: NonNullable<CampaignSnapshot["timeLeft"]>) =>
      t.unit === "ended"
        ? "Campagne terminée"
        : `${t.value} ${{ days: "jour", hours: "heure", minutes: "minute" }[t.unit]}${t.value > 1 ? "s" : ""} restant${t.value > 1 ? "s" : ""}`,
    ends: (date: string) => `Fin de la collecte : ${date}`,
    why: "Vous recevez cet e-mail parce que vous soutenez ou portez une campagne sur Tour de table.",
    unsubscribe: "Ne plus recevoir ce type d'e-mail",
  },
  en: {
    hello: (name: string | null) => (name ? `Hello ${name},` : "Hello,"),
    raised: (raised: string, goal: string, percent: number) => `${raised} raised of ${goal} (${percent}%)`,
    backers: (n: number) => `${n} backer${n === 1 ? "" : "s"}`,
    timeLeft: (t: NonNullable<CampaignSnapshot["timeLeft"]>) =>
      t.unit === "ended"
        ? "Campaign ended"
        : `${t.value} ${t.unit === "days" ? "day" : t.unit === "hours" ? "hour" : "minute"}${t.value === 1 ? "" : "s"} to go`,
    ends: (date: string) => `Ends ${date}`,
    why: "You receive this email because you back or run a campaign on Tour de table.",
    unsubscribe: "Stop receiving this kind of email",
  },
} as const;

/** The campaign's numbers: amount, percent, backers, time left, deadline in its zone. */
export function CampaignNumbers({ campaign, locale }: { campaign: CampaignSnapshot; locale: EmailLocale }) {
  const c = copy[locale];
  const lines = [
    c.raised(
      money(campaign.raised, campaign.currency, locale),
      money(campaign.goal, campaign.currency, locale),
      campaign.percent,
    ),
    c.backers(campaign.backers),
    ...(campaign.timeLeft ? [c.timeLeft(campaign.timeLeft)] : []),
    ...(campaign.deadline && campaign.timeLeft?.unit !== "ended"
      ? [c.ends(formatInstant(new Date(campaign.deadline), campaign.timeZone, intlLocales[locale]))]
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
  const c = copy[context.locale];
  return (
    <Html lang={context.locale}>
      <Head />
      <Preview>{preview}</Preview>
      <Body style={frame.body}>
        <Container style={frame.container}>
          <Text style={frame.brand}>Tour de table</Text>
          <Text style={frame.text}>{c.hello(context.recipientName)}</Text>
          {children}
          <Hr style={{ borderColor: "#e6dfd3", margin: "24px 0 12px" }} />
          <Text style={frame.footer}>{c.why}</Text>
          {context.unsubscribeUrl ? (
            <Text style={frame.footer}>
              <Link href={context.unsubscribeUrl} style={{ color: "#6b7280" }}>
                {c.unsubscribe}
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
