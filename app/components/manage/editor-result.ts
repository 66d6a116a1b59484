// What the editor page's action answers, and how its forms find their own errors in it: the
// intent (and tier) the answer is about, each field's message in the reader's language.
import { minimumPledge } from "~/lib/currencies";
import type { FieldErrors } from "~/lib/form-errors";
import type { MessageKey } from "~/i18n/keys";
import { ambiguousAmountParams, formatMoney } from "~/lib/money";
import { useIntlLocale, useTranslate } from "~/components/use-locale";
import { useNavigation } from "@remix-run/react";
import { useEffect, useRef } from "react";

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

/**
 * For a form that adds something (a reward, a stretch goal, an update): once its intent was saved,
 * the form is emptied, so that what was typed does not invite a duplicate; refused, it keeps it.
 * Without JavaScript the page comes back new after the save, empty already.
 */
export function useResetAfterSave(intent: string, refused: boolean) {
  const form = useRef<HTMLFormElement>(null);
  const navigation = useNavigation();
  const sent = useRef(false);
  useEffect(() => {
    if (navigation.state === "submitting" && navigation.formData?.get("intent") === intent)
      sent.current = true;
    if (navigation.state === "idle" && sent.current) {
      sent.current = false;
      if (!refused) form.current?.reset();
    }
  }, [navigation.state, navigation.formData, intent, refused]);
  return form;
}
