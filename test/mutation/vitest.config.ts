// The test run StrykerJS repeats for each mutant: unit tests and the SQLite integration tests, in
// one plain project (no e2e, no PostgreSQL), so that a mutant costs seconds rather than minutes.
import { fileURLToPath } from "node:url";
import { defineConfig } from "vitest/config";

const root = fileURLToPath(new URL("../..", import.meta.url));

export default defineConfig({
  root,
  resolve: {
    alias: { "~": `${root}app`, "#db": `${root}db` },
  },
  test: {
    // Kysely's Migrator imports our .ts migrations at run time (STACK.md, trap 4).
    server: { deps: { inline: ["kysely"] } },
    setupFiles: ["test/support/setup.ts"],
    include: ["test/unit/**/*.test.{ts,tsx}", "test/integration/**/*.test.ts"],
    // Tests whose work happens in child processes: Stryker's active mutant lives in this worker, so a
    // child never runs the mutant, and these files only cost time (and, on a loaded machine, runs
    // that pass 30 s and are counted as timeouts, that is as killed, for nothing). They run in npm test.
    // third-language-emails mocks the catalogue module, which needs a module graph of its own (isolate
    // below shares one); it tests the choice of language, no money rule.
    exclude: [
      "test/integration/processes.test.ts",
      "test/integration/backup.test.ts",
      "test/integration/third-language-emails.test.ts",
    ],
    env: { TEST_ENGINE: "sqlite" },
    // One module graph for every file and every mutant run: the app is imported once per Stryker
    // worker instead of once per test file (≈ 4 s each). The suite passes so (692 tests in 43 s).
    isolate: false,
    testTimeout: 20_000,
    hookTimeout: 120_000,
  },
});
