// The local mailbox: every email the app sent without SMTP, newest first, 100 a page, searchable by
// recipient.
import type { MetaFunction } from "@remix-run/node";
import type { LoaderFunctionArgs } from "@remix-run/node";
import { Form, Link, useLoaderData } from "@remix-run/react";
import { listMailbox } from "~/notifications/mailbox.server";
import { assertCan } from "~/auth/policy.server";
import { requireUser } from "~/auth/session.server";
import { pageMeta, useIntlLocale, useTranslate } from "~/components/use-locale";
import { cursorText, parseCursor } from "~/lib/listing";
import { formatDateTime, platformTimeZone } from "~/lib/time";
import { TableScroll } from "~/components/TableScroll";
import { Pager } from "~/components/Pager";

const PAGE = 100;

export async function loader({ request, context }: LoaderFunctionArgs) {
  // Sign-in links land here: admins only, whatever the configuration (a local install included).
  assertCan(await requireUser(request, context), { action: "admin.access" }, context.config);
  const search = new URL(request.url).searchParams;
  const to = (search.get("to") ?? "").trim().slice(0, 200) || null;
  const messages = await listMailbox(context.db, {
    before: parseCursor(search.get("before")),
    to,
    limit: PAGE + 1,
  });
  const last = messages.length > PAGE ? messages[PAGE - 1]! : null;
  return {
    messages: messages.slice(0, PAGE),
    to: to ?? "",
    older: last ? cursorText({ createdAt: last.created_at, id: last.id }) : null,
  };
}

export const meta: MetaFunction<typeof loader> = ({ matches }) =>
  pageMeta(matches, (t) => t("mailbox.title"));

export default function Mailbox() {
  const { messages, to, older } = useLoaderData<typeof loader>();
  const t = useTranslate();
  const locale = useIntlLocale();
  const olderLink = () => `?${new URLSearchParams({ ...(to ? { to } : {}), before: older! })}`;
  return (
    <section aria-labelledby="mailbox-title">
      <h1 id="mailbox-title">{t("mailbox.title")}</h1>
      <p className="muted">{t("mailbox.intro")}</p>
      <Form method="get" className="inline-form">
        <label>
          {t("mailbox.to")} <input name="to" type="search" size={24} defaultValue={to} />
        </label>
        <button type="submit" className="button">
          {t("dashboard.filter")}
        </button>
      </Form>
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
                  <td>{formatDateTime(m.created_at, platformTimeZone, locale)}</td>
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
      <Pager label={t("mailbox.pages")} older={older ? olderLink() : null} />
    </section>
  );
}
