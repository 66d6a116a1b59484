// A signal, within this process, that a campaign's live numbers (raised, backers, status) changed
// and are committed: the live-progress hub (campaigns/live.server.ts) reads the campaign once and
// pushes the news to the pages watching it, instead of waiting for its next poll.
import { afterCommit, type Db } from "./db.server";
import { processWide } from "./process-wide";

type Listener = (campaignId: string) => void;

// One set for the whole process (process-wide.ts): the hub is in server.ts, the commits in the build.
const listeners = processWide("campaign-progress-listeners", () => new Set<Listener>());

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
