// Live progress for open campaign pages. A commit that changes a campaign's numbers tells the hub of
// its process at once (campaignProgressChanged, after the commit); on PostgreSQL, a trigger's NOTIFY
// tells the hubs of every other instance. The hub then reads that campaign once for a burst of
// commits and writes the same bytes to every page watching it. A poll of every watched campaign stays
// as the fallback: each second without LISTEN (SQLite, where another process may write; PostgreSQL
// while the LISTEN connection is down), every few seconds with it.
import type { Listen, Listening } from "#db/listen.ts";
import { percentOf } from "~/lib/money";
import type { Db } from "~/lib/db.server";
import { onCampaignProgressChanged } from "~/lib/progress-changes.server";

export interface LiveProgress {
  raised: number;
  goal: number;
  currency: string;
  percent: number;
  backers: number;
  status: string;
}

/**
 * Called with each change and its Server-Sent Event, encoded once for every listener (never to be
 * modified); with null once when the hub closes (the server is stopping).
 */
type Listener = (progress: LiveProgress | null, frame: Uint8Array) => void;

export interface ProgressHub {
  /** Calls `listener` with each change of the campaign's progress; returns the unsubscribe. */
  subscribe(campaignId: string, listener: Listener): () => void;
  /** One poll now (the timer calls it every interval); returns how many campaigns were read. */
  poll(): Promise<number>;
  listenerCount(): number;
  /** True while notifications from other instances arrive (PostgreSQL LISTEN in place). */
  listening(): boolean;
  close(): void;
}

/** The PostgreSQL channel the campaigns trigger notifies (migration 2026_12_03_1200). */
export const PROGRESS_CHANNEL = "campaign_progress";

export interface ProgressHubOptions {
  /** The poll's interval when nothing else tells the hub of changes made elsewhere. */
  intervalMs?: number;
  /** The poll's interval while LISTEN works: only a safety net then. */
  listeningIntervalMs?: number;
  /** How long a first change waits for others to share its read. */
  coalesceMs?: number;
  /** The least time between two reads for changes: a stream of commits makes a few events a second. */
  minGapMs?: number;
  /** PostgreSQL's LISTEN (the database handle's `listen`), for commits made by other instances. */
  listen?: Listen;
}

const encoder = new TextEncoder();

/** The Server-Sent Event for a campaign's progress, as the stream writes it. */
export function progressFrame(progress: LiveProgress): Uint8Array {
  return encoder.encode(`event: progress\ndata: ${JSON.stringify(progress)}\n\n`);
}

export async function readProgress(db: Db, campaignIds: string[]): Promise<Map<string, LiveProgress>> {
  const rows = campaignIds.length
    ? await db
        .selectFrom("campaigns")
        .select(["id", "pledged_amount", "goal_amount", "currency", "backer_count", "status"])
        .where("id", "in", campaignIds)
        .execute()
    : [];
  return new Map(
    rows.map((row) => [
      row.id,
      {
        raised: row.pledged_amount,
        goal: row.goal_amount,
        currency: row.currency,
        percent: percentOf(row.pledged_amount, row.goal_amount),
        backers: row.backer_count,
        status: row.status,
      },
    ]),
  );
}

// Listeners written to per turn of the event loop: 10 000 pages must not hold up other requests.
const FAN_OUT_SLICE = 1_000;
const nextTurn = () => new Promise<void>((resolve) => setImmediate(resolve));

export function createProgressHub(
  db: Db,
  {
    intervalMs = 1000,
    listeningIntervalMs = 5000,
    coalesceMs = 5,
    minGapMs = 100,
    listen,
  }: ProgressHubOptions = {},
): ProgressHub {
  const listeners = new Map<string, Set<Listener>>();
  const last = new Map<string, string>();
  let total = 0;
  let closed = false;

  // Reads run one after the other, so that an older read never sends its numbers after a newer one.
  let queue: Promise<unknown> = Promise.resolve();
  function serially<T>(work: () => Promise<T>): Promise<T> {
    const run = queue.then(work);
    queue = run.catch(() => undefined);
    return run;
  }

  async function refresh(ids: string[]): Promise<void> {
    const progress = await readProgress(db, ids);
    for (const [id, value] of progress) {
      const snapshot = JSON.stringify(value);
      if (last.get(id) === snapshot) continue;
      last.set(id, snapshot);
      const frame = encoder.encode(`event: progress\ndata: ${snapshot}\n\n`);
      const targets = [...(listeners.get(id) ?? [])];
      for (let i = 0; i < targets.length; i++) {
        if (i > 0 && i % FAN_OUT_SLICE === 0) await nextTurn();
        try {
          targets[i]!(value, frame);
        } catch (error) {
          console.error("A live-progress listener failed:", error);
        }
      }
    }
  }

  // Polls fail every second while the database is unreachable: one line when it starts failing,
  // one when it works again, and the pages keep their last numbers meanwhile.
  let failing = false;
  const worked = () => {
    if (failing) console.warn("Live progress reads work again");
    failing = false;
  };
  const failed = (error: unknown) => {
    if (!failing) console.warn(`Live progress read failed: ${String(error)}`);
    failing = true;
  };

  // Changes told by a commit (here or, by NOTIFY, elsewhere): read once for the burst.
  const dirty = new Set<string>();
  let flushTimer: ReturnType<typeof setTimeout> | undefined;
  let lastRead = -Infinity;
  function changed(campaignId: string) {
    if (closed || !listeners.has(campaignId)) return;
    dirty.add(campaignId);
    if (flushTimer) return;
    const delay = Math.max(coalesceMs, lastRead + minGapMs - performance.now());
    flushTimer = setTimeout(() => {
      serially(async () => {
        flushTimer = undefined; // changes from now on need a read of their own
        const ids = [...dirty].filter((id) => listeners.has(id));
        dirty.clear();
        if (!ids.length) return;
        lastRead = performance.now();
        await refresh(ids);
      }).then(worked, failed);
    }, delay);
  }

  let polling = false;
  async function poll(): Promise<number> {
    if (polling) return 0; // a slow poll is never stacked with the next one
    polling = true;
    try {
      return await serially(async () => {
        const ids = [...listeners.keys()];
        dirty.clear(); // this read sees every change committed before it
        await refresh(ids);
        return ids.length;
      });
    } finally {
      polling = false;
    }
  }

  let pollTimer: ReturnType<typeof setTimeout> | undefined;
  function schedulePoll() {
    if (pollTimer) clearTimeout(pollTimer);
    pollTimer = undefined;
    if (closed || listeners.size === 0) return;
    pollTimer = setTimeout(
      () => {
        pollTimer = undefined;
        poll()
          .then(worked, failed)
          .finally(() => pollTimer ?? schedulePoll());
      },
      subscription?.listening() ? listeningIntervalMs : intervalMs,
    );
  }

  let stopSignal: (() => void) | undefined;
  let subscription: Listening | undefined;
  let listenedBefore = false;
  function start() {
    stopSignal ??= onCampaignProgressChanged(changed);
    // Opened with the first page and kept until the hub closes: pages come and go all the time.
    subscription ??= listen?.(PROGRESS_CHANNEL, {
      onNotify: changed,
      onState(listening) {
        // Back after a loss: what was committed meanwhile is read now. Either way the poll's pace changes.
        if (listening && listenedBefore) for (const id of listeners.keys()) changed(id);
        listenedBefore ||= listening;
        schedulePoll();
      },
    });
    if (!pollTimer) schedulePoll();
  }

  return {
    subscribe(campaignId, listener) {
      const set = listeners.get(campaignId) ?? new Set();
      if (!set.has(listener)) total++;
      set.add(listener);
      listeners.set(campaignId, set);
      if (!closed) start();
      let subscribed = true;
      return () => {
        if (!subscribed || closed) return;
        subscribed = false;
        if (set.delete(listener)) total--;
        if (set.size === 0 && listeners.get(campaignId) === set) {
          listeners.delete(campaignId);
          last.delete(campaignId);
        }
        if (listeners.size === 0) {
          if (pollTimer) clearTimeout(pollTimer);
          pollTimer = undefined;
          stopSignal?.();
          stopSignal = undefined;
        }
      };
    },
    poll,
    listenerCount: () => total,
    listening: () => subscription?.listening() ?? false,
    close() {
      closed = true;
      if (pollTimer) clearTimeout(pollTimer);
      if (flushTimer) clearTimeout(flushTimer);
      pollTimer = flushTimer = undefined;
      stopSignal?.();
      stopSignal = undefined;
      void subscription?.close();
      subscription = undefined;
      const empty = new Uint8Array();
      for (const set of listeners.values()) for (const listener of set) listener(null, empty);
      listeners.clear();
      last.clear();
      total = 0;
    },
  };
}
