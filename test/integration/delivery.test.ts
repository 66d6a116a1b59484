// Delivery through a real SMTP server on loopback: what arrives (recipients, subject, text, links,
// headers), an SMTP outage (messages wait, then arrive once), unsubscribes at send time, and two
// workers never sending one row twice.
import { randomUUID } from "node:crypto";
import { afterAll, beforeAll, beforeEach, expect, test } from "vitest";
import { deliverDueEmails, MAX_ATTEMPTS, type DeliveryDeps } from "~/notifications/delivery.server";
import { queueEmails, type QueuedEmail } from "~/notifications/outbox.server";
import {
  createMailboxTransport,
  createSmtpTransport,
  type MailTransport,
} from "~/notifications/transport.server";
import { unsubscribe } from "~/notifications/unsubscribe.server";
import { pledgeToken } from "~/auth/pledge-link.server";
import { startSmtpSink, type SmtpSink } from "../support/smtp";
import { useTestDatabase } from "../support/database";

const database = useTestDatabase();
const config = {
  PUBLIC_URL: "https://tourdetable.example",
  SESSION_SECRET: "delivery-test-secret-".padEnd(40, "x"),
  MAIL_FROM: "Tour de table <no-reply@tourdetable.example>",
};
let sink: SmtpSink;
let transport: MailTransport;

beforeAll(async () => {
  sink = await startSmtpSink();
  transport = createSmtpTransport(sink.url, { connections: 3 });
});
// Each test delivers everything due: it starts from an empty outbox.
beforeEach(async () => {
  await database().db.deleteFrom("email_outbox").execute();
  sink.messages.length = 0;
});
afterAll(async () => {
  await transport?.close();
  await sink?.stop();
});

const deps = (workerId = "worker-a", via: MailTransport = transport): DeliveryDeps => ({
  db: database().db,
  engine: database().engine,
  transport: via,
  config,
  workerId,
});

const snapshot = {
  title: "La Machinerie : 15 000 € en 15 jours",
  url: "/campaigns/la-machinerie",
  raised: 750_000,
  goal: 1_500_000,
  currency: "EUR",
  percent: 50,
  backers: 120,
  deadline: "2026-12-08T22:59:59.999Z",
  timeZone: "Europe/Paris",
  timeLeft: { unit: "days" as const, value: 8 },
};

function milestoneEmail(to: string, locale = "fr"): QueuedEmail {
  return {
    kind: "milestone_reached",
    dedupeKey: `milestone:test:${randomUUID()}`,
    to,
    name: "Camille",
    locale,
    props: { campaign: snapshot, milestone: { type: "percent", percent: 50 }, audience: "backer" },
  };
}

async function statuses(ids?: string[]) {
  let query = database()
    .db.selectFrom("email_outbox")
    .select(["to_email", "status", "attempts", "last_error"]);
  if (ids) query = query.where("to_email", "in", ids);
  return query.orderBy("to_email").execute();
}

test("a milestone email arrives with its recipient, subject, numbers, links and unsubscribe headers", async () => {
  const now = new Date("2026-11-30T12:00:00.000Z");
  sink.messages.length = 0;
  await queueEmails(database().db, [milestoneEmail("camille@example.org")], now);
  expect(await deliverDueEmails(deps(), now)).toEqual({ sent: 1, retried: 0, failed: 0, skipped: 0 });
  const [mail] = await sink.waitFor(1);
  expect(mail!.to).toMatchObject({ value: [{ address: "camille@example.org", name: "Camille" }] });
  expect(mail!.from?.value[0]?.address).toBe("no-reply@tourdetable.example");
  expect(mail!.subject).toBe("« La Machinerie : 15 000 € en 15 jours » a atteint 50 % de son objectif !");
  const text = (mail!.text ?? "").replace(/[\u00a0\u202f]/g, " ");
  expect(text).toContain("Bonjour Camille,");
  expect(text).toContain("7 500 € collectés sur 15 000 € (50 %)");
  expect(text).toContain("120 contributeurs");
  expect(text).toContain("8 jours restants");
  expect(text).toContain("https://tourdetable.example/campaigns/la-machinerie");
  const unsubscribeLink =
    /https:\/\/tourdetable\.example\/unsubscribe\?e=camille%40example\.org&k=milestones&t=[\w-]{32}/;
  expect(text).toMatch(unsubscribeLink);
  expect(mail!.html).toContain('href="https://tourdetable.example/campaigns/la-machinerie"');
  const header = (name: string) =>
    mail!.headerLines.find((h) => h.key === name)?.line.replace(/\r?\n\s+/g, " ");
  expect(header("list-unsubscribe-post")).toBe("List-Unsubscribe-Post: List-Unsubscribe=One-Click");
  expect(header("list-unsubscribe")).toMatch(new RegExp(`^List-Unsubscribe: <${unsubscribeLink.source}>$`));
  expect(mail!.messageId).toMatch(/@tourdetable\.example>$/);
  expect(await statuses(["camille@example.org"])).toEqual([
    { to_email: "camille@example.org", status: "sent", attempts: 1, last_error: null },
  ]);
});

test("a transactional email carries the private pledge link and no unsubscribe", async () => {
  const now = new Date("2026-11-30T12:00:00.000Z");
  sink.messages.length = 0;
  const pledgeId = randomUUID();
  await queueEmails(
    database().db,
    [
      {
        kind: "pledge_confirmation",
        dedupeKey: `pledge-confirmation:${pledgeId}`,
        to: "awa@example.org",
        name: "Awa",
        locale: "en",
        props: {
          campaign: { ...snapshot, title: "La Machinerie: 15 000 € in 15 days" },
          amount: 5_000,
          tierTitle: null,
          fundingModel: "all_or_nothing",
          pledgeUrl: "",
        },
        pledgeId,
      },
    ],
    now,
  );
  await deliverDueEmails(deps(), now);
  const [mail] = await sink.waitFor(1);
  expect(mail!.subject).toBe("Thank you! Your €50 pledge to “La Machinerie: 15 000 € in 15 days”");
  expect(mail!.text).toContain(
    `https://tourdetable.example/pledges/${pledgeId}?token=${pledgeToken(config.SESSION_SECRET, pledgeId)}`,
  );
  expect(mail!.text).toContain("only be charged if the goal is met by the deadline");
  expect(mail!.headerLines.some((h) => h.key.startsWith("list-unsubscribe"))).toBe(false);
});

test("while SMTP is down messages wait with backoff; once it is back each arrives exactly once", async () => {
  const start = new Date("2026-11-30T13:00:00.000Z");
  sink.messages.length = 0;
  const recipients = ["d1@example.org", "d2@example.org", "d3@example.org"];
  await queueEmails(
    database().db,
    recipients.map((to) => milestoneEmail(to)),
    start,
  );
  await sink.stop();
  const down = await deliverDueEmails(deps(), start);
  expect(down).toMatchObject({ sent: 0, retried: 3 });
  const waiting = await statuses(recipients);
  expect(waiting.map((r) => [r.status, r.attempts])).toEqual([
    ["queued", 1],
    ["queued", 1],
    ["queued", 1],
  ]);
  expect(waiting[0]!.last_error).toMatch(/ECONNREFUSED|connect/i);
  // Not due again before the backoff (30 s): nothing is tried.
  expect(await deliverDueEmails(deps(), new Date(start.getTime() + 10_000))).toEqual({
    sent: 0,
    retried: 0,
    failed: 0,
    skipped: 0,
  });
  await sink.start();
  const back = await deliverDueEmails(deps(), new Date(start.getTime() + 31_000));
  expect(back).toMatchObject({ sent: 3, retried: 0 });
  // The sink keeps a message before it answers 250: once the run is back, all of them are here.
  await sink.waitFor(3);
  expect(sink.messages.map((m) => (m.to && "value" in m.to ? m.to.value[0]?.address : null)).sort()).toEqual(
    recipients,
  );
  expect((await statuses(recipients)).every((r) => r.status === "sent" && r.attempts === 2)).toBe(true);
  // Nothing left to send: a later run sends nothing twice.
  expect((await deliverDueEmails(deps(), new Date(start.getTime() + 3_600_000))).sent).toBe(0);
  expect(sink.messages).toHaveLength(3);
});

test("after the last attempt an email is failed, with its error kept", async () => {
  const start = new Date("2026-11-30T14:00:00.000Z");
  const failing: MailTransport = {
    name: "smtp",
    send: async () => {
      throw new Error("550 mailbox unavailable");
    },
    close: async () => {},
  };
  await queueEmails(database().db, [milestoneEmail("never@example.org")], start);
  let at = start.getTime();
  for (let attempt = 1; attempt <= MAX_ATTEMPTS; attempt++) {
    await deliverDueEmails(deps("worker-f", failing), new Date(at));
    at += 3_600_000; // past any backoff
  }
  expect(await statuses(["never@example.org"])).toEqual([
    {
      to_email: "never@example.org",
      status: "failed",
      attempts: MAX_ATTEMPTS,
      last_error: "550 mailbox unavailable",
    },
  ]);
});

test("an unsubscribe made after queueing is honoured when sending", async () => {
  const now = new Date("2026-11-30T15:00:00.000Z");
  sink.messages.length = 0;
  await queueEmails(
    database().db,
    [milestoneEmail("quiet@example.org"), milestoneEmail("loud@example.org")],
    now,
  );
  await unsubscribe(database().db, "quiet@example.org", "milestones", now);
  expect(await deliverDueEmails(deps(), now)).toMatchObject({ sent: 1, skipped: 1 });
  await sink.waitFor(1);
  expect(sink.messages.map((m) => m.subject && m.to && "value" in m.to && m.to.value[0]?.address)).toEqual([
    "loud@example.org",
  ]);
  expect((await statuses(["quiet@example.org"]))[0]?.status).toBe("skipped");
});

test("two workers delivering at once send each email exactly once", async () => {
  const now = new Date("2026-11-30T16:00:00.000Z");
  sink.messages.length = 0;
  const recipients = Array.from({ length: 60 }, (_, i) => `w${String(i).padStart(2, "0")}@example.org`);
  await queueEmails(
    database().db,
    recipients.map((to) => milestoneEmail(to)),
    now,
  );
  const second = createSmtpTransport(sink.url, { connections: 3 });
  const [a, b] = await Promise.all([
    deliverDueEmails(deps("worker-a"), now, { batch: 10 }),
    deliverDueEmails(deps("worker-b", second), now, { batch: 10 }),
  ]);
  await second.close();
  expect(a.sent + b.sent).toBe(60);
  await sink.waitFor(60);
  const received = sink.messages.map((m) => (m.to && "value" in m.to ? m.to.value[0]?.address : ""));
  expect(received.sort()).toEqual(recipients);
});

test("without SMTP the local mailbox keeps each message whole", async () => {
  const now = new Date("2026-11-30T17:00:00.000Z");
  const { db } = database();
  await queueEmails(db, [milestoneEmail("mailbox@example.org", "en")], now);
  const report = await deliverDueEmails(deps("worker-m", createMailboxTransport(db)), now);
  expect(report.sent).toBe(1);
  const stored = await db
    .selectFrom("mailbox_messages")
    .selectAll()
    .where("to_email", "like", "%mailbox@example.org%")
    .executeTakeFirstOrThrow();
  expect(stored.subject).toBe("“La Machinerie : 15 000 € en 15 jours” has reached 50% of its goal!");
  expect(stored.raw).toMatch(/^List-Unsubscribe-Post: List-Unsubscribe=One-Click$/m);
  expect(stored.raw).toMatch(/^To: Camille <mailbox@example\.org>$/m);
});

test("one milestone rendered for many people still greets and unsubscribes each of them", async () => {
  const now = new Date("2026-11-30T18:00:00.000Z");
  const people = [
    { to: "lea@example.org", name: "Léa <b>&</b>" },
    { to: "paul@example.org", name: "Paul" },
  ];
  await queueEmails(
    database().db,
    people.map(({ to, name }) => ({ ...milestoneEmail(to), name })),
    now,
  );
  await deliverDueEmails(deps(), now);
  await sink.waitFor(2);
  for (const { to, name } of people) {
    const mail = sink.messages.find((m) => m.to && "value" in m.to && m.to.value[0]?.address === to)!;
    expect(mail.text).toContain(`Bonjour ${name},`);
    expect(mail.text).toContain(`unsubscribe?e=${encodeURIComponent(to)}&k=milestones`);
    expect(mail.text).not.toContain("__TDT_");
    expect(mail.html).not.toContain("__TDT_");
  }
  const lea = sink.messages.find(
    (m) => m.to && "value" in m.to && m.to.value[0]?.address === "lea@example.org",
  )!;
  expect(lea.html).toContain("Bonjour Léa &lt;b&gt;&amp;&lt;/b&gt;,");
  expect(lea.html).toContain("unsubscribe?e=lea%40example.org&amp;k=milestones");
});
