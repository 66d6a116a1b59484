// TRUST_PROXY on a running server (#11 item 8): behind one proxy, each client named by
// X-Forwarded-For has its own pledge limit; with no proxy declared, the header is ignored, so a
// client cannot escape the limit by writing a new address in it.
import { afterAll, beforeAll, describe, expect, test } from "vitest";
import { startServer, type RunningServer } from "../support/server";

const pledgePath = "/campaigns/la-machinerie/pledge";
const limits = { LOG_REQUESTS: "false", PLEDGE_LIMIT_PER_IP: "2", PLEDGE_LIMIT_PER_EMAIL: "1000" };

/** A pledge POST said to come from `forwardedFor`; its status (400: the form is refused, not the client). */
async function pledgeFrom(server: RunningServer, forwardedFor: string): Promise<number> {
  const response = await fetch(`${server.url}${pledgePath}`, {
    method: "POST",
    headers: { "X-Forwarded-For": forwardedFor, "Accept-Language": "en" },
    body: new URLSearchParams({ amount: "", name: "", email: "" }),
  });
  await response.arrayBuffer();
  return response.status;
}

describe("behind one proxy (TRUST_PROXY=1)", () => {
  let server: RunningServer;
  beforeAll(async () => {
    server = await startServer({ ...limits, TRUST_PROXY: "1" });
  });
  afterAll(() => server?.stop());

  test("each forwarded client has its own limit; the address before the proxy's is ignored", async () => {
    const first = [];
    for (let i = 0; i < 3; i += 1) first.push(await pledgeFrom(server, "203.0.113.7"));
    expect(first).toEqual([400, 400, 429]);
    // Another client behind the same proxy is not held back by the first.
    expect(await pledgeFrom(server, "203.0.113.8")).toBe(400);
    // The proxy appends what it saw: an address the client wrote in front changes nothing.
    expect(await pledgeFrom(server, "198.51.100.1, 203.0.113.7")).toBe(429);
  });
});

describe("with no proxy declared (the default)", () => {
  let server: RunningServer;
  beforeAll(async () => {
    server = await startServer(limits);
  });
  afterAll(() => server?.stop());

  test("X-Forwarded-For is ignored: a new address in it does not escape the limit", async () => {
    const answers = [];
    for (const address of ["203.0.113.1", "203.0.113.2", "203.0.113.3", "203.0.113.4"]) {
      answers.push(await pledgeFrom(server, address));
    }
    expect(answers).toEqual([400, 400, 429, 429]);
  });
});
