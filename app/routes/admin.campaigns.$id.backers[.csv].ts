// The backers of a campaign as CSV, for its owner and admins: name, email, tier, amount, status,
// shipping needed, comment, date, in the reader's language. Streamed as it is read, a chunk of backers at a time: a campaign of
// 100 000 pledges neither sits in memory whole nor holds up the other requests.
import { requireManagedCampaign } from "~/campaigns/access.server";
import type { LoaderFunctionArgs } from "@remix-run/node";
import { backersCsv, backersCsvFormat } from "~/campaigns/dashboard.server";
import { csvStream } from "~/lib/csv";
import { requestLocale } from "~/lib/request.server";

export async function loader({ request, params, context }: LoaderFunctionArgs) {
  const { campaign } = await requireManagedCampaign(request, context, params.id ?? "");
  // In the reader's language: French opens in Excel as it is; English stays RFC 4180.
  const format = backersCsvFormat(requestLocale(request), campaign.time_zone);
  return new Response(csvStream(backersCsv(context.db, campaign.id, format)), {
    headers: {
      "Content-Type": "text/csv; charset=utf-8",
      "Content-Disposition": `attachment; filename="${campaign.slug}-backers.csv"`,
      "Cache-Control": "no-store",
    },
  });
}
