// For load balancers and uptime checks: 200 when the database answers, 503 when it does not.
import type { LoaderFunctionArgs } from "@remix-run/node";
import { isDatabaseReachable } from "#db/connection.ts";

export async function loader({ context }: LoaderFunctionArgs) {
  const reachable = await isDatabaseReachable(context.db);
  return Response.json(
    { status: reachable ? "ok" : "unavailable", database: reachable ? context.engine : "unreachable" },
    { status: reachable ? 200 : 503, headers: { "Cache-Control": "no-store" } },
  );
}
