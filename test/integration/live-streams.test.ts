// Live-progress streams through the real server glue (remixHandler) and the production build: a page
// that goes away ends its stream, and the open-streams count (the tdt_sse_clients gauge) comes back,
// even after the garbage collector took the copies of the request that Remix hands the loader (their
// abort signals then never fire: the stream must be cancelled by the response's own close).
import { randomUUID } from "node:crypto";
import http from "node:http";
import type { AddressInfo } from "node:net";
import { resolve } from "node:path";
import { pathToFileURL } from "node:url";
import { setFlagsFromString } from "node:v8";
import { runInNewContext } from "node:vm";
import type { ServerBuild } from "@remix-run/node";
import express from "express";
import { expect, test, vi } from "vitest";
import { createProgressHub } from "~/campaigns/live.server";
import { remixHandler } from "~/lib/http.server";
import { testContext } from "../support/context";
import { createCampaign } from "../support/factories";
import { useTestDatabase } from "../support/database";
import { assertProductionBuild } from "../support/server";

const database = useTestDatabase();

function post(port: number, path: string, fields: Record<string, string>) {
  const body = new URLSearchParams(fields).toString();
  return new Promise<{ status: number; location?: string }>((answered, failed) => {
    const request = http.request(
      `http://127.0.0.1:${port}${path}`,
      {
        method: "POST",
        headers: {
          "Content-Type": "application/x-www-form-urlencoded",
          "Content-Length": Buffer.byteLength(body),
        },
      },
      (response) => {
        response.resume();
        response.on("end", () =>
          answered({ status: response.statusCode ?? 0, location: response.headers.location }),
        );
      },
    );
    request.on("error", failed);
    request.end(body);
  });
}

// The collector, on demand: what happens to a long-lived stream once its request copies are gone.
setFlagsFromString("--expose-gc");
const gc = runInNewContext("gc") as () => void;

test("a pledge through the build reaches the streams at once; pages that go away end theirs, even after a garbage collection", async () => {
  assertProductionBuild();
  const build = (await import(
    pathToFileURL(resolve(import.meta.dirname, "../../build/server/index.js")).href
  )) as ServerBuild;
  const handle = database();
  const campaign = await createCampaign(handle.db, { slug: "streams", goal_amount: 100_000 });
  const hub = createProgressHub(handle.db, { intervalMs: 60_000 });
  const app = express();
  app.all(
    "*",
    remixHandler({ build, mode: "production", getLoadContext: () => testContext(handle, { live: hub }) }),
  );
  const server = http.createServer(app);
  await new Promise<void>((ready) => server.listen(0, "127.0.0.1", ready));
  const { port } = server.address() as AddressInfo;
  const agent = new http.Agent({ keepAlive: false, maxSockets: Infinity });
  try {
    const requests = await Promise.all(
      Array.from(
        { length: 40 },
        () =>
          new Promise<http.ClientRequest>((opened, failed) => {
            const request = http.get(
              `http://127.0.0.1:${port}/campaigns/streams/live`,
              { agent },
              (response) => {
                expect(response.statusCode).toBe(200);
                response.once("data", () => opened(request));
              },
            );
            request.on("error", failed);
          }),
      ),
    );
    expect(hub.listenerCount()).toBe(40);
    // A pledge through the build's own routes: its commit (the bundle's copy of the domain modules)
    // must reach this hub (the test's copy) at once, the poll being a minute away.
    const pledge = await post(port, "/campaigns/streams/pledge", {
      tierId: "",
      amount: "25.00",
      name: "Awa",
      email: "awa@example.org",
      comment: "",
      consent: "on",
      submissionKey: randomUUID(),
    });
    expect(pledge.status).toBe(302);
    const seen: string[] = [];
    const unsubscribe = hub.subscribe(campaign, (progress) => progress && seen.push(String(progress.raised)));
    const paid = await post(port, pledge.location!, {
      cardNumber: "4242 4242 4242 4242",
      expiry: "12/30",
      cvc: "123",
      intent: "pay",
    });
    expect(paid.status).toBe(302);
    await vi.waitFor(() => expect(seen).toEqual(["2500"]), { timeout: 1_000, interval: 10 });
    unsubscribe();
    for (let i = 0; i < 3; i++) {
      gc();
      await new Promise((next) => setImmediate(next));
    }
    for (const request of requests) request.destroy();
    await vi.waitFor(() => expect(hub.listenerCount()).toBe(0), { timeout: 3_000, interval: 20 });
  } finally {
    agent.destroy();
    hub.close();
    server.closeAllConnections();
    await new Promise((closed) => server.close(closed));
  }
});
