// Deleting one's account (RGPD art. 17, docs/decisions/042): what goes and what the law keeps, the
// reasons it cannot happen yet if there are any, and a form with a box to tick (decision 032). The
// deletion is one transaction (app/auth/personal-data.server.ts); afterwards the browser is signed
// out and lands on the privacy page, which says it is done.
import {
  data,
  redirect,
  type ActionFunctionArgs,
  type LoaderFunctionArgs,
  type MetaFunction,
} from "@remix-run/node";
import { Form, Link, useActionData, useLoaderData } from "@remix-run/react";
import { z } from "zod";
import { assertCsrf } from "~/auth/csrf.server";
import { blockerMessages, deleteAccount, deletionBlockers } from "~/auth/personal-data.server";
import { requireUser, signOutHeaders } from "~/auth/session.server";
import { ConfirmField } from "~/components/ConfirmField";
import { CsrfField } from "~/components/CsrfField";
import { FormErrorSummary } from "~/components/ErrorSummary";
import { matchesTranslator, useTranslate } from "~/components/use-locale";
import { parseForm, refusal } from "~/lib/forms.server";

const deletionSchema = z.object({
  confirm: z.literal("yes", { errorMap: () => ({ message: "privacy.delete.confirmRequired" }) }),
});

export async function loader({ request, context }: LoaderFunctionArgs) {
  const user = await requireUser(request, context);
  const blockers = await deletionBlockers(context.db, { userId: user.id, email: user.email });
  return { email: user.email, blockers: blockers.map((b) => blockerMessages[b]) };
}

export async function action({ request, context }: ActionFunctionArgs) {
  const user = await requireUser(request, context);
  const form = await parseForm(request, deletionSchema, { limits: { confirm: 8 } });
  assertCsrf(form.fields, user, context.config.SESSION_SECRET);
  if (!form.ok) return data({ errors: form.errors, values: form.values }, { status: 400 });
  try {
    await deleteAccount(context.db, { userId: user.id, email: user.email }, context.clock());
  } catch (error) {
    return refusal(error, form.values);
  }
  // The sessions are gone with the account: only the cookie is left to clear.
  return redirect("/privacy?deleted", { headers: await signOutHeaders(context, request) });
}

export const meta: MetaFunction<typeof loader> = ({ matches }) => [
  { title: `${matchesTranslator(matches)("privacy.delete.title")} — Tour de table` },
  { name: "robots", content: "noindex" },
];

export default function DeleteAccount() {
  const { email, blockers } = useLoaderData<typeof loader>();
  const result = useActionData<typeof action>();
  const t = useTranslate();
  const errors = result?.errors ?? {};
  const summary = Object.entries(errors).map(([field, key]) => ({
    field: field === "confirm" ? "delete-confirm" : "delete-form",
    message: t(key),
  }));
  return (
    <section className="narrow" aria-labelledby="delete-title">
      <h1 id="delete-title">{t("privacy.delete.title")}</h1>
      <p className="muted">{email}</p>
      <p>{t("privacy.delete.intro")}</p>
      <ul>
        <li>{t("privacy.delete.erased")}</li>
        <li>{t("privacy.delete.kept")}</li>
      </ul>
      <p>
        <a href="/account/data.json" download>
          {t("privacy.delete.exportFirst")}
        </a>{" "}
        <Link to="/privacy">{t("account.data.privacy")}</Link>
      </p>
      {blockers.length ? (
        <div className="notice notice--error" role="alert" data-testid="delete-blocked">
          <p>{t("privacy.delete.blocked")}</p>
          <ul>
            {blockers.map((key) => (
              <li key={key}>{t(key)}</li>
            ))}
          </ul>
        </div>
      ) : (
        <Form method="post" className="change-form" id="delete-form">
          <FormErrorSummary errors={summary} />
          <CsrfField />
          <div id="delete-confirm">
            <ConfirmField label={t("privacy.delete.confirm")} />
          </div>
          <button type="submit" className="button button--danger">
            {t("privacy.delete.submit")}
          </button>
        </Form>
      )}
    </section>
  );
}
