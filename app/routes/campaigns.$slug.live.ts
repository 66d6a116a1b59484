// Server-Sent Events with a campaign's progress: the numbers now, then each change the process's
// one-per-second poll sees. The page works without it; with it, the bar moves by itself.
import type { LoaderFunctionArgs } from "@remix-run/node";
import { readProgress, type LiveProgress } from "~/campaigns/live.server";
import { publicCampaignId } from "~/campaigns/views.server";
import { notFound } from "~/lib/request.server";

const HEARTBEAT_MS = 15_000;

export async function loader({ request, params, context }: LoaderFunctionArgs) {
  const campaignId = await publicCampaignId(context.db, params.slug ?? "");
  if (!campaignId) throw notFound();
  const initial = (await readProgress(context.db, [campaignId])).get(campaignId);
  const encoder = new TextEncoder();
  let stop = (_closeStream: boolean) => {};

  const stream = new ReadableStream<Uint8Array>({
    start(controller) {
      let open = true;
      const write = (text: string) => {
        if (open) controller.enqueue(encoder.encode(text));
      };
      const send = (progress: LiveProgress | null) => {
        if (progress === null) return stop(true);
        write(`event: progress\ndata: ${JSON.stringify(progress)}\n\n`);
      };
      // Reconnect after 2 s if the connection drops.
      write("retry: 2000\n\n");
      if (initial) send(initial);
      const unsubscribe = context.live.subscribe(campaignId, send);
      const heartbeat = setInterval(() => write(": keep-alive\n\n"), HEARTBEAT_MS);
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
