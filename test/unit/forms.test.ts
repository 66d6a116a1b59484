// parseForm and refusal (app/lib/forms.server.ts): a form read once, what was typed sent back cut to
// its limits, and a domain's refusal as the same { errors, values } with the table's status and words.
import { expect, test } from "vitest";
import { z } from "zod";
import { CheckoutError, PayoutError, PledgeError, RefundError } from "~/lib/errors";
import { parseForm, refusal, refusalOf } from "~/lib/forms.server";

const schema = z.object({
  name: z.string().trim().min(1, "pledge.error.nameRequired").max(5, "pledge.error.nameTooLong"),
  amount: z.string(),
  consent: z.literal("on", { message: "pledge.error.consentRequired" }).optional(),
});

function post(entries: [string, string][]): Request {
  return new Request("http://t/form", { method: "POST", body: new URLSearchParams(entries) });
}

test("parseForm echoes what was typed cut to its limits, with the first error of each field", async () => {
  const form = await parseForm(
    post([
      ["name", "Camille Dupont"],
      ["name", "second"],
      ["consent", "yes"],
      ["csrf", "token"],
    ]),
    schema,
    { limits: { amount: 3 }, checkboxes: ["consent"] },
  );
  expect(form.ok).toBe(false);
  // A missing field reads as empty; a checkbox not "on" is not ticked; the token is not echoed.
  expect(form.values).toEqual({ name: "Camil", amount: "" });
  expect(form.fields).toEqual({ name: "Camille Dupont", consent: "yes", csrf: "token" });
  if (!form.ok) expect(form.errors).toEqual({ name: "pledge.error.nameTooLong" });
  const ticked = await parseForm(
    post([
      ["name", "Léa"],
      ["amount", "12345"],
      ["consent", "on"],
    ]),
    schema,
    {
      limits: { amount: 3 },
      checkboxes: ["consent"],
    },
  );
  expect(ticked).toMatchObject({
    ok: true,
    data: { name: "Léa", amount: "12345", consent: "on" },
    values: { name: "Léa", amount: "123", consent: "on" },
  });
});

test("refusal puts a refused call's words on its field, with its status; a 404 or a fault goes through", () => {
  const values = { tierId: "t1", amount: "20" };
  expect(refusal(new PledgeError("sold_out", "Sold out"), values)).toMatchObject({
    data: { errors: { tierId: "pledge.error.soldOut" }, values },
    init: { status: 409 },
  });
  expect(refusal(new CheckoutError("payment_unavailable", "Later"), values)).toMatchObject({
    data: { errors: { form: "pledge.error.paymentUnavailable" } },
    init: { status: 503 },
  });
  expect(refusalOf(new PayoutError("stale_amount", "Stale"))).toEqual({
    status: 409,
    field: "form",
    message: "payouts.error.stale",
  });
  const fault = new RefundError("refund_in_transaction", "In a transaction");
  expect(() => refusal(fault, values)).toThrow(fault);
  const missing = new PledgeError("pledge_not_found", "No pledge");
  expect(() => refusal(missing, values)).toThrow(missing);
  const bug = new TypeError("bug");
  expect(() => refusalOf(bug)).toThrow(bug);
});
