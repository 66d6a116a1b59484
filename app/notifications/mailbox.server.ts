// The local mailbox's reading side: messages stored whole, parsed for display.
import { simpleParser } from "mailparser";
import type { Db } from "~/lib/db.server";

export function listMailbox(db: Db, { limit = 100 }: { limit?: number } = {}) {
  return db
    .selectFrom("mailbox_messages")
    .select(["id", "to_email", "subject", "created_at"])
    .orderBy("created_at", "desc")
    .limit(limit)
    .execute();
}

export async function readMailboxMessage(db: Db, id: string) {
  const row = await db.selectFrom("mailbox_messages").selectAll().where("id", "=", id).executeTakeFirst();
  if (!row) return null;
  const parsed = await simpleParser(row.raw);
  return {
    id: row.id,
    to: row.to_email,
    subject: row.subject,
    createdAt: row.created_at,
    from: parsed.from?.text ?? "",
    html: typeof parsed.html === "string" ? parsed.html : "",
    text: parsed.text ?? "",
    headers: [...parsed.headerLines].map((h) => h.line).filter((line) => !/^content-/i.test(line)),
  };
}
