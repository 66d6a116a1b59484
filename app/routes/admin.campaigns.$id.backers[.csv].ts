// The backers of a campaign as CSV, for its owner and admins: name, email, tier, amount, status,
// shipping needed, comment.
import type { LoaderFunctionArgs } from "@remix-run/node";
import { assertCan } from "~/auth/policy.server";
import { requireUser } from "~/auth/session.server";
import { backersCsv } from "~/campaigns/dashboard.server";
import { notFound } from "~/lib/request.server";

export async function loader({ request, params, context }: LoaderFunctionArgs) {
  const user = await requireUser(request, context);
  const campaign = await context.db
    .selectFrom("campaigns")
    .select(["id", "owner_id", "slug"])
    .where("id", "=", params.id ?? "")
    .executeTakeFirst();
  if (!campaign) throw notFound();
  assertCan(user, { action: "campaign.manage", campaign }, context.config);
  return new Response(await backersCsv(context.db, campaign.id), {
    headers: {
      "Content-Type": "text/csv; charset=utf-8",
      "Content-Disposition": `attachment; filename="${campaign.slug}-backers.csv"`,
      "Cache-Control": "no-store",
    },
  });
}
