// One campaign's reconciliation lines as CSV: our amounts beside Stripe's, and whether they match.
import type { LoaderFunctionArgs } from "@remix-run/node";
import { assertCan } from "~/auth/policy.server";
import { requireUser } from "~/auth/session.server";
import { reconciliationCsv } from "~/payouts/views.server";
import { notFound, requestLocale } from "~/lib/request.server";

export async function loader({ request, params, context }: LoaderFunctionArgs) {
  const user = await requireUser(request, context);
  assertCan(user, { action: "admin.access" }, context.config);
  const lines = await reconciliationCsv(context.db, params.id ?? "", requestLocale(request));
  if (!lines) throw notFound();
  return new Response(lines.csv, {
    headers: {
      "Content-Type": "text/csv; charset=utf-8",
      "Content-Disposition": `attachment; filename="${lines.slug}-lines.csv"`,
      "Cache-Control": "no-store",
    },
  });
}
