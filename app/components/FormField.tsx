// A labelled form control with its hint and error, wired for screen readers: the input says it
// is invalid and points at the message that says why.
import type { MouseEvent, ReactNode } from "react";

export interface FieldProps {
  id: string;
  label: ReactNode;
  hint?: ReactNode;
  error?: string | null;
  children: (aria: {
    id: string;
    "aria-invalid": boolean;
    "aria-describedby": string | undefined;
  }) => ReactNode;
}

export function FormField({ id, label, hint, error, children }: FieldProps) {
  const describedBy =
    [hint ? `${id}-hint` : null, error ? `${id}-error` : null].filter(Boolean).join(" ") || undefined;
  return (
    <div className={`field${error ? " field--invalid" : ""}`}>
      <label htmlFor={id} className="field__label">
        {label}
      </label>
      {hint ? (
        <p id={`${id}-hint`} className="field__hint">
          {hint}
        </p>
      ) : null}
      {children({ id, "aria-invalid": Boolean(error), "aria-describedby": describedBy })}
      {error ? (
        <p id={`${id}-error`} className="field__error">
          {error}
        </p>
      ) : null}
    </div>
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
 * The list of what to fix, above a form, each linking to its field; announced as it appears
 * (role="alert"). It takes the focus itself unless `takeFocus` is false, for a form that moves it to
 * its first wrong field instead.
 */
export function ErrorSummary({
  title,
  errors,
  takeFocus = true,
}: {
  title: string;
  errors: { field: string; message: string }[];
  takeFocus?: boolean;
}) {
  if (errors.length === 0) return null;
  return (
    <div
      className="error-summary"
      role="alert"
      tabIndex={-1}
      ref={takeFocus ? (el) => el?.focus() : undefined}
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
