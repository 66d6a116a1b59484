// Everything the platform holds about the person signed in, as a JSON file to download (RGPD art. 15
// and 20, docs/decisions/042): app/auth/personal-data.server.ts says what each part is.
import type { LoaderFunctionArgs } from "@remix-run/node";
import { exportPersonalData } from "~/auth/personal-data.server";
import { requireUser } from "~/auth/session.server";

export async function loader({ request, context }: LoaderFunctionArgs) {
  const user = await requireUser(request, context);
  const now = context.clock();
  const data = await exportPersonalData(context.db, { userId: user.id, email: user.email }, now);
  return new Response(JSON.stringify(data, null, 2), {
    headers: {
      "Content-Type": "application/json; charset=utf-8",
      "Content-Disposition": `attachment; filename="tour-de-table-${now.toISOString().slice(0, 10)}.json"`,
      "Cache-Control": "no-store",
    },
  });
}
