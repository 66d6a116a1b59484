/// <reference types="vitest/config" />
import { fileURLToPath } from "node:url";
import { vitePlugin as remix } from "@remix-run/dev";
import { defineConfig, type Plugin } from "vite";
import remixConfig from "./remix.config.js";

declare module "@remix-run/node" {
  interface Future {
    v3_singleFetch: true;
  }
}

const root = fileURLToPath(new URL(".", import.meta.url));
const withPostgres = Boolean(process.env.TEST_DATABASE_URL);

/**
 * The browser receives its messages already parsed (app/i18n/catalogue.server.ts), so the ICU parser
 * (about 30 kB) stays on the server: in the browser's bundle, formatjs's own parser-less build.
 */
const icuParserOnTheServer: Plugin = {
  name: "icu-parser-on-the-server",
  enforce: "pre",
  resolveId(source, importer, options) {
    if (source !== "@formatjs/icu-messageformat-parser" || options.ssr) return null;
    return this.resolve("@formatjs/icu-messageformat-parser/lib/no-parser.js", importer, {
      ...options,
      skipSelf: true,
    });
  },
};

export default defineConfig({
  resolve: {
    alias: { "~": `${root}app`, "#db": `${root}db` },
  },
  plugins: process.env.VITEST ? [] : [icuParserOnTheServer, remix(remixConfig)],
  server: { port: 3000 },
  test: {
    // Kysely's Migrator imports our .ts migrations at run time (STACK.md, trap 4).
    server: { deps: { inline: ["kysely"] } },
    setupFiles: ["test/support/setup.ts"],
    reporters: ["default", "./test/support/summary-reporter.ts"],
    testTimeout: 20_000,
    hookTimeout: 120_000,
    projects: [
      { extends: true, test: { name: "unit", include: ["test/unit/**/*.test.{ts,tsx}"] } },
      {
        extends: true,
        test: {
          name: "sqlite",
          include: ["test/integration/**/*.test.ts"],
          globalSetup: ["test/support/template-database.ts"],
          env: { TEST_ENGINE: "sqlite" },
        },
      },
      ...(withPostgres
        ? [
            {
              extends: true as const,
              test: {
                name: "postgres",
                include: ["test/integration/**/*.test.ts"],
                globalSetup: ["test/support/template-database.ts"],
                env: { TEST_ENGINE: "postgres" },
              },
            },
          ]
        : []),
      {
        extends: true,
        test: {
          name: "e2e",
          include: ["test/e2e/**/*.test.ts"],
          // One browser and one production server at a time on a 2-core machine.
          fileParallelism: false,
          testTimeout: 60_000,
        },
      },
    ],
  },
});
