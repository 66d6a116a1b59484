// A signal, within this process, that what a campaign page shows (besides its live numbers) has
// changed: the render cache (render-cache.server.ts) drops its pages when a domain function says so.
import { processWide } from "./process-wide";

type Listener = () => void;

const listeners = processWide("campaign-page-listeners", () => new Set<Listener>());

/** Called by whoever changes a campaign, its tiers, stretch goals, updates or status, once it is written. */
export function campaignPagesChanged(): void {
  for (const listener of listeners) listener();
}

/** Returns the unsubscribe. */
export function onCampaignPagesChanged(listener: Listener): () => void {
  listeners.add(listener);
  return () => listeners.delete(listener);
}
