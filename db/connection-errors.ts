// Which errors mean "the database cannot be reached right now" (a restart, a failover, a cut
// connection) rather than "this query is wrong": the first kind is answered with a 503 and retried
// later by the jobs; the second is a bug or a conflict and stays what it is.

/** Thrown when no connection to the database could be opened; `cause` is what the driver said. */
export class DatabaseUnavailableError extends Error {
  constructor(cause: unknown) {
    super(`Database unavailable: ${cause instanceof Error ? cause.message : String(cause)}`, { cause });
    this.name = "DatabaseUnavailableError";
  }
}

// PostgreSQL's SQLSTATEs for a server going away or refusing connections: admin_shutdown,
// crash_shutdown, cannot_connect_now (starting up, shutting down, in recovery), too_many_connections;
// class 08 is every connection exception.
const postgresCodes = new Set(["57P01", "57P02", "57P03", "53300"]);
// Node's socket errors on the way to the database.
const socketCodes = new Set([
  "ECONNREFUSED",
  "ECONNRESET",
  "EPIPE",
  "ETIMEDOUT",
  "EHOSTUNREACH",
  "ENETUNREACH",
  "EAI_AGAIN",
]);
// What pg says when the socket closes under a client, or when a client that lost it is used again.
const driverMessages = [
  /^Connection terminated( unexpectedly)?$/,
  /^Client has encountered a connection error and is not queryable$/,
  /^timeout exceeded when trying to connect$/,
  /^Connection terminated due to connection timeout$/,
];

/**
 * True when `error` (or one of its causes) says the database is unreachable. SQLite's SQLITE_BUSY is
 * not one: it is a lock held too long, reported as it is.
 */
export function isConnectionError(error: unknown): boolean {
  for (let e = error, depth = 0; e && typeof e === "object" && depth < 5; depth++) {
    if (e instanceof DatabaseUnavailableError) return true;
    const { code, message } = e as { code?: unknown; message?: unknown };
    if (typeof code === "string") {
      if (postgresCodes.has(code) || socketCodes.has(code) || /^08[0-9A-Z]{3}$/.test(code)) return true;
    }
    if (typeof message === "string" && driverMessages.some((pattern) => pattern.test(message))) return true;
    e = (e as { cause?: unknown }).cause;
  }
  return false;
}
