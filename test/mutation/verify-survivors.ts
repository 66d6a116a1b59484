// Re-checks Stryker's survivors without Stryker: each mutant a report calls "Survived" is written
// into its source file by hand, the given test files run on SQLite (vitest, stopping at the first
// failure), and the file is put back. Stryker's vitest runner reports some mutants as survived that
// the suite kills (docs/mutation-testing.md); this says which ones really live.
//
//   npx tsx test/mutation/verify-survivors.ts node_modules/.cache/mutation/mutation.json \
//     test/integration/pledge-rules.test.ts test/integration/refunds.test.ts
//
// Mutants without coverage are checked too (a test written since may reach them). To check one file,
// or some of its lines, name it before the test files:
//
//   npx tsx test/mutation/verify-survivors.ts /tmp/mutation.json --only app/payouts/payouts.server.ts:20-80 \
//     test/integration/payout-rules.test.ts
//
// Prints one line per survivor (KILLED, TIMEOUT after 3 min, or ALIVE) and a summary; writes nothing else.
import { spawnSync } from "node:child_process";
import { readFileSync, writeFileSync } from "node:fs";
import { resolve } from "node:path";

interface Position {
  line: number;
  column: number;
}
interface Mutant {
  id: string;
  mutatorName: string;
  replacement?: string;
  status: string;
  location: { start: Position; end: Position };
}
interface Report {
  files: Record<string, { source: string; mutants: Mutant[] }>;
}

const root = resolve(import.meta.dirname, "../..");
const [reportPath, ...rest] = process.argv.slice(2);
const only = rest[0] === "--only" ? rest[1] : undefined;
const tests = only === undefined ? rest : rest.slice(2);
if (!reportPath || tests.length === 0) {
  console.error("usage: verify-survivors.ts <mutation.json> [--only <file>[:<from>-<to>]] <test file>…");
  process.exit(2);
}
const [onlyFile, onlyLines] = only?.split(":") ?? [];
const [fromLine, toLine] = onlyLines ? onlyLines.split("-").map(Number) : [1, Infinity];

/** Offset of a 1-based line and column in `source`. */
function offsetOf(source: string, { line, column }: Position): number {
  let offset = 0;
  for (let l = 1; l < line; l++) offset = source.indexOf("\n", offset) + 1;
  return offset + column - 1;
}

let restore: (() => void) | undefined;
process.on("SIGINT", () => {
  restore?.();
  process.exit(130);
});

const report = JSON.parse(readFileSync(reportPath, "utf8")) as Report;
let killed = 0;
let alive = 0;
for (const [file, { source, mutants }] of Object.entries(report.files)) {
  if (onlyFile !== undefined && file !== onlyFile) continue;
  const path = resolve(root, file);
  if (readFileSync(path, "utf8") !== source) {
    console.error(`${file} changed since the report: run Stryker on it again first`);
    process.exit(2);
  }
  const candidates = mutants.filter(
    (m) =>
      (m.status === "Survived" || m.status === "NoCoverage") &&
      m.location.start.line >= fromLine! &&
      m.location.start.line <= (toLine ?? fromLine!),
  );
  for (const mutant of candidates) {
    const start = offsetOf(source, mutant.location.start);
    const end = offsetOf(source, mutant.location.end);
    writeFileSync(path, source.slice(0, start) + (mutant.replacement ?? "") + source.slice(end));
    restore = () => writeFileSync(path, source);
    try {
      const run = spawnSync(
        process.execPath,
        [
          resolve(root, "node_modules/vitest/vitest.mjs"),
          "run",
          "--project",
          "sqlite",
          "--project",
          "unit",
          "--bail",
          "1",
          ...tests,
        ],
        // A mutant that loops forever (a guard removed before a retry) is a timeout, as in Stryker.
        {
          cwd: root,
          encoding: "utf8",
          env: { ...process.env, FORCE_COLOR: "0" },
          timeout: 180_000,
          killSignal: "SIGKILL",
        },
      );
      const verdict = run.error ? "TIMEOUT" : run.status === 0 ? "ALIVE" : "KILLED";
      if (verdict === "ALIVE") alive++;
      else killed++;
      const original = source.slice(start, end).split("\n")[0]!.slice(0, 70);
      console.log(
        `${verdict} ${file}:${mutant.location.start.line} ${mutant.mutatorName} ${JSON.stringify(original)} → ${JSON.stringify((mutant.replacement ?? "").slice(0, 50))}`,
      );
    } finally {
      restore();
      restore = undefined;
    }
  }
}
console.log(
  `\n${killed} of ${killed + alive} reported survivors killed (or timed out) by ${tests.join(", ")}; ${alive} alive`,
);
