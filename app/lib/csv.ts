// CSV for spreadsheets and accountants: RFC 4180 quoting, CRLF lines, and people's text neutralised
// against formulas. Our own numbers (amounts as exact decimals) go out as they are, in the dialect
// the reader's spreadsheet opens well: RFC 4180 in English; in French, what Excel set to French
// reads without an import dialog (`;` between fields, decimal commas, a UTF-8 byte-order mark).
import { toDecimalString } from "./money";

export interface CsvDialect {
  separator: "," | ";";
  /** Amounts written `12,50`. */
  decimalComma: boolean;
  /** A UTF-8 byte-order mark first: Excel otherwise reads the file as Windows-1252. */
  bom: boolean;
}

export const rfc4180: CsvDialect = { separator: ",", decimalComma: false, bom: false };
export const frenchExcel: CsvDialect = { separator: ";", decimalComma: true, bom: true };

/** The dialect of a reader's language. */
export function csvDialectFor(locale: string): CsvDialect {
  return locale === "fr" ? frenchExcel : rfc4180;
}

/** A cell we wrote ourselves (an amount, a count): never mistaken for a formula. */
export interface RawCell {
  raw: string;
  /** A decimal number: its point becomes a comma in a dialect that says so. */
  decimal?: true;
}

export type CsvCell = string | RawCell;

/** An amount as an exact decimal (`-12.50`, `1500` for JPY). */
export function amountCell(amount: number, currency: string): RawCell {
  return { raw: toDecimalString(amount, currency), decimal: true };
}

/**
 * A field, quoted when it holds a separator of either dialect, a quote or a line break; formulas
 * (`=`, `+`, `-`, `@`…) in people's text are neutralised.
 */
export function csvField(value: CsvCell, dialect: CsvDialect = rfc4180): string {
  if (typeof value !== "string")
    return value.decimal && dialect.decimalComma ? value.raw.replace(".", ",") : value.raw;
  const safe = /^[=+\-@\t\r]/.test(value) ? `'${value}` : value;
  return /[",\n\r;]/.test(safe) ? `"${safe.replace(/"/g, '""')}"` : safe;
}

/** One record, with its CRLF. */
export function csvLine(row: CsvCell[], dialect: CsvDialect = rfc4180): string {
  return row.map((cell) => csvField(cell, dialect)).join(dialect.separator) + "\r\n";
}

/** What a document begins with: the byte-order mark, where the dialect has one. */
export const csvStart = (dialect: CsvDialect): string => (dialect.bom ? "\uFEFF" : "");

export function csvDocument(header: string[], rows: CsvCell[][], dialect: CsvDialect = rfc4180): string {
  return csvStart(dialect) + [header, ...rows].map((row) => csvLine(row, dialect)).join("");
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
