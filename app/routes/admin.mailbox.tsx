// The local mailbox: every email the app sent without SMTP, newest first.
import type { MetaFunction } from "@remix-run/node";
import type { LoaderFunctionArgs } from "@remix-run/node";
import { Link, useLoaderData } from "@remix-run/react";
import { listMailbox } from "~/notifications/mailbox.server";
import { assertCan } from "~/auth/policy.server";
import { requireUser } from "~/auth/session.server";
import { useTranslate, pageMeta } from "~/components/use-locale";
import { TableScroll } from "~/components/TableScroll";

export async function loader({ request, context }: LoaderFunctionArgs) {
  // Sign-in links land here: admins only, whatever the configuration (a local install included).
  assertCan(await requireUser(request, context), { action: "admin.access" }, context.config);
  return { messages: await listMailbox(context.db) };
}

export const meta: MetaFunction<typeof loader> = ({ matches }) =>
  pageMeta(matches, (t) => t("mailbox.title"));

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
        <TableScroll label={t("mailbox.title")}>
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
        </TableScroll>
      )}
    </section>
  );
}
