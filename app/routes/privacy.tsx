// The privacy page ("Confidentialité"), public, in the reader's language from the catalogue: for each
// kind of data the platform keeps, what it is, why (the legal basis) and for how long, and the
// person's rights (docs/decisions/042). After an account's deletion, it says the deletion is done.
import type { LoaderFunctionArgs, MetaFunction } from "@remix-run/node";
import { Link, useLoaderData } from "@remix-run/react";
import { matchesTranslator, useTranslate } from "~/components/use-locale";

/** The page's parts, in order; each has a title, and what, why and how long (`privacy.<part>.*`). */
const parts = [
  "account",
  "sessions",
  "pledges",
  "receipts",
  "comments",
  "owners",
  "emails",
  "audit",
] as const;

export function loader({ request }: LoaderFunctionArgs) {
  return { deleted: new URL(request.url).searchParams.has("deleted") };
}

export const meta: MetaFunction<typeof loader> = ({ matches }) => [
  { title: `${matchesTranslator(matches)("privacy.title")} — Tour de table` },
];

export default function Privacy() {
  const { deleted } = useLoaderData<typeof loader>();
  const t = useTranslate();
  return (
    <section className="narrow prose" aria-labelledby="privacy-title">
      <h1 id="privacy-title">{t("privacy.title")}</h1>
      {deleted ? (
        <p className="notice notice--success" role="status">
          {t("privacy.deleted")}
        </p>
      ) : null}
      <p>{t("privacy.intro")}</p>
      {parts.map((part) => (
        <section key={part} aria-labelledby={`privacy-${part}`}>
          <h2 id={`privacy-${part}`}>{t(`privacy.${part}.title`)}</h2>
          <dl className="privacy__facts">
            <dt>{t("privacy.what")}</dt>
            <dd>{t(`privacy.${part}.what`)}</dd>
            <dt>{t("privacy.why")}</dt>
            <dd>{t(`privacy.${part}.why`)}</dd>
            <dt>{t("privacy.howLong")}</dt>
            <dd>{t(`privacy.${part}.howLong`)}</dd>
          </dl>
        </section>
      ))}
      <h2 id="privacy-rights">{t("privacy.rights.title")}</h2>
      <p>{t("privacy.rights.text")}</p>
      <p>
        <Link to="/account">{t("account.title")}</Link>
      </p>
    </section>
  );
}
