// Abuse limits on pledging: rate-limiter-flexible counts pledge and checkout POSTs per client IP
// and per email in our own database (`rate_limits`, both engines), and unpaid checkouts holding a
// limited reward are capped per email and per IP, so nobody can keep a tier sold out. And the same
// counting for the comments and replies a signed-in person posts on campaign pages.
import { createRequire } from "node:module";
import { sql, type ExpressionBuilder } from "kysely";
import type { Database } from "#db/schema.ts";
import { RateLimiterRes, type RateLimiterStoreAbstract as StoreAbstract } from "rate-limiter-flexible";
import type { Config } from "~/lib/config.server";
import type { Db } from "~/lib/db.server";
import { MINUTE } from "~/lib/time";

type Counter = { points: number; expire: number | null };

// The base class of the library's own database stores: typed, but not exported by its index.
const RateLimiterStoreAbstract = createRequire(import.meta.url)(
  "rate-limiter-flexible/lib/RateLimiterStoreAbstract.js",
) as typeof StoreAbstract;

/**
 * The library's store contract over our Kysely handle: one atomic upsert (`INSERT … ON CONFLICT …
 * RETURNING`, the same statement its SQLite and PostgreSQL stores run) on either engine, so the
 * counting, blocking and Retry-After logic stay the library's. Its own stores want the raw
 * better-sqlite3 or pg client, which the app does not hand around.
 */
export class RateLimiterKysely extends RateLimiterStoreAbstract {
  private readonly db: Db;

  constructor(opts: { db: Db; keyPrefix: string; points: number; duration: number }) {
    super({ storeClient: opts.db, keyPrefix: opts.keyPrefix, points: opts.points, duration: opts.duration });
    this.db = opts.db;
  }

  async _upsert(rlKey: string, points: number, msDuration: number, forceExpire = false): Promise<Counter> {
    const now = Date.now();
    const expire = msDuration > 0 ? now + msDuration : null;
    const live = sql<boolean>`rate_limits.expire is null or rate_limits.expire > ${now}`;
    return this.db
      .insertInto("rate_limits")
      .values({ key: rlKey, points, expire })
      .onConflict((oc) =>
        oc.column("key").doUpdateSet(
          forceExpire
            ? { points, expire }
            : {
                points: sql<number>`case when ${live} then rate_limits.points + excluded.points else excluded.points end`,
                expire: sql<
                  number | null
                >`case when ${live} then rate_limits.expire else excluded.expire end`,
              },
        ),
      )
      .returning(["points", "expire"])
      .executeTakeFirstOrThrow();
  }

  async _get(rlKey: string): Promise<Counter | null> {
    const row = await this.db
      .selectFrom("rate_limits")
      .select(["points", "expire"])
      .where("key", "=", rlKey)
      .where((eb) => eb.or([eb("expire", "is", null), eb("expire", ">", Date.now())]))
      .executeTakeFirst();
    return row ?? null;
  }

  async _delete(rlKey: string): Promise<boolean> {
    const result = await this.db.deleteFrom("rate_limits").where("key", "=", rlKey).executeTakeFirst();
    return Number(result.numDeletedRows) > 0;
  }

  _getRateLimiterRes(_rlKey: string, changedPoints: number, result: Counter): RateLimiterRes {
    const isFirstInDuration = changedPoints === result.points;
    const consumedPoints = isFirstInDuration ? changedPoints : result.points;
    const msBeforeNext = result.expire ? Math.max(Number(result.expire) - Date.now(), 0) : -1;
    return new RateLimiterRes(
      Math.max(this.points - consumedPoints, 0),
      msBeforeNext,
      consumedPoints,
      isFirstInDuration,
    );
  }
}

/** Counters whose window ended more than an hour ago: a job removes them. */
export async function clearExpiredRateLimits(db: Db, now: Date): Promise<number> {
  const result = await db
    .deleteFrom("rate_limits")
    .where("expire", "<", now.getTime() - 60 * MINUTE)
    .executeTakeFirst();
  return Number(result.numDeletedRows);
}

export type LimitConfig = Pick<Config, "PLEDGE_LIMIT_PER_IP" | "PLEDGE_LIMIT_PER_EMAIL">;

interface Limiters {
  pledgesPerIp: RateLimiterKysely;
  checkoutsPerIp: RateLimiterKysely;
  pledgesPerEmail: RateLimiterKysely;
}

const limiters = new WeakMap<Db, Map<string, Limiters>>();

function limitersFor(db: Db, config: LimitConfig): Limiters {
  let byConfig = limiters.get(db);
  if (!byConfig) limiters.set(db, (byConfig = new Map()));
  const key = `${config.PLEDGE_LIMIT_PER_IP}/${config.PLEDGE_LIMIT_PER_EMAIL}`;
  let found = byConfig.get(key);
  if (!found) {
    found = {
      pledgesPerIp: new RateLimiterKysely({
        db,
        keyPrefix: "pledge-ip",
        points: config.PLEDGE_LIMIT_PER_IP,
        duration: 60,
      }),
      // Counted apart: paying after a declined card is not a new pledge.
      checkoutsPerIp: new RateLimiterKysely({
        db,
        keyPrefix: "checkout-ip",
        points: config.PLEDGE_LIMIT_PER_IP,
        duration: 60,
      }),
      pledgesPerEmail: new RateLimiterKysely({
        db,
        keyPrefix: "pledge-email",
        points: config.PLEDGE_LIMIT_PER_EMAIL,
        duration: 10 * 60,
      }),
    };
    byConfig.set(key, found);
  }
  return found;
}

/** Allowed, or refused with how long to wait (for Retry-After). */
export type LimitAnswer = { allowed: true } | { allowed: false; retryAfterSeconds: number };

async function consume(limiter: RateLimiterKysely, key: string): Promise<LimitAnswer> {
  try {
    await limiter.consume(key);
    return { allowed: true };
  } catch (refusal) {
    if (refusal instanceof RateLimiterRes) {
      return { allowed: false, retryAfterSeconds: Math.max(1, Math.ceil(refusal.msBeforeNext / 1000)) };
    }
    throw refusal;
  }
}

/** One pledge form POST from this address (every one counts, well-formed or not). */
export function limitPledgePostsByIp(db: Db, config: LimitConfig, ip: string): Promise<LimitAnswer> {
  return consume(limitersFor(db, config).pledgesPerIp, ip);
}

/** One POST to a (simulated) checkout page from this address. */
export function limitCheckoutPostsByIp(db: Db, config: LimitConfig, ip: string): Promise<LimitAnswer> {
  return consume(limitersFor(db, config).checkoutsPerIp, ip);
}

/** One pledge for this backer email, counted once the form is valid. */
export function limitPledgesByEmail(db: Db, config: LimitConfig, email: string): Promise<LimitAnswer> {
  return consume(limitersFor(db, config).pledgesPerEmail, email.trim().toLowerCase());
}

/** Comments and replies one person may post on campaign pages in COMMENT_WINDOW_SECONDS. */
export const COMMENTS_PER_WINDOW = 10;
export const COMMENT_WINDOW_SECONDS = 10 * 60;

const commentLimiters = new WeakMap<Db, RateLimiterKysely>();

/** One comment or reply by this person (counted once the form is valid). */
export function limitCommentPosts(db: Db, userId: string): Promise<LimitAnswer> {
  let limiter = commentLimiters.get(db);
  if (!limiter) {
    limiter = new RateLimiterKysely({
      db,
      keyPrefix: "comment-user",
      points: COMMENTS_PER_WINDOW,
      duration: COMMENT_WINDOW_SECONDS,
    });
    commentLimiters.set(db, limiter);
  }
  return consume(limiter, userId);
}

export type HoldsConfig = Pick<Config, "HOLDS_PER_EMAIL" | "HOLDS_PER_IP">;

/**
 * May this backer start one more unpaid checkout for a limited reward? Counts the pending pledges
 * still holding a unit of a limited tier for the email and for the IP address; the pledge this
 * very form already made (same submission key) is a repeat, not a new hold.
 */
export async function mayHoldAnotherUnit(
  db: Db,
  config: HoldsConfig,
  hold: { tierId: string | null; email: string; ip: string; submissionKey: string },
  now: Date,
): Promise<boolean> {
  if (!hold.tierId) return true;
  const holding = (eb: ExpressionBuilder<Database, never>) =>
    eb
      .selectFrom("pledges")
      .innerJoin("reward_tiers", "reward_tiers.id", "pledges.tier_id")
      .leftJoin("pledge_origins", "pledge_origins.pledge_id", "pledges.id")
      .select((eb) => eb.fn.countAll<number>().as("n"))
      .where("pledges.status", "=", "pending")
      .where("pledges.holds_stock", "=", 1)
      .where("reward_tiers.stock_limit", "is not", null)
      .where("pledges.checkout_expires_at", ">", now.toISOString())
      .where((eb) =>
        eb.or([
          eb("pledges.submission_key", "is", null),
          eb("pledges.submission_key", "!=", hold.submissionKey),
        ]),
      );
  // One statement: the tier's limit and both counts, each subquery with its own index.
  const row = await db
    .selectNoFrom((eb) => [
      eb.selectFrom("reward_tiers").select("stock_limit").where("id", "=", hold.tierId).as("stock_limit"),
      holding(eb)
        .where(sql<string>`lower(pledges.backer_email)`, "=", hold.email.trim().toLowerCase())
        .as("by_email"),
      holding(eb).where("pledge_origins.client_ip", "=", hold.ip).as("by_ip"),
    ])
    .executeTakeFirstOrThrow();
  if (row.stock_limit === null) return true;
  return Number(row.by_email) < config.HOLDS_PER_EMAIL && Number(row.by_ip) < config.HOLDS_PER_IP;
}

/** Notes the address a pledge came from (once; a repeat of the same form changes nothing). */
export async function recordPledgeOrigin(db: Db, pledgeId: string, ip: string, now: Date): Promise<void> {
  await db
    .insertInto("pledge_origins")
    .values({ pledge_id: pledgeId, client_ip: ip, created_at: now.toISOString() })
    .onConflict((oc) => oc.column("pledge_id").doNothing())
    .execute();
}
