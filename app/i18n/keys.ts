// The message keys and the language names every module may use, browser included. French is the
// reference: every file in messages/ has exactly the keys of messages/fr.json (test/unit/messages.test.ts).
import reference from "./messages/fr.json";

export type MessageKey = keyof typeof reference;

/** A language we have a messages file for (the list is in catalogue.server.ts). */
export type { Locale } from "./catalogue.server";

/** The language of a visitor who states none we have, and the one an unknown locale falls back to. */
export const defaultLocale = "fr";

/**
 * Whether a string is one of our message keys (zod's own English messages are not). Server code:
 * the browser has only the reader's messages, and the reference file stays out of its bundle as long
 * as nothing there calls this.
 */
export function isMessageKey(value: unknown): value is MessageKey {
  return typeof value === "string" && Object.hasOwn(reference, value);
}
