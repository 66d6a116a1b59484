// The local mailbox: every email the app sent without SMTP, newest first.
import type { LoaderFunctionArgs } from "@remix-run/node";
import { Link, useLoaderData } from "@remix-run/react";
import { listMailbox, mailboxIsOpen } from "~/notifications/mailbox.server";
import { isAdmin } from "~/auth/policy.server";
import { currentUser } from "~/auth/session.server";
import { useTranslate } from "~/lib/locale";
import { notFound } from "~/lib/request.server";

export async function loader({ request, context }: LoaderFunctionArgs) {
  if (!mailboxIsOpen(context.config, isAdmin(await currentUser(request, context), context.config)))
    throw notFound();
  return { messages: await listMailbox(context.db) };
}

export default function Mailbox() {
  const { messages } = useLoaderData<typeof loader>();
  const t = useTranslate();
  return (
    <section aria-labelledby="mailbox-title">
      <h1 id="mailbox-title">{t("mailbox.title")}</h1>
      <p className="muted">{t("mailbox.intro")}</p>
      {messages.length === 0 ? (
        <p>{t("mailbox.empty")}</p>
      ) : (
        <table className="table">
          <thead>
            <tr>
              <th scope="col">{t("mailbox.date")}</th>
              <th scope="col">{t("mailbox.to")}</th>
              <th scope="col">{t("mailbox.subject")}</th>
            </tr>
          </thead>
          <tbody>
            {messages.map((m) => (
              <tr key={m.id}>
                <td>{m.created_at.replace("T", " ").slice(0, 16)}</td>
                <td>{m.to_email}</td>
                <td>
                  <Link to={`/admin/mailbox/${m.id}`}>{m.subject}</Link>
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
    </section>
  );
}
