// Global setup of the integration projects: migrate one template database at the start of the run,
// so that each test file's fresh database is a copy of it (SQLite: the file copied; PostgreSQL:
// CREATE DATABASE … TEMPLATE), as the Epic Stack does, instead of running every migration again.
// The migrations run in a child process, as `npm run db:migrate` runs them.
import { execFileSync } from "node:child_process";
import { resolve } from "node:path";
import type { TestProject } from "vitest/node";
import { createEmptyDatabase, testEngine } from "./database";

declare module "vitest" {
  interface ProvidedContext {
    /** The migrated template's URL (a file path for SQLite), for this project's engine. */
    templateDatabase: string;
  }
}

const root = resolve(import.meta.dirname, "../..");

export default async function setup(project: TestProject) {
  const engine = testEngine(project.config.env.TEST_ENGINE);
  const template = await createEmptyDatabase(engine, "template");
  execFileSync(process.execPath, ["--import", "tsx", "app/cli.server.ts", "migrate"], {
    cwd: root,
    env: { PATH: process.env.PATH, HOME: process.env.HOME, DATABASE_URL: template.url, NODE_ENV: "test" },
    stdio: ["ignore", "ignore", "inherit"],
  });
  project.provide("templateDatabase", template.url);
  return () => template.remove();
}
