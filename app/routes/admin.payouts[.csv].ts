// Every payable campaign's statement as CSV, one line each, for the accountant.
import type { LoaderFunctionArgs } from "@remix-run/node";
import { requestLocale } from "~/lib/request.server";
import { assertCan } from "~/auth/policy.server";
import { requireUser } from "~/auth/session.server";
import { statementsCsv } from "~/payouts/views.server";

export async function loader({ request, context }: LoaderFunctionArgs) {
  const user = await requireUser(request, context);
  assertCan(user, { action: "admin.access" }, context.config);
  return new Response(
    await statementsCsv(context.db, context.config.PLATFORM_FEE_BPS, requestLocale(request)),
    {
      headers: {
        "Content-Type": "text/csv; charset=utf-8",
        "Content-Disposition": 'attachment; filename="statements.csv"',
        "Cache-Control": "no-store",
      },
    },
  );
}
