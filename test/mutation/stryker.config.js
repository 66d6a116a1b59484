// StrykerJS over the money rules (npm run test:mutation): each mutant of app/pledges, app/payouts,
// app/ledger, app/checkout and the closing rule must make a unit or SQLite integration test fail. Report: docs/mutation-testing.md.
/** @type {import('@stryker-mutator/api/core').PartialStrykerOptions} */
export default {
  testRunner: "vitest",
  plugins: ["@stryker-mutator/vitest-runner"],
  vitest: { configFile: "test/mutation/vitest.config.ts", related: true },
  mutate: [
    "app/pledges/**/*.ts",
    "app/payouts/**/*.ts",
    "app/ledger/**/*.ts",
    "app/checkout/**/*.ts",
    "app/campaigns/closing.server.ts",
  ],
  coverageAnalysis: "perTest",
  // Two cores, shared: one or two sandboxes at a time.
  concurrency: Number(process.env.STRYKER_CONCURRENCY ?? 2),
  timeoutMS: 30_000,
  // Not under node_modules: vitest excludes every test file there.
  tempDirName: ".stryker-tmp",
  cleanTempDir: true,
  ignorePatterns: ["build", "data", "coverage", "test-results", "reports", "*.sqlite*"],
  reporters: ["clear-text", "progress", "html", "json"],
  // With --incremental, only mutants whose code or tests changed run again.
  incrementalFile: "node_modules/.cache/mutation/incremental.json",
  htmlReporter: { fileName: "node_modules/.cache/mutation/mutation.html" },
  jsonReporter: { fileName: "node_modules/.cache/mutation/mutation.json" },
  thresholds: { high: 90, low: 80, break: null },
};
