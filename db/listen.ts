// PostgreSQL LISTEN on a connection of its own (a pooled one would be handed to other queries, and a
// notification only reaches the session that listens): reconnects by itself after a lost connection,
// and says when it is listening and when not, so that its user can fall back on something else.
import pg from "pg";

export interface ListenHandlers {
  /** A notification's payload, delivered when the transaction that sent it committed. */
  onNotify: (payload: string) => void;
  /** True once LISTEN is in place (again); false when the connection is lost. */
  onState?: (listening: boolean) => void;
}

export interface Listening {
  listening(): boolean;
  close(): Promise<void>;
}

export type Listen = (channel: string, handlers: ListenHandlers) => Listening;

export interface ListenOptions {
  /** The first wait before reconnecting; it doubles on each failure up to `maxRetryMs`. */
  retryMs?: number;
  maxRetryMs?: number;
  /** Shown in pg_stat_activity.application_name, so an operator can tell this connection apart. */
  applicationName?: string;
}

export function listenPostgres(
  url: string,
  channel: string,
  handlers: ListenHandlers,
  {
    retryMs = 500,
    maxRetryMs = 15_000,
    applicationName = `tour-de-table listen ${channel}`,
  }: ListenOptions = {},
): Listening {
  let client: pg.Client | undefined;
  let listening = false;
  let closed = false;
  let wait = retryMs;
  let retryTimer: ReturnType<typeof setTimeout> | undefined;
  // One line when it stops working, one when it works again: not one per retry.
  let reported = false;

  const setListening = (value: boolean) => {
    if (listening === value) return;
    listening = value;
    handlers.onState?.(value);
  };

  const lost = (current: pg.Client, reason: string) => {
    if (client !== current) return; // an older connection's late news
    client = undefined;
    setListening(false);
    current.removeAllListeners("notification");
    // Its errors may still come (a socket error after 'end'): they must never be unhandled.
    current.end().catch(() => undefined);
    if (closed) return;
    if (!reported)
      console.warn(`PostgreSQL LISTEN ${channel} lost (${reason}); polling meanwhile, reconnecting`);
    reported = true;
    retryTimer = setTimeout(connect, wait);
    wait = Math.min(wait * 2, maxRetryMs);
  };

  async function connect(): Promise<void> {
    retryTimer = undefined;
    if (closed) return;
    const current = new pg.Client({
      connectionString: url,
      keepAlive: true,
      application_name: applicationName,
    });
    client = current;
    current.on("error", (error) => lost(current, error.message));
    current.on("end", () => lost(current, "connection closed"));
    current.on("notification", (message) => {
      if (message.channel === channel) handlers.onNotify(message.payload ?? "");
    });
    try {
      await current.connect();
      await current.query(`LISTEN ${current.escapeIdentifier(channel)}`);
    } catch (error) {
      lost(current, error instanceof Error ? error.message : String(error));
      return;
    }
    if (client !== current || closed) return;
    if (reported) console.warn(`PostgreSQL LISTEN ${channel} works again`);
    reported = false;
    wait = retryMs;
    setListening(true);
  }

  void connect();
  return {
    listening: () => listening,
    async close() {
      closed = true;
      if (retryTimer) clearTimeout(retryTimer);
      const current = client;
      client = undefined;
      listening = false;
      await current?.end().catch(() => undefined);
    },
  };
}
