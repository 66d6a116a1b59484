// The one-time sign-in link: no passwords on Tour de table.
import { Action, Paragraph } from "./layout";
import { defineEmail } from "./define";

export interface SignInLinkProps {
  url: string;
  minutes: number;
}

export const signInLink = defineEmail<SignInLinkProps>("transactional", (p, { locale }) => {
  const fr = locale === "fr";
  const subject = fr ? "Votre lien de connexion à Tour de table" : "Your Tour de table sign-in link";
  return {
    subject,
    preview: subject,
    body: (
      <>
        <Paragraph>
          {fr
            ? `Cliquez sur le bouton pour vous connecter. Le lien ne sert qu'une fois et expire dans ${p.minutes} minutes.`
            : `Click the button to sign in. The link works once and expires in ${p.minutes} minutes.`}
        </Paragraph>
        <Action href={p.url}>{fr ? "Me connecter" : "Sign in"}</Action>
        <Paragraph>
          {fr
            ? "Si vous n'avez rien demandé, ignorez cet e-mail : personne ne peut se connecter sans ce lien."
            : "If you did not ask for it, ignore this email: nobody can sign in without this link."}
        </Paragraph>
      </>
    ),
  };
});
