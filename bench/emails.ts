// bench/emails: queue 10 000 milestone emails (one campaign crossing 25 % with 10 000 backers) and
// deliver them to a local SMTP sink; report messages/s and check none is duplicated or lost.
//
//   npm run bench:emails -- [--backers 10000] [--connections 5] [--concurrency 20] [--database postgres://…]
import { randomUUID } from "node:crypto";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { parseArgs } from "node:util";
import { SMTPServer } from "smtp-server";
import type { AddressInfo } from "node:net";
import { openDatabase } from "#db/connection.ts";
import { migrateToLatest } from "#db/migrate.ts";
import { deliverDueEmails } from "~/notifications/delivery.server";
import { recordMilestones } from "~/notifications/milestones.server";
import { createSmtpTransport } from "~/notifications/transport.server";

const { values } = parseArgs({
  options: {
    backers: { type: "string", default: "10000" },
    connections: { type: "string", default: "5" },
    concurrency: { type: "string", default: "20" },
    database: { type: "string" },
  },
});
const backers = Number(values.backers);
const dir = mkdtempSync(join(tmpdir(), "tdt-bench-emails-"));
const handle = openDatabase(values.database ?? join(dir, "bench.sqlite"));
const { db } = handle;
await migrateToLatest(db);

// A light SMTP sink: it keeps each Message-ID it receives, and nothing else.
const received: string[] = [];
const sink = new SMTPServer({
  authOptional: true,
  disabledCommands: ["STARTTLS"],
  logger: false,
  closeTimeout: 100,
  onData(stream, _session, callback) {
    let head = "";
    stream.on("data", (chunk: Buffer) => {
      if (head.length < 4096) head += chunk.toString("latin1");
    });
    stream.on("end", () => {
      received.push(/^Message-ID: (.+)$/im.exec(head)?.[1]?.trim() ?? "missing");
      callback();
    });
  },
});
await new Promise<void>((resolve) => sink.listen(0, "127.0.0.1", resolve));
const smtpUrl = `smtp://127.0.0.1:${(sink.server.address() as AddressInfo).port}`;

// One campaign, `backers` committed pledges of 10 € each at 20 % of a goal that one more pledge crosses.
const now = new Date();
const owner = randomUUID();
const campaign = randomUUID();
const iso = now.toISOString();
await db
  .insertInto("users")
  .values({ id: owner, email: "owner@bench.example", name: "Bench Owner", locale: "fr", created_at: iso })
  .execute();
const goal = backers * 1_000 * 5;
await db
  .insertInto("campaigns")
  .values({
    id: campaign,
    slug: "bench",
    owner_id: owner,
    status: "live",
    language: "fr",
    title: "Bench",
    tagline: "Bench",
    story_md: "Bench",
    cover_image: null,
    goal_amount: goal,
    currency: "EUR",
    funding_model: "all_or_nothing",
    time_zone: "Europe/Paris",
    duration_days: 15,
    launched_at: iso,
    deadline_at: new Date(now.getTime() + 10 * 86_400_000).toISOString(),
    closed_at: null,
    pledged_amount: backers * 1_000,
    backer_count: backers,
    created_at: iso,
    updated_at: iso,
  })
  .execute();
for (let i = 0; i < backers; i += 500) {
  await db
    .insertInto("pledges")
    .values(
      Array.from({ length: Math.min(500, backers - i) }, (_, j) => ({
        id: randomUUID(),
        campaign_id: campaign,
        tier_id: null,
        user_id: null,
        backer_name: `Backer ${i + j}`,
        backer_email: `backer${i + j}@bench.example`,
        amount: 1_000,
        currency: "EUR",
        status: "committed" as const,
        anonymous: 0 as const,
        comment: null,
        locale: (i + j) % 4 === 0 ? "en" : "fr",
        created_at: iso,
        committed_at: iso,
        updated_at: iso,
      })),
    )
    .execute();
}

// The crossing: the total passes 25 %, and the milestone's emails are queued in that transaction.
const queueStart = performance.now();
await db.transaction().execute(async (trx) => {
  await trx
    .updateTable("campaigns")
    .set({ pledged_amount: goal / 4 })
    .where("id", "=", campaign)
    .execute();
  await recordMilestones(trx, campaign, now);
});
const queueSeconds = (performance.now() - queueStart) / 1000;
const queued = Number(
  (
    await db
      .selectFrom("email_outbox")
      .select((eb) => eb.fn.countAll<number>().as("n"))
      .executeTakeFirstOrThrow()
  ).n,
);

const transport = createSmtpTransport(smtpUrl, { connections: Number(values.connections) });
const deps = {
  db,
  engine: handle.engine,
  transport,
  config: {
    PUBLIC_URL: "https://tourdetable.example",
    SESSION_SECRET: "bench".padEnd(40, "x"),
    MAIL_FROM: "Tour de table <no-reply@tourdetable.example>",
  },
  workerId: "bench",
};
const sendStart = performance.now();
const report = await deliverDueEmails(deps, now, { batch: 200, concurrency: Number(values.concurrency) });
const sendSeconds = (performance.now() - sendStart) / 1000;
await new Promise((r) => setTimeout(r, 300));

const sentRows = await db.selectFrom("email_outbox").select(["message_id", "status"]).execute();
const sentIds = new Set(sentRows.filter((r) => r.status === "sent").map((r) => r.message_id));
const receivedIds = new Set(received);
const duplicated = received.length - receivedIds.size;
const lost = [...sentIds].filter((id) => !receivedIds.has(id!)).length;

console.log(
  [
    `bench/emails on ${process.platform}/${process.arch}, node ${process.version}, ${handle.engine}, SMTP sink on loopback`,
    `queued ${queued} milestone emails in ${queueSeconds.toFixed(2)} s (one transaction)`,
    `delivered ${report.sent} in ${sendSeconds.toFixed(1)} s → ${(report.sent / sendSeconds).toFixed(0)} messages/s (${values.connections} SMTP connections, ${values.concurrency} in flight)`,
    `retried ${report.retried}, failed ${report.failed}, skipped ${report.skipped}`,
    `received by the sink: ${received.length}; duplicated: ${duplicated}; lost: ${lost}`,
  ].join("\n"),
);

await transport.close();
await new Promise<void>((resolve) => sink.close(() => resolve()));
await db.destroy();
rmSync(dir, { recursive: true, force: true });
if (duplicated || lost || report.sent !== queued || received.length !== queued) process.exit(1);
