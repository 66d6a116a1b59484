// One of the editor's forms (a reward, a stretch goal, a question, an update…), refused or not: a
// plain post whose server answer, when refused, shows the summary of its errors at the top of the
// form, each linking to its field; with JavaScript, the first wrong field takes the focus.
import { Form } from "@remix-run/react";
import type { ComponentProps, ReactNode, RefObject } from "react";
import { FormErrorSummary, summaryOf, useFocusFirstError } from "~/components/ErrorSummary";
import type { FieldErrors } from "~/lib/form-errors";
import type { EditorErrors } from "./editor-result";

export function EditorForm({
  errors,
  err,
  fields,
  idOf,
  formRef,
  children,
  ...props
}: {
  /** This form's errors in the action's answer (`{}` when the answer is about another form). */
  errors: FieldErrors;
  err: EditorErrors["err"];
  /** The form's fields, by name, in the page's order; an error on another one is listed last. */
  fields: readonly string[];
  /** The id of a field's control. */
  idOf: (field: string) => string;
  formRef?: RefObject<HTMLFormElement>;
  children: ReactNode;
} & Omit<ComponentProps<typeof Form>, "ref" | "method" | "children">) {
  const names = [...fields, ...Object.keys(errors).filter((f) => f !== "form" && !fields.includes(f))];
  const summary = summaryOf(names.map((field) => [idOf(field), err(errors, field)] as const));
  const ref = useFocusFirstError(
    errors,
    summary.map((e) => e.field),
    formRef,
  );
  return (
    <Form method="post" noValidate ref={ref} {...props}>
      <FormErrorSummary errors={summary} />
      {children}
    </Form>
  );
}
