// One email from the local mailbox: its headers, text, and HTML in a sandboxed frame.
import type { MetaFunction } from "@remix-run/node";
import type { LoaderFunctionArgs } from "@remix-run/node";
import { Link, useLoaderData } from "@remix-run/react";
import { readMailboxMessage } from "~/notifications/mailbox.server";
import { assertCan } from "~/auth/policy.server";
import { requireUser } from "~/auth/session.server";
import { useTranslate, pageMeta } from "~/components/use-locale";
import { notFound } from "~/lib/request.server";

export async function loader({ request, params, context }: LoaderFunctionArgs) {
  // Sign-in links land here: admins only, whatever the configuration (a local install included).
  assertCan(await requireUser(request, context), { action: "admin.access" }, context.config);
  const message = await readMailboxMessage(context.db, params.id ?? "");
  if (!message) throw notFound();
  return { message };
}

export const meta: MetaFunction<typeof loader> = ({ data, matches }) =>
  pageMeta(matches, (t) => `${t("mailbox.title")} — ${data?.message.subject ?? ""}`);

export default function MailboxMessage() {
  const { message } = useLoaderData<typeof loader>();
  const t = useTranslate();
  return (
    <section aria-labelledby="message-title" className="mailbox-message">
      <p>
        <Link to="/admin/mailbox">← {t("mailbox.back")}</Link>
      </p>
      <h1 id="message-title">{message.subject}</h1>
      <details>
        <summary>{t("mailbox.headers")}</summary>
        <pre>{message.headers.join("\n")}</pre>
      </details>
      <h2>{t("mailbox.html")}</h2>
      {/* The email's own HTML, isolated: no script, no access to this page. */}
      <iframe title={message.subject} sandbox="" srcDoc={message.html} className="mailbox-message__frame" />
      <h2>{t("mailbox.text")}</h2>
      <pre className="mailbox-message__text" data-testid="mail-text">
        {message.text}
      </pre>
    </section>
  );
}
