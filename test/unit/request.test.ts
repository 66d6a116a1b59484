import { expect, test } from "vitest";
import { clientIp, safeRedirectPath } from "~/lib/request.server";

// Each of these, in a Location header, could take a browser to another site (or run a script):
// browsers drop tabs and newlines, read `\` as `/`, and follow `//host` to that host.
const hostile: unknown[] = [
  "https://evil.example",
  "http://evil.example/account",
  "HTTPS://evil.example",
  "//evil.example",
  "///evil.example",
  "/\\evil.example",
  "\\\\evil.example",
  "\\/evil.example",
  "/\t/evil.example",
  "/%09/evil.example",
  "/%2509/evil.example",
  "/\n/evil.example",
  "/%0a/evil.example",
  "/\r\n/evil.example",
  "/%0d%0aSet-Cookie:%20x=1",
  "/%00/evil.example",
  "/%7f/evil.example",
  "/%2F%2Fevil.example",
  "/%2f/evil.example",
  "%2F%2Fevil.example",
  "/%5Cevil.example",
  "/%5c%5cevil.example",
  "/%255Cevil.example",
  "/.//evil.example",
  "/x/..//evil.example",
  "javascript:alert(1)",
  "JaVaScRiPt:alert(1)",
  "/javascript:alert(1)%0a",
  "data:text/html,<script>alert(1)</script>",
  "evil.example",
  " /account",
  "/account ",
  "/caf\u00e9",
  "/\u2028/evil.example",
  "/%25252525",
  "",
  "/".padEnd(3000, "a"),
  undefined,
  null,
  42,
  ["/account"],
];

test.each(hostile.map((value) => [JSON.stringify(value)?.slice(0, 60), value]))(
  "a redirect to %s stays on the fallback",
  (_label, value) => {
    expect(safeRedirectPath(value)).toBe("/");
    expect(safeRedirectPath(value, "/account")).toBe("/account");
  },
);

test.each([
  ["/", "/"],
  ["/campaigns/la-machinerie", "/campaigns/la-machinerie"],
  ["/campaigns/la-machinerie?tier=2&q=a%20b", "/campaigns/la-machinerie?tier=2&q=a%20b"],
  ["/account#pledges", "/account#pledges"],
  ["/manage/campaigns/abc?tab=tiers#t-1", "/manage/campaigns/abc?tab=tiers#t-1"],
  ["/campaigns/caf%C3%A9", "/campaigns/caf%C3%A9"],
  ["/search?q=100%25", "/search?q=100%25"],
])("a path on this site is followed: %s", (value, expected) => {
  expect(safeRedirectPath(value)).toBe(expected);
});

test("whatever it answers is a plain path on this site", () => {
  for (const value of hostile) {
    const path = safeRedirectPath(value, "/fallback");
    expect(new URL(path, "http://x").origin).toBe("http://x");
    expect(path).toMatch(/^\/(?![/\\])[\x21-\x7e]*$/);
  }
});

test.each([
  // [what the socket says, the X-Forwarded-For header, TRUST_PROXY, the client]
  ["203.0.113.7", "10.0.0.1", 0, "203.0.113.7"],
  ["203.0.113.7", undefined, 0, "203.0.113.7"],
  ["::ffff:203.0.113.7", "10.0.0.1, 10.0.0.2", 0, "203.0.113.7"],
  ["10.0.0.254", "198.51.100.4", 1, "198.51.100.4"],
  // A client writing its own header before the one proxy's entry: the proxy's entry wins.
  ["10.0.0.254", "6.6.6.6, 198.51.100.4", 1, "198.51.100.4"],
  ["10.0.0.254", "6.6.6.6, 198.51.100.4, 10.0.0.253", 2, "198.51.100.4"],
  ["10.0.0.254", ["6.6.6.6", "198.51.100.4"], 1, "198.51.100.4"],
  ["10.0.0.254", "6.6.6.6, 198.51.100.4", Number.POSITIVE_INFINITY, "6.6.6.6"],
  // A proxy promised but no header: the socket, never nothing.
  ["10.0.0.254", undefined, 1, "10.0.0.254"],
  ["10.0.0.254", "not an address, <script>", 1, "10.0.0.254"],
  [undefined, undefined, 0, "unknown"],
] as const)(
  "socket %s, X-Forwarded-For %j, TRUST_PROXY %s: the client is %s",
  (remote, header, trust, expected) => {
    expect(
      clientIp({ remoteAddress: remote, forwardedFor: header as string | string[] | undefined }, trust),
    ).toBe(expected);
  },
);
