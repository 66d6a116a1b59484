// What a handler of one family of Stripe events is given and answers, and the pieces every Stripe
// object is parsed with (an id, an expandable reference, metadata). app/checkout/webhooks.server.ts
// records each event and hands it to its family's handler, in one transaction.
import { z } from "zod";
import type { Pledge } from "#db/schema.ts";
import type { Db } from "~/lib/db.server";

/** One event as its handler sees it: `account` is set when it comes from a connected account. */
export interface StripeEvent {
  type: string;
  account: string | null;
  object: unknown;
}

/** `unmatched`: the event names nothing of ours (no pledge, no payout account); it is recorded all the same. */
export interface Handled {
  outcome: "applied" | "unmatched";
  pledgeId: string | null;
}

/** Applies one event in the transaction that records it (a repeated delivery never gets here). */
export type EventHandler = (trx: Db, event: StripeEvent, now: Date) => Promise<Handled>;

/** A family's handlers, by event type. */
export type EventHandlers = Readonly<Record<string, EventHandler>>;

/** Applied to the pledge the event names, or unmatched when it names none. */
export const about = (pledge: Pick<Pledge, "id"> | undefined): Handled =>
  pledge ? { outcome: "applied", pledgeId: pledge.id } : { outcome: "unmatched", pledgeId: null };

export const id = z.string().min(1);
/** An expandable field: an id, or the object with its id. */
export const ref = z
  .union([id, z.object({ id })])
  .nullish()
  .transform((v) => (typeof v === "string" ? v : (v?.id ?? null)));
export const metadata = z
  .record(z.string())
  .nullish()
  .transform((m) => m ?? {});
