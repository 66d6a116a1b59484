// Listings of the admins' and owners' pages: keyset pages, newest first by (created_at, id), where a
// page starts strictly beyond the row a URL names (pages stay whole however many rows arrive
// meanwhile, a deep page costs what the first does: no OFFSET), and searches by part of a text.
import { sql } from "kysely";

/** A place in a listing as a URL carries it: the created_at and id of a row, `<iso>_<id>`. */
export const cursorPattern = /^(\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z)_([\w-]{1,64})$/;

export interface Cursor {
  createdAt: string;
  id: string;
}

/** The cursor a URL carries, or null when it is not one we wrote. */
export function parseCursor(text: string | null | undefined): Cursor | null {
  const match = cursorPattern.exec(text ?? "");
  return match ? { createdAt: match[1]!, id: match[2]! } : null;
}

export function cursorText(cursor: Cursor): string {
  return `${cursor.createdAt}_${cursor.id}`;
}

/** Rows of `table` strictly older (`<`) or newer (`>`) than the cursor, in (created_at, id) order. */
export function beyond(table: string, direction: "<" | ">", cursor: Cursor) {
  return sql<boolean>`(${sql.ref(`${table}.created_at`)}, ${sql.ref(`${table}.id`)}) ${sql.raw(direction)} (${cursor.createdAt}, ${cursor.id})`;
}

/** `%text%` for a case-insensitive LIKE (with `escape '\\'`), its own % and _ taken literally. */
export function likePattern(text: string): string {
  return `%${text.toLowerCase().replace(/[\\%_]/g, (c) => `\\${c}`)}%`;
}

/** One keyset page's rows, newest first, and the cursors of the pages beside it (null: none). */
export interface KeysetPage<Row> {
  rows: Row[];
  newer: string | null;
  older: string | null;
}

/**
 * The newest rows, or those just older than `after`, or just newer than `before` (cursors as a URL
 * carries them; one that does not parse counts as none). `read` reads up to `limit` rows beyond
 * `from` (all rows when null), newest first, or oldest first when `backwards`; `exists` says whether
 * any row lies beyond a cursor. One read more than the page tells whether the far side goes on; the
 * near side is asked (one row, by index).
 */
export async function keysetPage<Row extends { created_at: string; id: string }>(
  { after, before, limit }: { after: string | null; before: string | null; limit: number },
  read: (page: { from: Cursor | null; backwards: boolean; limit: number }) => Promise<Row[]>,
  exists: (direction: "<" | ">", cursor: Cursor) => Promise<boolean>,
): Promise<KeysetPage<Row>> {
  const beforeCursor = parseCursor(before);
  const from = beforeCursor ?? parseCursor(after);
  const backwards = beforeCursor !== null;
  const fetched = await read({ from, backwards, limit: limit + 1 });
  const more = fetched.length > limit;
  const rows = fetched.slice(0, limit);
  if (backwards) rows.reverse();
  const first = rows[0];
  const last = rows.at(-1);
  const newerEdge = first ? { createdAt: first.created_at, id: first.id } : from;
  const olderEdge = last ? { createdAt: last.created_at, id: last.id } : from;
  const hasNewer = backwards ? more : newerEdge !== null && (await exists(">", newerEdge));
  const hasOlder = backwards ? olderEdge !== null && (await exists("<", olderEdge)) : more;
  return {
    rows,
    newer: hasNewer && newerEdge ? cursorText(newerEdge) : null,
    older: hasOlder && olderEdge ? cursorText(olderEdge) : null,
  };
}
