import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterEach, expect, test } from "vitest";
import { ConfigError, loadConfig } from "~/lib/config.server";

const dirs: string[] = [];
function dataDir() {
  const dir = mkdtempSync(join(tmpdir(), "tdt-config-"));
  dirs.push(dir);
  return dir;
}
afterEach(() => {
  for (const dir of dirs.splice(0)) rmSync(dir, { recursive: true, force: true });
});

function problemsOf(env: Record<string, string>): string[] {
  try {
    loadConfig(env);
  } catch (error) {
    if (error instanceof ConfigError) return error.problems;
    throw error;
  }
  throw new Error("expected a ConfigError");
}

test("with nothing set, the embedded defaults run on port 3000 of this machine only, with a local SQLite file", () => {
  const config = loadConfig({ DATA_DIR: dataDir() });
  expect(config).toMatchObject({
    NODE_ENV: "development",
    PORT: 3000,
    HOST: "127.0.0.1",
    DATABASE_URL: "./data/tourdetable.sqlite",
    PUBLIC_URL: "http://localhost:3000",
    SEED_DEMO: true,
    isLocal: true,
  });
});

test("a local install generates its session secret once and keeps it", () => {
  const dir = dataDir();
  const first = loadConfig({ DATA_DIR: dir }).SESSION_SECRET;
  expect(first).toMatch(/^[0-9a-f]{64}$/);
  expect(readFileSync(join(dir, "session-secret"), "utf8").trim()).toBe(first);
  expect(loadConfig({ DATA_DIR: dir }).SESSION_SECRET).toBe(first);
});

test("a public deployment must set SESSION_SECRET", () => {
  const problems = problemsOf({ DATA_DIR: dataDir(), PUBLIC_URL: "https://tourdetable.example" });
  expect(problems).toEqual([expect.stringMatching(/^SESSION_SECRET: required when PUBLIC_URL/)]);
  const config = loadConfig({ PUBLIC_URL: "https://tourdetable.example/", SESSION_SECRET: "s".repeat(40) });
  expect(config.PUBLIC_URL).toBe("https://tourdetable.example");
  expect(config.isLocal).toBe(false);
});

test("each wrong variable is named with what it should be and what was given", () => {
  const problems = problemsOf({
    PORT: "eighty",
    DATABASE_URL: "mysql://root@localhost/db",
    PUBLIC_URL: "not a url",
    SESSION_SECRET: "short",
    SEED_DEMO: "maybe",
  });
  expect(problems).toHaveLength(5);
  expect(problems).toContainEqual(expect.stringMatching(/^PORT: expected a port number \(got "eighty"\)/));
  expect(problems).toContainEqual(expect.stringMatching(/^DATABASE_URL: expected a file path.*postgres/));
  expect(problems).toContainEqual(expect.stringMatching(/^PUBLIC_URL: expected an absolute URL/));
  expect(problems).toContainEqual(expect.stringMatching(/^SESSION_SECRET: expected at least 32 characters/));
  expect(problems).toContainEqual(expect.stringMatching(/^SEED_DEMO: expected true or false/));
});

test("ports out of range are refused; an empty value means unset", () => {
  expect(problemsOf({ PORT: "70000" })).toEqual([expect.stringMatching(/^PORT: expected a port between/)]);
  expect(problemsOf({ PORT: "3.5" })).toEqual([expect.stringMatching(/^PORT: expected a whole number/)]);
  expect(loadConfig({ PORT: "", DATA_DIR: dataDir() }).PORT).toBe(3000);
});

test("DATABASE_URL takes paths, file: URLs and postgres:// URLs", () => {
  for (const url of [
    "./data/x.sqlite",
    "/tmp/x.sqlite",
    "file:./x.sqlite",
    "postgres://u@h:5432/db",
    "postgresql://h/db",
  ]) {
    expect(loadConfig({ DATABASE_URL: url, DATA_DIR: dataDir() }).DATABASE_URL).toBe(url);
  }
});
