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
    env: { TEST_ENGINE: "sqlite" },
    testTimeout: 20_000,
    hookTimeout: 120_000,
  },
});
