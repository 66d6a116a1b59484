// bench/emails: queue 10 000 milestone emails (one campaign crossing 25 % with 10 000 backers) and
// deliver them to a local SMTP sink; report messages/s and check none is duplicated or lost.
//
//   npm run bench:emails -- [--backers 10000] [--connections 5] [--concurrency 20] [--database postgres://…]
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
import { benchCampaign, benchPledges } from "./support.ts";

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
const goal = backers * 1_000 * 5;
const { campaign } = await benchCampaign(db, {
  goal_amount: goal,
  deadline_at: new Date(now.getTime() + 10 * 86_400_000).toISOString(),
  pledged_amount: backers * 1_000,
  backer_count: backers,
});
await benchPledges(db, campaign, backers, (i) => ({ locale: i % 4 === 0 ? "en" : "fr" }));

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
