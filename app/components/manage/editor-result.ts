// What the editor page's action answers, and how its forms find their own errors in it: the
// intent (and tier) the answer is about, each field's message in the reader's language.
import { minimumPledge } from "~/lib/currencies";
import type { FieldErrors } from "~/lib/form-errors";
import type { MessageKey } from "~/i18n/keys";
import { ambiguousAmountParams, formatMoney } from "~/lib/money";
import { useIntlLocale, useTranslate } from "~/components/use-locale";

export interface EditorResult {
  intent: string;
  target: string | null;
  errors: FieldErrors;
  values: Record<string, string | undefined>;
  preview?: string;
}

export interface EditorErrors {
  /** The errors of the form sent with this intent (and this tier), if the answer is about it. */
  errorsFor: (intent: string, tierId?: string | null) => FieldErrors;
  /** One field's message, with the numbers it speaks of. */
  err: (errors: FieldErrors, field: string) => string | null;
}

export function useEditorErrors(result: EditorResult | undefined, currency: string): EditorErrors {
  const t = useTranslate();
  const locale = useIntlLocale();
  const errorsFor = (intent: string, tierId: string | null = null): FieldErrors =>
    result && result.intent === intent && (tierId === null || result.target === tierId) ? result.errors : {};
  const err = (errors: FieldErrors, field: string) => {
    const key: MessageKey | undefined = errors[field];
    if (!key) return null;
    if (key === "editor.error.minimumTooSmall")
      return t(key, { currencyMin: formatMoney(minimumPledge(currency), currency, locale) });
    if (key !== "money.error.ambiguous" || !result) return t(key);
    // Both readings of what was typed, in the currency it was read in.
    const typed = result.values;
    const readIn = field === "goal" && typed.currency ? typed.currency.trim().toUpperCase() : currency;
    return t(key, ambiguousAmountParams(typed[field] ?? "", readIn, locale));
  };
  return { errorsFor, err };
}
