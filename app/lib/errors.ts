// One typed error for expected failures: a code people's pages can translate, the HTTP status it
// maps to, and the form field it concerns, if any.

export class AppError extends Error {
  constructor(
    public readonly code: string,
    message: string,
    public readonly status: number = 400,
    public readonly field?: string,
  ) {
    super(message);
    this.name = "AppError";
  }
}
