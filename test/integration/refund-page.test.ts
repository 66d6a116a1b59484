// The follow-up page's refund form through its real action: what is left and one cent more, a
// gateway's refusal and a gateway that does not answer, and two admins refunding the last euros at
// once; each error on the form of its pledge, with what was typed kept.
import type { AppLoadContext } from "@remix-run/node";
import { beforeAll, expect, test } from "vitest";
import type { PaymentGateway } from "~/payments/gateway";
import { createSimulatedGateway } from "~/payments/simulated.server";
import { getPledge } from "~/pledges/pledges.server";
import { action } from "~/routes/admin.campaigns.$id";
import { loadConfig } from "~/lib/config.server";
import { ambiguousAmountParams } from "~/lib/money";
import { testContext } from "../support/context";
import { createCampaign } from "../support/factories";
import { collectedPledge } from "../support/ledger";
import { callRoute } from "../support/routes";
import { signedInAs } from "../support/users";
import { useTestDatabase } from "../support/database";

const database = useTestDatabase();
const pledgedAt = new Date("2026-11-30T12:00:00.000Z");
let context: AppLoadContext;
let admin: { id: string; cookie: string; csrf: string };

beforeAll(async () => {
  context = testContext(database(), {
    config: loadConfig({
      SESSION_SECRET: "refund-page-".padEnd(40, "x"),
      PUBLIC_URL: "http://localhost:3000",
      ADMIN_EMAILS: "refund-admin@example.org",
    }),
    clock: () => new Date("2026-12-10T12:00:00.000Z"),
  });
  admin = await signedInAs(context, "refund-admin@example.org");
});

async function collected(amount: number) {
  const { db } = database();
  const campaign = await createCampaign(db, { funding_model: "flexible" });
  const pledgeId = await collectedPledge(db, campaign, amount, pledgedAt);
  return { campaign, pledgeId };
}

type Answer = { pledgeId: string | null; error: string | null; values?: Record<string, string> };

function refund(campaign: string, form: Record<string, string>, gateway?: PaymentGateway) {
  return callRoute<Answer>(action, {
    url: `http://t/admin/campaigns/${campaign}`,
    params: { id: campaign },
    context: gateway ? { ...context, gateway } : context,
    headers: { Cookie: admin.cookie },
    form: { ...form, csrf: admin.csrf },
  });
}

test("exactly what is left is refunded; one cent more is refused on its form, with what was typed kept", async () => {
  const { campaign, pledgeId } = await collected(5_000);
  const first = await refund(campaign, { pledgeId, amount: "20", reason: "Partiel" });
  expect(first).toMatchObject({ status: 302, location: `/admin/campaigns/${campaign}?refunded=1` });
  const over = await refund(campaign, { pledgeId, amount: "30,01", reason: "Le reste" });
  expect(over).toMatchObject({
    status: 400,
    data: { pledgeId, error: "admin.error.amount", values: { amount: "30,01", reason: "Le reste" } },
  });
  const rest = await refund(campaign, { pledgeId, amount: "30", reason: "Le reste" });
  expect(rest.status).toBe(302);
  expect(await getPledge(database().db, pledgeId)).toMatchObject({
    status: "refunded",
    refunded_amount: 5_000,
  });
});

test("a negative, too precise or too large refund says so on its form (not 'at most what is left')", async () => {
  const { campaign, pledgeId } = await collected(5_000);
  for (const [amount, error] of [
    ["-5", "money.error.negative"],
    ["5,1234", "money.error.decimals"],
    ["99999999999999999999", "money.error.tooLarge"],
  ] as const) {
    const answer = await refund(campaign, { pledgeId, amount, reason: "Une erreur" });
    expect(answer).toMatchObject({ status: 400, data: { pledgeId, error, values: { amount } } });
  }
  expect(await getPledge(database().db, pledgeId)).toMatchObject({ status: "collected", refunded_amount: 0 });
});

test("an amount with ambiguous separators is refused with its two readings, and nothing is refunded", async () => {
  const { campaign, pledgeId } = await collected(5_000);
  // In French "10.555" reads as 10 555 € or as 10,555 €: neither is refunded silently.
  const answer = await refund(campaign, { pledgeId, amount: "10.555", reason: "Partiel" });
  expect(answer).toMatchObject({
    status: 400,
    data: {
      pledgeId,
      error: "money.error.ambiguous",
      params: ambiguousAmountParams("10.555", "EUR", "fr-FR"),
      values: { amount: "10.555", reason: "Partiel" },
    },
  });
  expect(await getPledge(database().db, pledgeId)).toMatchObject({ refunded_amount: 0, refund_reserved: 0 });
});

test("a refusal by the payment provider is shown on the form and nothing is refunded", async () => {
  const { campaign, pledgeId } = await collected(5_000);
  const refusing: PaymentGateway = {
    ...createSimulatedGateway(database().db),
    async refundPayment() {
      return { status: "refused", code: "charge_disputed", message: "Charge is disputed" };
    },
  };
  const answer = await refund(campaign, { pledgeId, amount: "10", reason: "Litige" }, refusing);
  expect(answer).toMatchObject({ status: 409, data: { pledgeId, error: "admin.error.refundRefused" } });
  expect(await getPledge(database().db, pledgeId)).toMatchObject({ refunded_amount: 0, refund_reserved: 0 });
});

test("a provider that does not answer leaves the refund pending, said so on the page", async () => {
  const { campaign, pledgeId } = await collected(5_000);
  const down: PaymentGateway = {
    ...createSimulatedGateway(database().db),
    async refundPayment() {
      throw new Error("socket hang up");
    },
  };
  const answer = await refund(campaign, { pledgeId, amount: "10", reason: "Réseau" }, down);
  expect(answer).toMatchObject({ status: 302, location: `/admin/campaigns/${campaign}?refunded=pending` });
  expect(await getPledge(database().db, pledgeId)).toMatchObject({
    refunded_amount: 0,
    refund_reserved: 1_000,
  });
});

test("two admins refunding the last 30 € at once: one refund, the other refused on its form", async () => {
  const { campaign, pledgeId } = await collected(3_000);
  const answers = await Promise.all([
    refund(campaign, { pledgeId, amount: "30", reason: "Premier" }),
    refund(campaign, { pledgeId, amount: "30", reason: "Second" }),
  ]);
  expect(answers.map((a) => a.status).sort()).toEqual([302, 400]);
  expect(await getPledge(database().db, pledgeId)).toMatchObject({
    refunded_amount: 3_000,
    refund_reserved: 0,
  });
});
