// What every form shows when it is refused (issue #15): a summary of what to fix above the form,
// announced as it appears (role="alert"), each line a link to its field; and the focus moved so that
// the reader starts from the first wrong field. With JavaScript, the form's first wrong field (in the
// page's order) takes the focus; without it, the page the server answers with focuses the summary
// (the autofocus attribute), whose first link leads to that field.
import { useEffect, useRef, useSyncExternalStore, type MouseEvent, type RefObject } from "react";
import { useTranslate } from "~/components/use-locale";

export interface SummaryError {
  /** The id of the field (the link's target). */
  field: string;
  message: string;
}

/** The errors of these fields, in the order given (the page's): those with a message. */
export function summaryOf(fields: readonly (readonly [string, string | null])[]): SummaryError[] {
  return fields.flatMap(([field, message]) => (message ? [{ field, message }] : []));
}

/** Nothing to listen to: the page runs JavaScript or it does not (false on the server and at hydration). */
const noSubscription = () => () => {};

/** Whether the page runs JavaScript (false in the server's HTML, and while it hydrates). */
export function useHydrated(): boolean {
  return useSyncExternalStore(
    noSubscription,
    () => true,
    () => false,
  );
}

/** Moves to a field of the form: the field itself when it can take the focus. */
function focusField(event: MouseEvent<HTMLAnchorElement>, id: string) {
  const target = document.getElementById(id);
  if (!target) return;
  event.preventDefault();
  target.focus();
}

/**
 * Focuses the first of these fields (named by their name or their id) in the page's order.
 * react-hook-form's own focus (shouldFocusError) goes through the fields in the order it keeps them,
 * not the page's: on an empty pledge form it focused the consent box, the last field. In a group of
 * radios, the one chosen, else the first that can be.
 */
export function focusFirstInvalid(form: HTMLFormElement | null, invalid: readonly string[]) {
  if (!form || invalid.length === 0) return;
  const elements = [...form.elements].filter(
    (el): el is HTMLInputElement =>
      el instanceof HTMLElement &&
      (invalid.includes((el as HTMLInputElement).name) || invalid.includes(el.id)) &&
      !(el as HTMLInputElement).disabled &&
      (el as HTMLInputElement).type !== "hidden",
  );
  const first = elements[0];
  if (!first) return;
  const chosen =
    first.type === "radio" ? elements.find((el) => el.name === first.name && el.checked) : undefined;
  (chosen ?? first).focus();
}

/**
 * For a form the server may send back refused while the page runs: each new answer (`answer`, the
 * action's data, compared by identity) focuses the first of its wrong fields in the page's order.
 * Returns the ref to put on the form.
 */
export function useFocusFirstError(
  answer: unknown,
  invalid: readonly string[],
  /** The form's ref when the form has one already (useResetAfterSave's). */
  existing?: RefObject<HTMLFormElement>,
) {
  const own = useRef<HTMLFormElement>(null);
  const form = existing ?? own;
  const fields = invalid.join("\n");
  useEffect(() => {
    if (answer && fields) focusFirstInvalid(form.current, fields.split("\n"));
  }, [answer, fields, form]);
  return form;
}

/**
 * The list of what to fix, above a form, each linking to its field. The server's page (without
 * JavaScript) focuses it as it shows. With JavaScript it takes the focus itself only when `takeFocus`
 * is true; a form that moves the focus to its first wrong field (useFocusFirstError) leaves it false.
 */
export function ErrorSummary({
  title,
  errors,
  takeFocus = false,
}: {
  title: string;
  errors: SummaryError[];
  takeFocus?: boolean;
}) {
  const hydrated = useHydrated();
  const box = useRef<HTMLDivElement>(null);
  const shown = errors.length > 0;
  const signature = errors.map((e) => `${e.field}:${e.message}`).join("\n");
  useEffect(() => {
    if (takeFocus && shown) box.current?.focus();
  }, [takeFocus, shown, signature]);
  if (!shown) return null;
  return (
    <div
      className="error-summary"
      role="alert"
      tabIndex={-1}
      ref={box}
      // Only in the server's HTML, shown after a refused post without JavaScript: the reader starts
      // from what to fix. Once the page runs, the effects above move the focus.
      // eslint-disable-next-line jsx-a11y/no-autofocus -- a refused form's summary, as GOV.UK's
      autoFocus={!hydrated}
    >
      <p className="error-summary__title">{title}</p>
      <ul>
        {errors.map((e) => (
          <li key={e.field}>
            <a href={`#${e.field}`} onClick={(event) => focusField(event, e.field)}>
              {e.message}
            </a>
          </li>
        ))}
      </ul>
    </div>
  );
}

/** The summary with the forms' common title ("2 fields need fixing:"). */
export function FormErrorSummary({ errors, takeFocus }: { errors: SummaryError[]; takeFocus?: boolean }) {
  const t = useTranslate();
  return (
    <ErrorSummary
      title={t("form.errorSummary", { count: errors.length })}
      errors={errors}
      takeFocus={takeFocus}
    />
  );
}
