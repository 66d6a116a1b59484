// Live progress for open campaign pages: one database poll per second per process, whatever the
// number of listeners, fanned out to every page watching a campaign. Because it reads the database,
// it sees pledges made through any app instance.
import { percentOf } from "~/lib/money";
import type { Db } from "~/lib/db.server";

export interface LiveProgress {
  raised: number;
  goal: number;
  currency: string;
  percent: number;
  backers: number;
  status: string;
}

/** Called with each change; with null once when the hub closes (the server is stopping). */
type Listener = (progress: LiveProgress | null) => void;

export interface ProgressHub {
  /** Calls `listener` with each change of the campaign's progress; returns the unsubscribe. */
  subscribe(campaignId: string, listener: Listener): () => void;
  /** One poll now (the timer calls it every interval); returns how many campaigns were read. */
  poll(): Promise<number>;
  listenerCount(): number;
  close(): void;
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

export function createProgressHub(db: Db, { intervalMs = 1000 }: { intervalMs?: number } = {}): ProgressHub {
  const listeners = new Map<string, Set<Listener>>();
  const last = new Map<string, string>();
  let timer: ReturnType<typeof setInterval> | undefined;
  let polling = false;

  const count = () => [...listeners.values()].reduce((n, set) => n + set.size, 0);

  async function poll(): Promise<number> {
    if (polling) return 0; // a slow poll is never stacked with the next one
    polling = true;
    try {
      const ids = [...listeners.keys()];
      const progress = await readProgress(db, ids);
      for (const [id, value] of progress) {
        const snapshot = JSON.stringify(value);
        if (last.get(id) === snapshot) continue;
        last.set(id, snapshot);
        for (const listener of listeners.get(id) ?? []) listener(value);
      }
      return ids.length;
    } finally {
      polling = false;
    }
  }

  // Polls fail every second while the database is unreachable: one line when it starts failing,
  // one when it works again, and the pages keep their last numbers meanwhile.
  let failing = false;
  function tick() {
    poll().then(
      () => {
        if (failing) console.warn("Live progress polls work again");
        failing = false;
      },
      (error: unknown) => {
        if (!failing) console.warn(`Live progress poll failed: ${String(error)}`);
        failing = true;
      },
    );
  }

  return {
    subscribe(campaignId, listener) {
      const set = listeners.get(campaignId) ?? new Set();
      set.add(listener);
      listeners.set(campaignId, set);
      timer ??= setInterval(tick, intervalMs);
      return () => {
        set.delete(listener);
        if (set.size === 0) {
          listeners.delete(campaignId);
          last.delete(campaignId);
        }
        if (listeners.size === 0 && timer) {
          clearInterval(timer);
          timer = undefined;
        }
      };
    },
    poll,
    listenerCount: count,
    close() {
      if (timer) clearInterval(timer);
      timer = undefined;
      for (const set of listeners.values()) for (const listener of set) listener(null);
      listeners.clear();
      last.clear();
    },
  };
}
