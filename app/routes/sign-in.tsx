// Sign in with a link sent by email. The answer is the same whether or not the address has an
// account, so the page tells nobody who uses the platform.
import { data, type ActionFunctionArgs, type LoaderFunctionArgs, type MetaFunction } from "@remix-run/node";
import { Form, useActionData, useLoaderData } from "@remix-run/react";
import { z } from "zod";
import { requestSignInLink } from "~/notifications/sign-in-email.server";
import { FormErrorSummary, useFocusFirstError } from "~/components/ErrorSummary";
import { FormField } from "~/components/FormField";
import { parseForm, refusalOf } from "~/lib/forms.server";
import type { MessageKey } from "~/i18n/keys";
import { useTranslate, pageMeta } from "~/components/use-locale";
import { requestLocale, safeRedirectPath } from "~/lib/request.server";

export function loader({ request }: LoaderFunctionArgs) {
  const url = new URL(request.url);
  return {
    redirectTo: safeRedirectPath(url.searchParams.get("redirectTo"), "/account"),
    failed: url.searchParams.has("expired"),
  };
}

const schema = z.object({ email: z.string().trim().email(), redirectTo: z.string().optional() });

export async function action({ request, context }: ActionFunctionArgs) {
  const form = await parseForm(request, schema, { limits: { email: 254 } });
  const email = form.values.email ?? "";
  if (!form.ok)
    return data({ sent: false, error: "auth.invalidEmail" as MessageKey, email }, { status: 400 });
  try {
    await requestSignInLink(
      context.db,
      {
        email: form.data.email,
        ip: context.clientIp,
        redirectTo: safeRedirectPath(form.data.redirectTo, "/account"),
        locale: requestLocale(request),
        publicUrl: context.config.PUBLIC_URL,
      },
      context.clock(),
    );
  } catch (error) {
    const { status, message } = refusalOf(error);
    return data({ sent: false, error: message, email }, { status });
  }
  return data({ sent: true, error: null, email });
}

export const meta: MetaFunction<typeof loader> = ({ matches }) =>
  pageMeta(matches, (t) => t("auth.title"), { indexed: true });

export default function SignIn() {
  const { redirectTo, failed } = useLoaderData<typeof loader>();
  const result = useActionData<typeof action>();
  const t = useTranslate();
  const error = result?.error ? t(result.error) : null;
  const form = useFocusFirstError(result, error ? ["email"] : []);
  return (
    <section className="narrow" aria-labelledby="sign-in-title">
      <h1 id="sign-in-title">{t("auth.title")}</h1>
      {failed ? (
        <p className="notice notice--error" role="alert">
          {t("auth.badLink")}
        </p>
      ) : null}
      {result?.sent ? (
        <p className="notice notice--success" role="status">
          {t("auth.sent")}
        </p>
      ) : (
        <Form method="post" className="change-form" noValidate ref={form}>
          <FormErrorSummary errors={error ? [{ field: "email", message: error }] : []} />
          <p>{t("auth.intro")}</p>
          <input type="hidden" name="redirectTo" value={redirectTo} />
          <FormField id="email" label={t("auth.email")} error={error}>
            {(aria) => (
              <input
                {...aria}
                name="email"
                type="email"
                autoComplete="email"
                defaultValue={result?.email ?? ""}
              />
            )}
          </FormField>
          <button type="submit" className="button button--primary">
            {t("auth.send")}
          </button>
        </Form>
      )}
    </section>
  );
}
