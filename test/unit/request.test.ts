import { expect, test } from "vitest";
import { safeRedirectPath } from "~/lib/request.server";

test("only paths on this site are followed after the language switch", () => {
  expect(safeRedirectPath("/campaigns/la-machinerie?x=1")).toBe("/campaigns/la-machinerie?x=1");
  expect(safeRedirectPath("https://evil.example")).toBe("/");
  expect(safeRedirectPath("//evil.example")).toBe("/");
  expect(safeRedirectPath("/\\evil.example")).toBe("/");
  expect(safeRedirectPath(undefined)).toBe("/");
});
