// The one table of failures (app/lib/errors.ts): each code's status, words in every language and field,
// the typed errors built from it, and which of them a person is told about.
import { readdirSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { expect, test } from "vitest";
import type * as ErrorsModule from "~/lib/errors";
import {
  AppError,
  CampaignError,
  CheckoutError,
  LedgerError,
  PayoutError,
  PledgeError,
  RefundError,
  errorAnswers,
  isAppError,
  isRefusal,
} from "~/lib/errors";

const messagesDir = join(import.meta.dirname, "../../app/i18n/messages");
const catalogues = readdirSync(messagesDir)
  .filter((file) => file.endsWith(".json"))
  .map(
    (file) =>
      [file, JSON.parse(readFileSync(join(messagesDir, file), "utf8")) as Record<string, string>] as const,
  );

const entries = Object.entries(errorAnswers).flatMap(([domain, codes]) =>
  Object.entries(codes).map(([code, answer]) => ({ domain, code, ...answer })),
);

test("every code answers a 4xx or a 5xx, with words every language has", () => {
  expect(catalogues.length).toBeGreaterThanOrEqual(2);
  for (const { domain, code, status, message } of entries) {
    expect(status >= 400 && status < 600, `${domain}.${code}: ${status}`).toBe(true);
    for (const [file, messages] of catalogues)
      expect(messages[message], `${domain}.${code} in ${file}`).toBeTypeOf("string");
  }
});

test("an error takes its status, words and field from the table; a throw site may name another field", () => {
  const soldOut = new PledgeError("sold_out", "This reward has just sold out");
  expect(soldOut).toBeInstanceOf(AppError);
  expect(soldOut).toMatchObject({
    domain: "pledges",
    code: "sold_out",
    status: 409,
    messageKey: "pledge.error.soldOut",
    field: "tierId",
    message: "This reward has just sold out",
    name: "PledgeError",
  });
  const frozen = new CampaignError("frozen_after_launch", "Frozen once launched", { field: "goal" });
  expect(frozen).toMatchObject({ status: 409, messageKey: "editor.error.frozen", field: "goal" });
  expect(new PayoutError("campaign_not_found", "No such campaign").field).toBeUndefined();
});

test("a refusal is a 4xx or a 503 (nothing done, try again); a 500 is a fault", () => {
  expect(isRefusal(new RefundError("not_refundable", "No"))).toBe(true);
  expect(isRefusal(new CheckoutError("payment_unavailable", "Later"))).toBe(true);
  expect(isRefusal(new LedgerError("ledger_unbalanced", "Bug"))).toBe(false);
  expect(isRefusal(new TypeError("bug"))).toBe(false);
});

test("an AppError from another copy of the module (the build's, seen by server.ts's) is still one", async () => {
  const path = "../../app/lib/errors.ts?another-copy";
  const copy = (await import(/* @vite-ignore */ path)) as typeof ErrorsModule;
  expect(copy.PayoutError).not.toBe(PayoutError);
  const theirs = new copy.PayoutError("campaign_not_found", "No such campaign");
  expect(theirs instanceof AppError).toBe(false);
  expect(isAppError(theirs)).toBe(true);
  expect(isRefusal(theirs)).toBe(true);
  expect(isAppError(new Error("plain"))).toBe(false);
});
