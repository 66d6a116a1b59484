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
