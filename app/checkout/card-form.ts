// The simulated checkout's forms: what a card number, expiry and CVC, or an IBAN, must look like.
import { z } from "zod";
import type { MessageKey } from "~/i18n/keys";

const key = (k: MessageKey) => k;

export function cardFormSchema(now: Date) {
  return z.object({
    cardNumber: z
      .string()
      .transform((v) => v.replace(/[\s-]/g, ""))
      .refine((v) => /^\d{13,19}$/.test(v), key("checkout.error.cardNumber")),
    expiry: z
      .string()
      .trim()
      .refine((v) => {
        const match = /^(\d{2})\s*\/\s*(\d{2})$/.exec(v);
        if (!match) return false;
        const month = Number(match[1]);
        const year = 2000 + Number(match[2]);
        if (month < 1 || month > 12) return false;
        // A card is valid until the end of its expiry month.
        return Date.UTC(year, month, 1) > now.getTime();
      }, key("checkout.error.expiry")),
    cvc: z
      .string()
      .trim()
      .refine((v) => /^\d{3,4}$/.test(v), key("checkout.error.cvc")),
  });
}

/** The simulated checkout's SEPA Direct Debit form: the account holder and an IBAN's shape. */
export const sepaFormSchema = z.object({
  accountHolder: z
    .string()
    .trim()
    .refine((v) => v.length >= 2 && v.length <= 100, key("checkout.error.accountHolder")),
  iban: z
    .string()
    .transform((v) => v.replace(/\s/g, "").toUpperCase())
    .refine((v) => /^[A-Z]{2}\d{2}[A-Z0-9]{11,30}$/.test(v), key("checkout.error.iban")),
});
