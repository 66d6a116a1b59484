// The simulated checkout's card and SEPA forms at their edges: the shortest and longest card number,
// CVC, holder's name and IBAN accepted and one character more, anything around them refused, the
// expiry month's last instant, and the message key each refusal carries (issue #11 item 15).
import { expect, test } from "vitest";
import { cardFormSchema, sepaFormSchema } from "~/checkout/card-form";

const now = new Date("2026-12-02T10:00:00.000Z");
const card = { cardNumber: "4242 4242 4242 4242", expiry: "12/27", cvc: "123" };

/** The message keys of a card form's refusal, by field; {} when accepted. */
function cardErrors(values: Partial<typeof card>, at = now) {
  const result = cardFormSchema(at).safeParse({ ...card, ...values });
  if (result.success) return {};
  return Object.fromEntries(result.error.issues.map((i) => [i.path.join("."), i.message]));
}

test("a card number has 13 to 19 digits, spaces and dashes aside, and nothing else around them", () => {
  expect(cardFormSchema(now).parse(card).cardNumber).toBe("4242424242424242");
  expect(cardErrors({ cardNumber: "4000-0000-0000-0002" })).toEqual({});
  expect(cardErrors({ cardNumber: "1".repeat(13) })).toEqual({});
  expect(cardErrors({ cardNumber: "1".repeat(19) })).toEqual({});
  for (const cardNumber of ["1".repeat(12), "1".repeat(20), `x${"4".repeat(16)}`, `${"4".repeat(16)}x`])
    expect(cardErrors({ cardNumber })).toEqual({ cardNumber: "checkout.error.cardNumber" });
});

test("an expiry is MM/YY, spaces allowed around the slash and the whole, months 01 to 12", () => {
  for (const expiry of ["12/27", " 12/27 ", "12 / 27", "12/ 27", "01/27"])
    expect(cardErrors({ expiry })).toEqual({});
  expect(cardFormSchema(now).parse({ ...card, expiry: " 12/27 " }).expiry).toBe("12/27");
  for (const expiry of ["1227", "112/27", "12/277", "00/27", "13/27", "12-27", ""])
    expect(cardErrors({ expiry })).toEqual({ expiry: "checkout.error.expiry" });
});

test("a card is valid until the last instant of its expiry month, not at the first of the next", () => {
  expect(cardErrors({ expiry: "12/26" })).toEqual({});
  expect(cardErrors({ expiry: "11/26" })).toEqual({ expiry: "checkout.error.expiry" });
  expect(cardErrors({ expiry: "12/26" }, new Date("2026-12-31T23:59:59.999Z"))).toEqual({});
  expect(cardErrors({ expiry: "12/26" }, new Date("2027-01-01T00:00:00.000Z"))).toEqual({
    expiry: "checkout.error.expiry",
  });
});

test("a CVC has 3 or 4 digits, trimmed, and nothing else", () => {
  for (const cvc of ["123", "1234", " 123 "]) expect(cardErrors({ cvc })).toEqual({});
  expect(cardFormSchema(now).parse({ ...card, cvc: " 123 " }).cvc).toBe("123");
  for (const cvc of ["12", "12345", "x123", "123x", "12a"])
    expect(cardErrors({ cvc })).toEqual({ cvc: "checkout.error.cvc" });
});

const sepa = { accountHolder: "Inès Moreau", iban: "AT61 1904 3002 3457 3201" };
function sepaErrors(values: Partial<typeof sepa>) {
  const result = sepaFormSchema.safeParse({ ...sepa, ...values });
  if (result.success) return {};
  return Object.fromEntries(result.error.issues.map((i) => [i.path.join("."), i.message]));
}

test("an account holder's name has 2 to 100 characters once trimmed", () => {
  for (const accountHolder of ["Jo", "a".repeat(100), "  Jo  "])
    expect(sepaErrors({ accountHolder })).toEqual({});
  expect(sepaFormSchema.parse({ ...sepa, accountHolder: "  Inès Moreau " }).accountHolder).toBe(
    "Inès Moreau",
  );
  for (const accountHolder of ["J", "J ", "a".repeat(101), ""])
    expect(sepaErrors({ accountHolder })).toEqual({ accountHolder: "checkout.error.accountHolder" });
});

test("an IBAN is a country, two check digits and 11 to 30 letters or digits, spaces and case aside", () => {
  expect(sepaFormSchema.parse({ ...sepa, iban: "at61 1904 3002 3457 3201" }).iban).toBe(
    "AT611904300234573201",
  );
  for (const iban of [`FR76${"1".repeat(11)}`, `FR76${"A".repeat(30)}`])
    expect(sepaErrors({ iban })).toEqual({});
  for (const iban of [
    `FR76${"1".repeat(10)}`,
    `FR76${"1".repeat(31)}`,
    `1FR76${"1".repeat(11)}`,
    `FR7X${"1".repeat(11)}`,
    `F176${"1".repeat(11)}`,
    `FR76${"1".repeat(11)}-`,
  ])
    expect(sepaErrors({ iban })).toEqual({ iban: "checkout.error.iban" });
});
