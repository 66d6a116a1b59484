// The request log: one JSON line per request on standard output (pino), which any log collector
// reads as it is. Start-up and shutdown lines stay plain text for a person watching the console.
import { pino, type Logger } from "pino";

export function createRequestLogger(): Logger {
  return pino({
    base: { pid: process.pid },
    timestamp: pino.stdTimeFunctions.isoTime,
  });
}
