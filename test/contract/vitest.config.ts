// The contract test's own vitest config (run by `npm run test:stripe`, never by `npm test`): the
// same aliases and setup as the main config, one file at a time, with time for Stripe to answer.
import { fileURLToPath } from "node:url";
import { defineConfig } from "vitest/config";

const root = fileURLToPath(new URL("../..", import.meta.url));

export default defineConfig({
  root,
  resolve: { alias: { "~": `${root}app`, "#db": `${root}db` } },
  test: {
    include: ["test/contract/**/*.test.ts"],
    setupFiles: ["test/support/setup.ts"],
    fileParallelism: false,
    testTimeout: 60_000,
    hookTimeout: 60_000,
  },
});
