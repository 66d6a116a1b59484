// CSV for spreadsheets and accountants: RFC 4180 quoting, CRLF lines, and people's text neutralised
// against formulas. Our own numbers (amounts as exact decimals) go out as they are.
import { toDecimalString } from "./money";

/** A cell we wrote ourselves (an amount, a count): never mistaken for a formula. */
export interface RawCell {
  raw: string;
}

export type CsvCell = string | RawCell;

/** An amount as an exact decimal (`-12.50`, `1500` for JPY). */
export function amountCell(amount: number, currency: string): RawCell {
  return { raw: toDecimalString(amount, currency) };
}

/** A field, quoted when it must be; formulas (`=`, `+`, `-`, `@`…) in people's text are neutralised. */
export function csvField(value: CsvCell): string {
  if (typeof value !== "string") return value.raw;
  const safe = /^[=+\-@\t\r]/.test(value) ? `'${value}` : value;
  return /[",\n\r;]/.test(safe) ? `"${safe.replace(/"/g, '""')}"` : safe;
}

/** One record, with its CRLF. */
export function csvLine(row: CsvCell[]): string {
  return row.map(csvField).join(",") + "\r\n";
}

export function csvDocument(header: string[], rows: CsvCell[][]): string {
  return [header, ...rows].map(csvLine).join("");
}

/** A CSV sent as it is made: each chunk `chunks` yields, UTF-8, read only as fast as the client takes it. */
export function csvStream(chunks: AsyncGenerator<string>): ReadableStream<Uint8Array> {
  const encoder = new TextEncoder();
  return new ReadableStream({
    async pull(controller) {
      const next = await chunks.next();
      if (next.done) controller.close();
      else controller.enqueue(encoder.encode(next.value));
    },
    async cancel() {
      await chunks.return(undefined);
    },
  });
}
