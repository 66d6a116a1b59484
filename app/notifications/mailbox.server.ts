// The local mailbox's reading side: messages stored whole, parsed for display.
import { simpleParser } from "mailparser";
import { sql } from "kysely";
import type { Db } from "~/lib/db.server";
import { beyond, likePattern, type Cursor } from "~/lib/listing";

/** Newest first, a page at a time (keyset); `to`: part of the recipient's address. */
export function listMailbox(
  db: Db,
  {
    limit = 100,
    before = null,
    to = null,
  }: { limit?: number; before?: Cursor | null; to?: string | null } = {},
) {
  return db
    .selectFrom("mailbox_messages")
    .select(["id", "to_email", "subject", "created_at"])
    .$if(before !== null, (q) => q.where(beyond("mailbox_messages", "<", before!)))
    .$if(Boolean(to), (q) => q.where(sql<boolean>`lower(to_email) like ${likePattern(to!)} escape '\\'`))
    .orderBy("created_at", "desc")
    .orderBy("id", "desc")
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
