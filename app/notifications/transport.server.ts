// Where emails go: an SMTP server when SMTP_URL is set, else the local mailbox, a table that keeps
// each message whole (as an SMTP server would receive it) for people to read in the app.
import { randomUUID } from "node:crypto";
import nodemailer from "nodemailer";
import type { Db } from "~/lib/db.server";

export interface MailMessage {
  from: string;
  to: string;
  subject: string;
  html: string;
  text: string;
  headers: Record<string, string>;
  messageId: string;
}

export interface MailTransport {
  readonly name: "smtp" | "mailbox";
  send(message: MailMessage, outboxId: string, now: Date): Promise<void>;
  close(): Promise<void>;
}

export function createSmtpTransport(url: string, { connections = 5 } = {}): MailTransport {
  // A pool keeps connections open between messages; timeouts keep a dead server from hanging a job.
  const transporter = nodemailer.createTransport({
    url,
    pool: true,
    maxConnections: connections,
    maxMessages: Infinity,
    connectionTimeout: 10_000,
    greetingTimeout: 10_000,
    socketTimeout: 30_000,
  });
  return {
    name: "smtp",
    async send(message) {
      await transporter.sendMail(message);
    },
    async close() {
      transporter.close();
    },
  };
}

export function createMailboxTransport(db: Db): MailTransport {
  const composer = nodemailer.createTransport({ streamTransport: true, buffer: true, newline: "unix" });
  return {
    name: "mailbox",
    async send(message, outboxId, now) {
      const info = await composer.sendMail(message);
      await db
        .insertInto("mailbox_messages")
        .values({
          id: randomUUID(),
          outbox_id: outboxId,
          to_email: message.to,
          subject: message.subject,
          raw: (info.message as Buffer).toString("utf8"),
          created_at: now.toISOString(),
        })
        .execute();
    },
    async close() {},
  };
}
