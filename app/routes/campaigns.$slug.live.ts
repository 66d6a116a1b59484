// Server-Sent Events with a campaign's progress: the numbers now, then each change the process's hub
// hears of (a commit, a NOTIFY, its poll). The page works without it; with it, the bar moves by itself.
import type { LoaderFunctionArgs } from "@remix-run/node";
import { progressFrame, readProgress, type LiveProgress } from "~/campaigns/live.server";
import { publicCampaignId } from "~/campaigns/views.server";
import { notFound } from "~/lib/request.server";

const HEARTBEAT_MS = 15_000;
const encoder = new TextEncoder();
const RETRY = encoder.encode("retry: 2000\n\n");
const KEEP_ALIVE = encoder.encode(": keep-alive\n\n");

export async function loader({ request, params, context }: LoaderFunctionArgs) {
  const campaignId = await publicCampaignId(context.db, params.slug ?? "");
  if (!campaignId) throw notFound();
  const initial = (await readProgress(context.db, [campaignId])).get(campaignId);
  let stop = (_closeStream: boolean) => {};

  const stream = new ReadableStream<Uint8Array>({
    start(controller) {
      let open = true;
      const enqueue = (bytes: Uint8Array) => {
        if (open) controller.enqueue(bytes);
      };
      // The hub encodes each change once for all its listeners: the same bytes are queued here.
      const send = (progress: LiveProgress | null, frame: Uint8Array) => {
        if (progress === null) return stop(true);
        enqueue(frame);
      };
      // Reconnect after 2 s if the connection drops.
      enqueue(RETRY);
      if (initial) enqueue(progressFrame(initial));
      const unsubscribe = context.live.subscribe(campaignId, send);
      const heartbeat = setInterval(() => enqueue(KEEP_ALIVE), HEARTBEAT_MS);
      // Closing the stream from our side (the hub stops) and the reader going away both end here;
      // a stream the reader cancelled is closed already.
      stop = (closeStream) => {
        if (!open) return;
        open = false;
        clearInterval(heartbeat);
        unsubscribe();
        if (closeStream) controller.close();
      };
      request.signal.addEventListener("abort", () => stop(true));
    },
    cancel() {
      stop(false);
    },
  });

  return new Response(stream, {
    headers: {
      "Content-Type": "text/event-stream; charset=utf-8",
      "Cache-Control": "no-cache, no-transform",
      Connection: "keep-alive",
      "X-Accel-Buffering": "no",
    },
  });
}
