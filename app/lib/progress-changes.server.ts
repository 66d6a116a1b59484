// A signal, within this process, that a campaign's live numbers (raised, backers, status) changed
// and are committed: the live-progress hub (campaigns/live.server.ts) reads the campaign once and
// pushes the news to the pages watching it, instead of waiting for its next poll.
import { afterCommit, type Db } from "./db.server";

type Listener = (campaignId: string) => void;

// Kept on globalThis: the production server loads this module twice, once through server.ts (the
// hub) and once bundled in the Remix build (the domain functions that commit); one set serves both.
const key = Symbol.for("tour-de-table.campaign-progress-listeners");
const listeners: Set<Listener> =
  ((globalThis as Record<symbol, unknown>)[key] as Set<Listener> | undefined) ??
  ((globalThis as Record<symbol, unknown>)[key] = new Set<Listener>());

/** Called by whoever changes a campaign's totals or status, with the handle that wrote them. */
export function campaignProgressChanged(db: Db, campaignId: string): void {
  afterCommit(db, () => {
    for (const listener of listeners) listener(campaignId);
  });
}

/** Returns the unsubscribe. */
export function onCampaignProgressChanged(listener: Listener): () => void {
  listeners.add(listener);
  return () => listeners.delete(listener);
}
