// The one-time sign-in link: no passwords on Tour de table.
import { Action, Paragraph, translator } from "./layout";
import { defineEmail } from "./define";

export interface SignInLinkProps {
  url: string;
  minutes: number;
}

export const signInLink = defineEmail<SignInLinkProps>("transactional", (p, { locale }) => {
  const t = translator(locale);
  const subject = t("email.signIn.subject");
  return {
    subject,
    preview: subject,
    body: (
      <>
        <Paragraph>{t("email.signIn.body", { minutes: p.minutes })}</Paragraph>
        <Action href={p.url}>{t("email.signIn.action")}</Action>
        <Paragraph>{t("email.signIn.ignore")}</Paragraph>
      </>
    ),
  };
});
