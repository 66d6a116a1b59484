// Runs before every test file: an unexpected console.error fails the test that caused it,
// so that React warnings and swallowed errors cannot pass unnoticed.
import { format } from "node:util";
import { afterEach, beforeEach, vi } from "vitest";

beforeEach(() => {
  vi.spyOn(console, "error").mockImplementation((...args: unknown[]) => {
    throw new Error(`console.error was called: ${format(...args)}`);
  });
});

afterEach(() => {
  vi.restoreAllMocks();
});
