// Calls a route's real loader or action the way Remix does, and reads back what it answered:
// a status, the data it returned, or where it redirected.
import type { ActionFunctionArgs, AppLoadContext } from "@remix-run/node";
import { isRefusal } from "~/lib/errors";
import { appErrorResponse } from "~/lib/outage.server";

export interface RouteAnswer<T = unknown> {
  status: number;
  data: T | null;
  location: string | null;
}

type Handler = (args: ActionFunctionArgs) => unknown;

export async function callRoute<T = unknown>(
  handler: Handler,
  {
    url,
    params = {},
    context,
    form,
    body,
    headers = {},
  }: {
    url: string;
    params?: Record<string, string>;
    context: AppLoadContext;
    form?: Record<string, string>;
    /** A body built by hand (repeated fields, multipart), sent as a POST instead of `form`. */
    body?: URLSearchParams | FormData;
    headers?: Record<string, string>;
  },
): Promise<RouteAnswer<T>> {
  const request = new Request(url, {
    method: form || body ? "POST" : "GET",
    headers,
    body: body ?? (form ? new URLSearchParams(form) : undefined),
  });
  let result: unknown;
  try {
    result = await handler({ request, params, context });
  } catch (thrown) {
    if (thrown instanceof Response) result = thrown;
    // A refusal no route caught answers its status, as the server's wrapper makes it (outage.server.ts).
    else if (isRefusal(thrown)) result = appErrorResponse(thrown, request, true);
    else throw thrown;
  }
  if (result instanceof Response) {
    // Only the status and the redirect are read; a stream (live progress) must not stay open.
    await result.body?.cancel();
    return { status: result.status, data: null, location: result.headers.get("Location") };
  }
  if (result && typeof result === "object" && (result as { type?: string }).type === "DataWithResponseInit") {
    const { data, init } = result as { data: T; init: { status?: number } | null };
    return { status: init?.status ?? 200, data, location: null };
  }
  return { status: 200, data: result as T, location: null };
}
