// The outbox's delivery job: claim due emails (so two workers never take the same row), render
// each, send it, and record sent, retried with exponential backoff, or failed with the error.
import type { Engine } from "#db/connection.ts";
import type { Updateable } from "kysely";
import type { EmailOutboxTable, OutboxEmail } from "#db/schema.ts";
import { emailTemplates, isEmailKind, type EmailLocale } from "../../emails";
import { localeOrDefault } from "~/i18n/negotiate.server";
import { pledgeUrl } from "~/auth/pledge-link.server";
import type { Config } from "~/lib/config.server";
import type { Db } from "~/lib/db.server";
import { HOUR, MINUTE } from "~/lib/time";
import type { MailTransport } from "./transport.server";
import { isUnsubscribed, unsubscribeUrl } from "./unsubscribe.server";

export const MAX_ATTEMPTS = 8;
/** A row left 'sending' this long was claimed by a worker that died: it goes back in the queue. */
export const STALE_CLAIM = 10 * MINUTE;

export interface DeliveryDeps {
  db: Db;
  engine: Engine;
  transport: MailTransport;
  config: Pick<Config, "PUBLIC_URL" | "SESSION_SECRET" | "MAIL_FROM">;
  workerId: string;
}

export interface DeliveryReport {
  sent: number;
  retried: number;
  failed: number;
  skipped: number;
}

/** 30 s, 1 min, 2 min… capped at an hour. */
export function backoff(attempts: number): number {
  return Math.min(30_000 * 2 ** Math.max(0, attempts - 1), HOUR);
}

async function claim(deps: DeliveryDeps, now: Date, batch: number): Promise<OutboxEmail[]> {
  const { db, engine, workerId } = deps;
  await db
    .updateTable("email_outbox")
    .set({ status: "queued", claimed_by: null, claimed_at: null })
    .where("status", "=", "sending")
    .where("claimed_at", "<", new Date(now.getTime() - STALE_CLAIM).toISOString())
    .execute();
  return db
    .updateTable("email_outbox")
    .set({ status: "sending", claimed_by: workerId, claimed_at: now.toISOString() })
    .where("id", "in", (eb) => {
      const due = eb
        .selectFrom("email_outbox")
        .select("id")
        .where("status", "=", "queued")
        .where("next_attempt_at", "<=", now.toISOString())
        .orderBy("next_attempt_at")
        .limit(batch);
      // SQLite has one writer at a time; PostgreSQL workers skip the rows another one holds.
      return engine === "postgres" ? due.forUpdate().skipLocked() : due;
    })
    .where("status", "=", "queued")
    .returningAll()
    .execute();
}

/** Link fields in the props (`url`, `pledgeUrl`…) hold paths (`/campaigns/x`): they become links on this site. */
function withLinks(value: unknown, publicUrl: string): unknown {
  if (Array.isArray(value)) return value.map((item) => withLinks(item, publicUrl));
  if (!value || typeof value !== "object") return value;
  return Object.fromEntries(
    Object.entries(value).map(([key, inner]) => [
      key,
      /url$/i.test(key) && typeof inner === "string" && inner.startsWith("/")
        ? `${publicUrl}${inner}`
        : withLinks(inner, publicUrl),
    ]),
  );
}

type Rendered = { subject: string; html: string; text: string };

// A milestone goes to thousands of backers with the same props: it is rendered once per language
// with placeholders for what differs (the name, the unsubscribe link), then filled in per person.
const NAME = "__TDT_RECIPIENT_NAME__";
const UNSUBSCRIBE = "__TDT_UNSUBSCRIBE_URL__";
const renderedKept = new Map<string, Promise<Rendered>>();
const RENDERED_KEPT = 50;

const escapeHtml = (text: string) =>
  text.replace(
    /[&<>"']/g,
    (c) => ({ "&": "&amp;", "<": "&lt;", ">": "&gt;", '"': "&quot;", "'": "&#x27;" })[c]!,
  );

async function renderFor(
  kind: string,
  props: Record<string, unknown>,
  context: {
    locale: EmailLocale;
    recipientName: string | null;
    unsubscribeUrl: string | null;
    siteUrl: string;
  },
): Promise<Rendered> {
  const template = emailTemplates[kind as keyof typeof emailTemplates];
  const render = template.render as (p: unknown, c: unknown) => Promise<Rendered>;
  const key = JSON.stringify([
    kind,
    context.locale,
    context.siteUrl,
    context.recipientName !== null,
    context.unsubscribeUrl !== null,
    props,
  ]);
  let shared = renderedKept.get(key);
  if (!shared) {
    shared = render(props, {
      ...context,
      recipientName: context.recipientName === null ? null : NAME,
      unsubscribeUrl: context.unsubscribeUrl === null ? null : UNSUBSCRIBE,
    });
    if (renderedKept.size >= RENDERED_KEPT) renderedKept.delete(renderedKept.keys().next().value!);
    renderedKept.set(key, shared);
    shared.catch(() => renderedKept.delete(key));
  }
  const { subject, html, text } = await shared;
  const name = context.recipientName ?? "";
  const url = context.unsubscribeUrl ?? "";
  return {
    subject: subject.replaceAll(NAME, name),
    html: html.replaceAll(NAME, escapeHtml(name)).replaceAll(UNSUBSCRIBE, escapeHtml(url)),
    text: text.replaceAll(NAME, name).replaceAll(UNSUBSCRIBE, url),
  };
}

/** Records how a claimed row ended, if this worker still holds it. */
function finish(deps: DeliveryDeps, row: OutboxEmail, values: Updateable<EmailOutboxTable>) {
  return deps.db
    .updateTable("email_outbox")
    .set(values)
    .where("id", "=", row.id)
    .where("status", "=", "sending")
    .where("claimed_by", "=", deps.workerId)
    .execute();
}

async function deliverOne(deps: DeliveryDeps, row: OutboxEmail, now: Date): Promise<keyof DeliveryReport> {
  const { db, config } = deps;
  try {
    if (!isEmailKind(row.kind)) throw new Error(`Unknown email kind ${row.kind}`);
    const template = emailTemplates[row.kind];
    const category = template.category;
    if (category !== "transactional" && (await isUnsubscribed(db, row.to_email, category))) {
      await finish(deps, row, { status: "skipped", claimed_by: null, last_error: "unsubscribed" });
      return "skipped";
    }
    const unsubscribe =
      category === "transactional"
        ? null
        : unsubscribeUrl(config.PUBLIC_URL, config.SESSION_SECRET, row.to_email, category);
    const props = withLinks(JSON.parse(row.props), config.PUBLIC_URL) as Record<string, unknown>;
    // The private link needs the session secret, so it is made here rather than stored.
    if (row.pledge_id) props.pledgeUrl = pledgeUrl(config.PUBLIC_URL, config.SESSION_SECRET, row.pledge_id);
    const rendered = await renderFor(row.kind, props, {
      locale: localeOrDefault(row.locale),
      recipientName: row.to_name,
      unsubscribeUrl: unsubscribe,
      siteUrl: config.PUBLIC_URL,
    });
    const messageId = `<${row.id}@${new URL(config.PUBLIC_URL).hostname}>`;
    await deps.transport.send(
      {
        from: config.MAIL_FROM,
        to: row.to_name ? `"${row.to_name.replace(/["\\]/g, "")}" <${row.to_email}>` : row.to_email,
        subject: rendered.subject,
        html: rendered.html,
        text: rendered.text,
        messageId,
        headers: unsubscribe
          ? { "List-Unsubscribe": `<${unsubscribe}>`, "List-Unsubscribe-Post": "List-Unsubscribe=One-Click" }
          : {},
      },
      row.id,
      now,
    );
    // Without SMTP nobody else can read the mailbox before an admin exists: the person at the
    // server's console signs in with the link printed here (README, "Emails").
    if (deps.transport.name === "mailbox" && row.kind === "sign_in_link" && typeof props.url === "string") {
      console.log(`Sign-in link for ${row.to_email}: ${props.url}`);
    }
    await finish(deps, row, {
      status: "sent",
      sent_at: now.toISOString(),
      message_id: messageId,
      attempts: row.attempts + 1,
      claimed_by: null,
      last_error: null,
    });
    return "sent";
  } catch (error) {
    const attempts = row.attempts + 1;
    const failed = attempts >= MAX_ATTEMPTS;
    await finish(deps, row, {
      status: failed ? "failed" : "queued",
      attempts,
      next_attempt_at: new Date(now.getTime() + backoff(attempts)).toISOString(),
      claimed_by: null,
      claimed_at: null,
      last_error: String((error as Error).message ?? error).slice(0, 1000),
    });
    return failed ? "failed" : "retried";
  }
}

/** Delivers what is due now, `concurrency` messages at a time, until no due row is left. */
export async function deliverDueEmails(
  deps: DeliveryDeps,
  now: Date,
  {
    batch = 100,
    concurrency = 10,
    maxBatches = Infinity,
  }: { batch?: number; concurrency?: number; maxBatches?: number } = {},
): Promise<DeliveryReport> {
  const report: DeliveryReport = { sent: 0, retried: 0, failed: 0, skipped: 0 };
  for (let round = 0; round < maxBatches; round++) {
    const rows = await claim(deps, now, batch);
    if (rows.length === 0) break;
    let next = 0;
    await Promise.all(
      Array.from({ length: Math.min(concurrency, rows.length) }, async () => {
        while (next < rows.length) {
          const row = rows[next++]!;
          report[await deliverOne(deps, row, now)]++;
        }
      }),
    );
    // A failing transport leaves rows for later (backoff): stop this run instead of spinning.
    if (report.retried > 0 && report.sent === 0) break;
  }
  return report;
}
