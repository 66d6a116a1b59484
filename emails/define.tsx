// How a template is declared: its category (transactional, or the preference a person can turn
// off) and a function from props to subject, preview line and body.
import { render, toPlainText } from "@react-email/render";
import type { ReactElement } from "react";
import { EmailLayout } from "./layout";
import type { EmailContext, RenderedEmail } from "./types";

/** The kinds of non-transactional email a person can stop, one click each. */
export const unsubscribeKinds = ["milestones", "reminders", "updates", "digest"] as const;
export type UnsubscribeKind = (typeof unsubscribeKinds)[number];

export interface EmailTemplate<P> {
  category: "transactional" | UnsubscribeKind;
  render(props: P, context: EmailContext): Promise<RenderedEmail>;
}

/** How html-to-text reads some of a template's elements, over React Email's own rules. */
export type TextSelectors = NonNullable<NonNullable<Parameters<typeof toPlainText>[1]>["selectors"]>;

export function defineEmail<P>(
  category: EmailTemplate<P>["category"],
  build: (props: P, context: EmailContext) => { subject: string; preview: string; body: ReactElement },
  { textSelectors = [] }: { textSelectors?: TextSelectors } = {},
): EmailTemplate<P> {
  return {
    category,
    async render(props, context) {
      const { subject, preview, body } = build(props, context);
      const html = await render(
        <EmailLayout context={context} preview={preview}>
          {body}
        </EmailLayout>,
      );
      return { subject, html, text: toPlainText(html, { selectors: textSelectors }) };
    },
  };
}
