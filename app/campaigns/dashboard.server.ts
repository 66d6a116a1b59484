// The owner's dashboard: the funding curve against the pace line, key numbers, the pledges table
// (filtered by tier and status, a page at a time) and the backers' CSV export (streamed in chunks).
// Nothing here reads every pledge at once: a campaign of 100 000 pledges is summed in SQL, paged by
// keyset and exported in chunks with the event loop free between them.
import { setImmediate as nextTurn } from "node:timers/promises";
import { sql } from "kysely";
import { z } from "zod";
import type { Engine } from "#db/connection.ts";
import type { Campaign, DeliveryMethod, PledgeStatus } from "#db/schema.ts";
import {
  amountCell,
  csvDialectFor,
  csvLine,
  csvStart,
  rfc4180,
  type CsvCell,
  type CsvDialect,
} from "~/lib/csv";
import { translator } from "~/i18n/catalogue.server";
import type { Locale, MessageKey } from "~/i18n/keys";
import { toLocal } from "~/lib/time";
import type { Db } from "~/lib/db.server";
import { countedPledgeStatuses } from "./campaigns.server";
import { beyond, cursorPattern, keysetPage, type Cursor } from "~/lib/listing";

export interface CurvePoint {
  /** The last commitment in the bucket (the curve reaches `cumulative` there). */
  at: string;
  /** What the bucket's pledges add (amount less refunds). */
  amount: number;
  cumulative: number;
}

export type CurveBucket = "hour" | "day";

const HOURLY_UP_TO_MS = 15 * 24 * 3_600_000;

/** Hours for a campaign of up to 15 days (at most 360 points), days beyond (at most 60). */
export function curveBucketFor(campaign: Pick<Campaign, "launched_at" | "deadline_at">): CurveBucket {
  if (!campaign.launched_at || !campaign.deadline_at) return "hour";
  const span = new Date(campaign.deadline_at).getTime() - new Date(campaign.launched_at).getTime();
  return span <= HOURLY_UP_TO_MS ? "hour" : "day";
}

/** The UTC hour or day a commitment falls in, as each engine stores an instant. */
function bucketOf(engine: Engine, bucket: CurveBucket) {
  if (engine === "postgres") {
    return bucket === "hour"
      ? sql<string>`date_trunc('hour', committed_at at time zone 'UTC')`
      : sql<string>`date_trunc('day', committed_at at time zone 'UTC')`;
  }
  // ISO 8601 UTC text: `2026-11-24T10` is the hour, `2026-11-24` the day.
  return bucket === "hour"
    ? sql<string>`substr(committed_at, 1, 13)`
    : sql<string>`substr(committed_at, 1, 10)`;
}

const CURVE_SLICES = 4;
const BUCKET_MS = { hour: 3_600_000, day: 86_400_000 } as const;

/**
 * Where the curve's sums are cut: instants on bucket boundaries splitting launch → deadline into
 * about equal parts (none when the campaign has no dates). The first and last parts are open, so a
 * commitment outside the campaign's dates still counts.
 */
export function curveSliceEdges(
  campaign: Pick<Campaign, "launched_at" | "deadline_at">,
  bucket: CurveBucket,
  slices = CURVE_SLICES,
): string[] {
  if (!campaign.launched_at || !campaign.deadline_at) return [];
  const start = new Date(campaign.launched_at).getTime();
  const span = new Date(campaign.deadline_at).getTime() - start;
  const unit = BUCKET_MS[bucket];
  const edges = new Set<number>();
  for (let i = 1; i < slices; i++) {
    const edge = Math.floor((start + (span * i) / slices) / unit) * unit;
    if (edge > start) edges.add(edge);
  }
  return [...edges].sort((a, b) => a - b).map((edge) => new Date(edge).toISOString());
}

/**
 * Cumulative amount pledged (counted pledges, by commitment time) from launch to now or the close,
 * one point per hour or day that saw a commitment, summed by the database.
 */
export async function fundingCurve(
  db: Db,
  engine: Engine,
  campaign: Pick<Campaign, "id" | "launched_at" | "deadline_at">,
  bucket: CurveBucket = curveBucketFor(campaign),
): Promise<CurvePoint[]> {
  const key = bucketOf(engine, bucket);
  const edges = curveSliceEdges(campaign, bucket);
  const rows: { at: string | null; amount: number }[] = [];
  // On SQLite a query holds the event loop while it runs: the sum is cut in time slices on bucket
  // boundaries (no bucket spans two), each in a turn of its own, so that at 100 000 pledges no
  // single part holds other requests up for long.
  for (let slice = 0; slice <= edges.length; slice++) {
    const from = edges[slice - 1];
    const to = edges[slice];
    await nextTurn();
    rows.push(
      ...(await db
        .selectFrom("pledges")
        .select((eb) => [
          key.as("bucket"),
          eb.fn.max("committed_at").as("at"),
          eb.fn.sum<number>(sql`amount - refunded_amount`).as("amount"),
        ])
        .where("campaign_id", "=", campaign.id)
        .where("status", "in", [...countedPledgeStatuses])
        .where("committed_at", "is not", null)
        .$if(from !== undefined, (q) => q.where("committed_at", ">=", from!))
        .$if(to !== undefined, (q) => q.where("committed_at", "<", to!))
        .groupBy(key)
        .orderBy(key)
        .execute()),
    );
  }
  let total = 0;
  return rows.map((row) => {
    const amount = Number(row.amount);
    total += amount;
    return { at: row.at!, amount, cumulative: total };
  });
}

/** How many more backers at the average pledge would reach the goal (0 when it is reached). */
export function backersToGoal(raised: number, goal: number, backers: number): number {
  if (raised >= goal || backers === 0) return 0;
  const average = raised / backers;
  return Math.ceil((goal - raised) / average);
}

export interface PledgeFilter {
  tierId?: string | null;
  status?: PledgeStatus | null;
}

export const listedPledgeStatuses = [
  "committed",
  "collected",
  "payment_failed",
  "dropped",
  "refunded",
  "canceled",
] as const satisfies readonly PledgeStatus[];

export const PLEDGES_PER_PAGE = 50;

/**
 * The dashboard's query string: filters and the page, each dropped (not refused) when it is not
 * one we wrote, so an old or edited link still shows the pledges.
 */
export const dashboardSearchSchema = z.object({
  tier: z.string().uuid().nullable().catch(null),
  status: z.enum(listedPledgeStatuses).nullable().catch(null),
  after: z.string().regex(cursorPattern).nullable().catch(null),
  before: z.string().regex(cursorPattern).nullable().catch(null),
});
export type DashboardSearch = z.infer<typeof dashboardSearchSchema>;

export function parseDashboardSearch(search: URLSearchParams): DashboardSearch {
  return dashboardSearchSchema.parse({
    tier: search.get("tier") || null,
    status: search.get("status") || null,
    after: search.get("after") || null,
    before: search.get("before") || null,
  });
}

function listedPledges(db: Db, campaignId: string, filter: PledgeFilter) {
  return db
    .selectFrom("pledges")
    .leftJoin("reward_tiers", "reward_tiers.id", "pledges.tier_id")
    .where("pledges.campaign_id", "=", campaignId)
    .where("pledges.status", "not in", ["pending", "expired"])
    .$if(Boolean(filter.tierId), (q) => q.where("pledges.tier_id", "=", filter.tierId!))
    .$if(Boolean(filter.status), (q) => q.where("pledges.status", "=", filter.status!));
}

const pledgeColumns = [
  "pledges.id",
  "pledges.backer_name",
  "pledges.backer_email",
  "pledges.amount",
  "pledges.refunded_amount",
  "pledges.currency",
  "pledges.status",
  "pledges.comment",
  "pledges.tier_id",
  "reward_tiers.title as tier_title",
  "reward_tiers.shipping_required",
  "pledges.created_at",
  "pledges.delivery_method",
  "pledges.ship_name",
  "pledges.ship_line1",
  "pledges.ship_line2",
  "pledges.ship_postal_code",
  "pledges.ship_city",
  "pledges.ship_country",
  "pledges.shipping_amount",
] as const;

export interface PledgePage<Row> {
  pledges: Row[];
  /** The cursor for the page of newer pledges (`before=`), null on the first page. */
  newer: string | null;
  /** The cursor for the page of older pledges (`after=`), null on the last page. */
  older: string | null;
}

/**
 * One page of a campaign's pledges, newest first: the first, or those just older than `after`, or
 * just newer than `before`. Keyset on (created_at, id), so a page costs the same deep in the list.
 */
export async function pledgePage(
  db: Db,
  campaignId: string,
  {
    filter = {},
    after = null,
    before = null,
    limit = PLEDGES_PER_PAGE,
  }: { filter?: PledgeFilter; after?: string | null; before?: string | null; limit?: number } = {},
) {
  const base = () => listedPledges(db, campaignId, filter);
  const page = await keysetPage(
    { after, before, limit },
    ({ from, backwards, limit }) =>
      base()
        .select([...pledgeColumns])
        .$if(from !== null, (q) => q.where(beyond("pledges", backwards ? ">" : "<", from!)))
        .orderBy("pledges.created_at", backwards ? "asc" : "desc")
        .orderBy("pledges.id", backwards ? "asc" : "desc")
        .limit(limit)
        .execute(),
    async (direction, cursor) =>
      Boolean(
        await base()
          .select("pledges.id")
          .where(beyond("pledges", direction, cursor))
          .limit(1)
          .executeTakeFirst(),
      ),
  );
  return { pledges: page.rows, newer: page.newer, older: page.older };
}

export const backersCsvHeader = [
  "name",
  "email",
  "tier",
  "amount",
  "currency",
  "status",
  "shipping_needed",
  "delivery",
  "recipient",
  "address_line1",
  "address_line2",
  "postal_code",
  "city",
  "country",
  "shipping",
  "comment",
  "date",
];

/**
 * How the backers' CSV reads in a language: in English RFC 4180 with the columns' machine names
 * and statuses, as scripts expect; in French what Excel opens well (`;`, decimal commas, a BOM) with
 * the headers and statuses in words. Dates are the campaign's wall clock (`2026-12-03 14:05`).
 */
export interface BackersCsvFormat {
  dialect: CsvDialect;
  header: string[];
  status: (status: PledgeStatus) => string;
  yes: string;
  no: string;
  delivery: (method: DeliveryMethod) => string;
  timeZone: string;
}

export function backersCsvFormat(locale: Locale, timeZone: string): BackersCsvFormat {
  if (locale !== "fr") {
    return {
      dialect: rfc4180,
      header: backersCsvHeader,
      status: (s) => s,
      yes: "yes",
      no: "no",
      delivery: (method) => method,
      timeZone,
    };
  }
  const t = translator(locale);
  return {
    dialect: csvDialectFor(locale),
    header: backersCsvHeader.map((column) => t(`csv.backers.${column}` as MessageKey)),
    status: (status) => t(`pledgePage.status.${status}`),
    yes: t("csv.yes"),
    no: t("csv.no"),
    delivery: (method) => t(`csv.delivery.${method}`),
    timeZone,
  };
}

const pad = (n: number) => String(n).padStart(2, "0");

/** An instant as the campaign's wall clock, as spreadsheets read a date and time. */
function wallClock(instant: string, timeZone: string): string {
  const l = toLocal(new Date(instant), timeZone);
  return `${l.year}-${pad(l.month)}-${pad(l.day)} ${pad(l.hour)}:${pad(l.minute)}`;
}

type BackerRow = Awaited<ReturnType<typeof pledgePage>>["pledges"][number];

/** Where the reward goes; nothing when the reward (changed since, maybe) is not sent by post. */
function deliveryCells(p: BackerRow, format: BackersCsvFormat): CsvCell[] {
  if (p.shipping_required !== 1 || !p.delivery_method) return ["", "", "", "", "", "", "", ""];
  return [
    format.delivery(p.delivery_method),
    p.ship_name ?? "",
    p.ship_line1 ?? "",
    p.ship_line2 ?? "",
    p.ship_postal_code ?? "",
    p.ship_city ?? "",
    p.ship_country ?? "",
    // The part of the amount paid for shipping (docs/decisions/036); 0 when picked up.
    amountCell(p.shipping_amount, p.currency),
  ];
}

/** One backer's line of the CSV, in the header's order: the one place a new column goes. */
export function backerCsvRow(p: BackerRow, format: BackersCsvFormat): CsvCell[] {
  return [
    p.backer_name,
    p.backer_email,
    p.tier_title ?? "",
    amountCell(p.amount - p.refunded_amount, p.currency),
    p.currency,
    format.status(p.status),
    p.shipping_required === 1 ? format.yes : format.no,
    ...deliveryCells(p, format),
    p.comment ?? "",
    { raw: wallClock(p.created_at, format.timeZone) },
  ];
}

/**
 * The backers' CSV (every listed pledge, newest first), as text chunks: the header, then
 * `chunkRows` backers a chunk, each read by keyset, with a turn of the event loop between chunks
 * so that other requests are answered while a large campaign is exported.
 */
export async function* backersCsv(
  db: Db,
  campaignId: string,
  format: BackersCsvFormat,
  { chunkRows = 1_000 }: { chunkRows?: number } = {},
): AsyncGenerator<string> {
  yield csvStart(format.dialect) + csvLine(format.header, format.dialect);
  let cursor: Cursor | null = null;
  for (;;) {
    await nextTurn();
    const rows: BackerRow[] = await listedPledges(db, campaignId, {})
      .select([...pledgeColumns])
      .$if(cursor !== null, (q) => q.where(beyond("pledges", "<", cursor!)))
      .orderBy("pledges.created_at", "desc")
      .orderBy("pledges.id", "desc")
      .limit(chunkRows)
      .execute();
    if (rows.length === 0) return;
    yield rows.map((row) => csvLine(backerCsvRow(row, format), format.dialect)).join("");
    if (rows.length < chunkRows) return;
    const last = rows.at(-1)!;
    cursor = { createdAt: last.created_at, id: last.id };
  }
}

/** The campaign's tiers in order, to filter its pledges by. */
export function tierChoices(db: Db, campaignId: string) {
  return db
    .selectFrom("reward_tiers")
    .select(["id", "title"])
    .where("campaign_id", "=", campaignId)
    .orderBy("position")
    .execute();
}
