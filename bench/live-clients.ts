// bench/live's SSE clients, in a child process of their own so that reading 10 000 streams does not
// take the event loop of the process that measures. Driven over IPC by bench/live.ts: open N
// streams, then for each commit say how long after it each stream got the new total.
import http from "node:http";

type Command =
  | { type: "open"; url: string; count: number; concurrency: number }
  | { type: "measure"; raised: number; t0: number; timeoutMs: number }
  | { type: "close" };

interface Stream {
  ready: boolean;
  /** The moment (ms since the epoch, sub-millisecond) each total was first seen. */
  seen: Map<number, number>;
  request: http.ClientRequest;
}

const now = () => performance.timeOrigin + performance.now();
const send = (message: object) => process.send!(message);
const streams: Stream[] = [];
let ready = 0;
let failed = 0;
const agent = new http.Agent({ keepAlive: false, maxSockets: Infinity });

function openOne(url: string): Promise<void> {
  return new Promise((resolve) => {
    const stream = { ready: false, seen: new Map(), request: undefined as unknown as http.ClientRequest };
    let buffer = "";
    let settled = false;
    const settle = () => {
      if (settled) return;
      settled = true;
      resolve();
    };
    stream.request = http.get(url, { agent, headers: { Accept: "text/event-stream" } }, (response) => {
      if (response.statusCode !== 200) {
        failed++;
        response.resume();
        return settle();
      }
      response.setEncoding("utf8");
      response.on("data", (chunk: string) => {
        const at = now();
        buffer += chunk;
        for (let end = buffer.indexOf("\n\n"); end >= 0; end = buffer.indexOf("\n\n")) {
          const event = buffer.slice(0, end);
          buffer = buffer.slice(end + 2);
          const match = /"raised":(\d+)/.exec(event);
          if (!match) continue;
          const raised = Number(match[1]);
          if (!stream.seen.has(raised)) stream.seen.set(raised, at);
          if (!stream.ready) {
            stream.ready = true;
            ready++;
            settle();
          }
        }
      });
      response.on("error", () => undefined);
    });
    stream.request.on("error", () => {
      if (!stream.ready) failed++;
      settle();
    });
    streams.push(stream);
  });
}

async function open(url: string, count: number, concurrency: number) {
  let next = 0;
  const report = setInterval(() => send({ type: "progress", ready, failed }), 1000);
  await Promise.all(
    Array.from({ length: concurrency }, async () => {
      while (next < count) {
        next++;
        await openOne(url);
      }
    }),
  );
  clearInterval(report);
  send({ type: "ready", ready, failed });
}

async function measure(raised: number, t0: number, timeoutMs: number) {
  const live = streams.filter((s) => s.ready);
  while (now() < t0 + timeoutMs && live.some((s) => !s.seen.has(raised))) {
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
  const delays = live.flatMap((s) => (s.seen.has(raised) ? [s.seen.get(raised)! - t0] : []));
  send({ type: "delays", delays, missing: live.length - delays.length });
}

process.on("message", (command: Command) => {
  if (command.type === "open") void open(command.url, command.count, command.concurrency);
  if (command.type === "measure") void measure(command.raised, command.t0, command.timeoutMs);
  if (command.type === "close") {
    for (const stream of streams) stream.request.destroy();
    agent.destroy();
    send({ type: "closed" });
    process.disconnect();
  }
});
