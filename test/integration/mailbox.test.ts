// The local mailbox holds sign-in links: only signed-in admins read it, in every configuration
// (the report: anonymous visitors got 200 on a local install and could sign in as the admin).
// The first admin of a fresh install signs in with the link the server prints on its console.
import { randomUUID } from "node:crypto";
import type { AppLoadContext } from "@remix-run/node";
import { expect, test, vi } from "vitest";
import { requestSignInLink } from "~/notifications/sign-in-email.server";
import { deliverDueEmails } from "~/notifications/delivery.server";
import { createMailboxTransport, createSmtpTransport } from "~/notifications/transport.server";
import { loadConfig } from "~/lib/config.server";
import { loader as listLoader } from "~/routes/admin.mailbox";
import { loader as messageLoader } from "~/routes/admin.mailbox_.$id";
import { testContext } from "../support/context";
import { useTestDatabase } from "../support/database";
import { createCampaign } from "../support/factories";
import { callRoute } from "../support/routes";
import { startSmtpSink } from "../support/smtp";
import { signedInAs } from "../support/users";

const database = useTestDatabase();
const now = new Date("2026-12-01T12:00:00.000Z");

const configurations: Record<string, Record<string, string>> = {
  "a local install (no PUBLIC_URL, no SMTP_URL)": {},
  "a local install with SMTP_URL": { SMTP_URL: "smtp://127.0.0.1:2525" },
  "a public deployment": { PUBLIC_URL: "https://tourdetable.example" },
};

async function mailboxWithOneMessage(context: AppLoadContext): Promise<string> {
  await createMailboxTransport(context.db).send(
    {
      from: "no-reply@t.example",
      to: "admin@example.org",
      subject: "Votre lien de connexion",
      html: "<p>secret</p>",
      text: "secret",
      headers: {},
      messageId: "<m@t.example>",
    },
    `outbox-${Math.random()}`,
    now,
  );
  const row = await context.db.selectFrom("mailbox_messages").select("id").executeTakeFirstOrThrow();
  return row.id;
}

test.each(Object.entries(configurations))("in %s only admins read the mailbox", async (_name, env) => {
  const context = testContext(database(), {
    config: loadConfig({
      DATA_DIR: "./data",
      SESSION_SECRET: "mailbox-secret-".padEnd(40, "x"),
      ADMIN_EMAILS: "admin@example.org",
      ...env,
    }),
  });
  const messageId = await mailboxWithOneMessage(context);
  const owner = await signedInAs(context, "owner@example.org");
  await createCampaign(context.db, { owner_id: owner.id });
  const people: Record<string, { cookie?: string; list: number; message: number }> = {
    anonymous: { list: 302, message: 302 },
    backer: { cookie: (await signedInAs(context, "backer@example.org")).cookie, list: 403, message: 403 },
    owner: { cookie: owner.cookie, list: 403, message: 403 },
    admin: { cookie: (await signedInAs(context, "admin@example.org")).cookie, list: 200, message: 200 },
  };
  for (const [who, person] of Object.entries(people)) {
    const headers: Record<string, string> = person.cookie ? { Cookie: person.cookie } : {};
    const list = await callRoute(listLoader, { url: "http://t/admin/mailbox", context, headers });
    const message = await callRoute(messageLoader, {
      url: `http://t/admin/mailbox/${messageId}`,
      params: { id: messageId },
      context,
      headers,
    });
    expect([who, list.status, message.status]).toEqual([who, person.list, person.message]);
    if (who === "anonymous") expect(list.location).toMatch(/^\/sign-in\?redirectTo=%2Fadmin%2Fmailbox/);
  }
});

test("delivering a sign-in link to the local mailbox prints it on the console, and nothing else", async () => {
  const { db, engine } = database();
  const log = vi.spyOn(console, "log").mockImplementation(() => {});
  try {
    await requestSignInLink(
      db,
      {
        email: "first-admin@example.org",
        ip: "127.0.0.1",
        redirectTo: "/admin",
        locale: "fr",
        publicUrl: "http://localhost:3000",
      },
      now,
    );
    await deliverDueEmails(
      {
        db,
        engine,
        transport: createMailboxTransport(db),
        config: {
          PUBLIC_URL: "http://localhost:3000",
          SESSION_SECRET: "mailbox-secret-".padEnd(40, "x"),
          MAIL_FROM: "Tour de table <no-reply@localhost>",
        },
        workerId: "mailbox-test",
      },
      now,
    );
    const lines = log.mock.calls.map((call) => String(call[0]));
    expect(lines).toEqual([
      expect.stringMatching(
        /^Sign-in link for first-admin@example\.org: http:\/\/localhost:3000\/auth\/verify\?token=[\w-]{43}$/,
      ),
    ]);
  } finally {
    log.mockRestore();
  }
});

test("with SMTP as the transport, the sign-in link goes by email and never to the console", async () => {
  const { db, engine } = database();
  const sink = await startSmtpSink();
  const log = vi.spyOn(console, "log").mockImplementation(() => {});
  try {
    await requestSignInLink(
      db,
      {
        email: "smtp-admin@example.org",
        ip: "127.0.0.1",
        redirectTo: "/admin",
        locale: "fr",
        publicUrl: "http://localhost:3000",
      },
      now,
    );
    await deliverDueEmails(
      {
        db,
        engine,
        transport: createSmtpTransport(sink.url),
        config: {
          PUBLIC_URL: "http://localhost:3000",
          SESSION_SECRET: "mailbox-secret-".padEnd(40, "x"),
          MAIL_FROM: "Tour de table <no-reply@localhost>",
        },
        workerId: "mailbox-smtp-test",
      },
      now,
    );
    const [mail] = await sink.waitFor(1);
    expect(mail?.to).toMatchObject({ text: "smtp-admin@example.org" });
    expect(mail?.text).toMatch(/\/auth\/verify\?token=[\w-]{43}/);
    expect(
      log.mock.calls.map((call) => String(call[0])).filter((line) => line.includes("verify?token=")),
    ).toEqual([]);
  } finally {
    log.mockRestore();
    await sink.stop();
  }
});

test("the mailbox lists every message, 100 a page, newest first, and finds a recipient", async () => {
  const context = testContext(database(), {
    config: loadConfig({
      DATA_DIR: "./data",
      SESSION_SECRET: "mailbox-secret-".padEnd(40, "x"),
      ADMIN_EMAILS: "pages-admin@example.org",
    }),
  });
  const admin = await signedInAs(context, "pages-admin@example.org");
  // 250 messages, some sharing a second (the order falls back on the id), one recipient apart.
  await context.db
    .insertInto("mailbox_messages")
    .values(
      Array.from({ length: 250 }, (_, i) => ({
        id: randomUUID(),
        outbox_id: null,
        to_email: i === 42 ? "Inès_Martin@example.org" : `backer${i}@example.org`,
        subject: `Message ${i}`,
        raw: "",
        created_at: new Date(now.getTime() + Math.floor(i / 3) * 1000).toISOString(),
      })),
    )
    .execute();
  type Page = { messages: { id: string; created_at: string }[]; older: string | null };
  const seen: Page["messages"] = [];
  let url = "http://t/admin/mailbox";
  for (let pages = 0; pages < 5; pages++) {
    const answer = await callRoute<Page>(listLoader, { url, context, headers: { Cookie: admin.cookie } });
    expect(answer.status).toBe(200);
    seen.push(...answer.data!.messages);
    if (!answer.data!.older) break;
    url = `http://t/admin/mailbox?before=${encodeURIComponent(answer.data!.older)}`;
  }
  const all = await context.db
    .selectFrom("mailbox_messages")
    .select(["id", "created_at"])
    .orderBy("created_at", "desc")
    .orderBy("id", "desc")
    .execute();
  expect(all.length).toBeGreaterThanOrEqual(250);
  expect(seen.map((m) => m.id)).toEqual(all.map((m) => m.id));
  // A part of the address, in any case; its "_" is a letter, not LIKE's wildcard.
  const found = await callRoute<Page>(listLoader, {
    url: "http://t/admin/mailbox?to=in%C3%A8s_mar",
    context,
    headers: { Cookie: admin.cookie },
  });
  expect(found.data!.messages).toHaveLength(1);
  const wildcard = await callRoute<Page>(listLoader, {
    url: "http://t/admin/mailbox?to=backer1_",
    context,
    headers: { Cookie: admin.cookie },
  });
  expect(wildcard.data!.messages).toHaveLength(0);
});
