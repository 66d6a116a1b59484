// One-click unsubscribe: mail clients POST to the List-Unsubscribe link (RFC 8058); people who
// follow the footer link see what they are about to stop and confirm with one button.
import { data, type ActionFunctionArgs, type LoaderFunctionArgs, type MetaFunction } from "@remix-run/node";
import { Form, useActionData, useLoaderData } from "@remix-run/react";
import { z } from "zod";
import { unsubscribeKinds } from "../../emails";
import { unsubscribe, verifyUnsubscribeToken } from "~/notifications/unsubscribe.server";
import { useTranslate, pageMeta } from "~/components/use-locale";

const query = z.object({ e: z.string().email(), k: z.enum(unsubscribeKinds), t: z.string().min(1) });

function readLink(request: Request, secret: string) {
  const parsed = query.safeParse(Object.fromEntries(new URL(request.url).searchParams));
  if (!parsed.success || !verifyUnsubscribeToken(secret, parsed.data.e, parsed.data.k, parsed.data.t)) {
    throw new Response("This unsubscribe link is not valid", { status: 403 });
  }
  return { email: parsed.data.e, kind: parsed.data.k };
}

export function loader({ request, context }: LoaderFunctionArgs) {
  return readLink(request, context.config.SESSION_SECRET);
}

export async function action({ request, context }: ActionFunctionArgs) {
  const link = readLink(request, context.config.SESSION_SECRET);
  await unsubscribe(context.db, link.email, link.kind, context.clock());
  return data({ done: true, ...link });
}

export const meta: MetaFunction<typeof loader> = ({ matches }) =>
  pageMeta(matches, (t) => t("unsubscribe.title"));

export default function Unsubscribe() {
  const link = useLoaderData<typeof loader>();
  const done = useActionData<typeof action>();
  const t = useTranslate();
  const kind = t(`unsubscribe.kind.${link.kind}`);
  return (
    <section className="narrow" aria-labelledby="unsubscribe-title">
      <h1 id="unsubscribe-title">{t("unsubscribe.title")}</h1>
      {done ? (
        <p className="notice notice--success" role="status">
          {t("unsubscribe.done", { email: link.email, kind })}
        </p>
      ) : (
        <Form method="post">
          <p>{t("unsubscribe.confirm", { email: link.email, kind })}</p>
          <button type="submit" className="button button--primary">
            {t("unsubscribe.button")}
          </button>
        </Form>
      )}
    </section>
  );
}
