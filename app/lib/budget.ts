// Budget lines' coverage (docs/decisions/041): the money raised pays the owner's lines in their order,
// each in full before the next; the one it reaches last is partly covered. No server import: the
// campaign page computes it again from the live total, as the progress bar does.

export type CoverageState = "covered" | "partial" | "none";

export interface BudgetLineCoverage<T> {
  line: T;
  /** What of the line the raised total pays, 0 to its amount. */
  covered: number;
  state: CoverageState;
}

export function budgetCoverage<T extends { amount: number }>(
  lines: readonly T[],
  raised: number,
): BudgetLineCoverage<T>[] {
  let left = Math.max(0, Math.trunc(raised));
  return lines.map((line) => {
    const covered = Math.min(left, line.amount);
    left -= covered;
    const state: CoverageState = covered >= line.amount ? "covered" : covered > 0 ? "partial" : "none";
    return { line, covered, state };
  });
}

/** The lines' total: what the budget asks for, whatever the goal says. */
export const budgetTotal = (lines: readonly { amount: number }[]): number =>
  lines.reduce((sum, line) => sum + line.amount, 0);
