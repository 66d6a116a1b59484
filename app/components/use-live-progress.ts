// Keeps a campaign page's progress current through the live-progress stream. Without JavaScript
// (or EventSource) the page keeps the numbers it was rendered with.
import { useEffect, useState } from "react";
import type { Progress } from "~/campaigns/campaigns.server";
import type { LiveProgress } from "~/campaigns/live.server";

/** `live` false (a preview of a campaign not public yet): no stream, the numbers as rendered. */
export function useLiveProgress(
  slug: string,
  initial: Progress,
  live = true,
): { progress: Progress; connected: boolean } {
  const [progress, setProgress] = useState(initial);
  const [connected, setConnected] = useState(false);
  useEffect(() => setProgress(initial), [initial]);
  useEffect(() => {
    if (!live || typeof EventSource === "undefined") return;
    const source = new EventSource(`/campaigns/${slug}/live`);
    source.addEventListener("open", () => setConnected(true));
    source.addEventListener("error", () => setConnected(false));
    source.addEventListener("progress", (event) => {
      const live = JSON.parse((event as MessageEvent<string>).data) as LiveProgress;
      setProgress((current) => ({
        ...current,
        raised: live.raised,
        goal: live.goal,
        percent: live.percent,
        backers: live.backers,
      }));
    });
    return () => source.close();
  }, [slug, live]);
  return { progress, connected };
}
