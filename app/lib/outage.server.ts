// The one place where an error nobody caught becomes an answer: every loader and action of the build
// is wrapped so that a connection error turns into a 503 with Retry-After, and an AppError into its own
// status (a 404 stays a 404, a refusal a 4xx or a 503, never a 500), rendered by the root ErrorBoundary in the
// visitor's language (pages) or as a short text (resource routes).
import type { ServerBuild } from "@remix-run/node";
import { isConnectionError } from "#db/connection-errors.ts";
import { pageLanguage, translate } from "~/i18n/catalogue.server";
import { isRefusal, type AppError } from "./errors";
import { errorKind, type AppErrorData, type OutageData } from "./outage";
import { requestLocale } from "./request.server";

/** Seconds a client is asked to wait: a restart or a failover usually takes a few. */
export const retryAfterSeconds = 5;

/** The 503 thrown in place of a connection error: JSON for a page's boundary, text for a resource route. */
export function outageResponse(request: Request, forPage: boolean): Response {
  const locale = requestLocale(request);
  const headers = { "Retry-After": String(retryAfterSeconds), "Cache-Control": "no-store" };
  if (forPage) {
    return Response.json({ outage: true, locale, i18n: pageLanguage(locale) } satisfies OutageData, {
      status: 503,
      headers,
    });
  }
  return new Response(
    `${translate(locale, "error.unavailable.title")}\n${translate(locale, "error.unavailable.body")}\n`,
    {
      status: 503,
      headers: { ...headers, "Content-Type": "text/plain; charset=utf-8" },
    },
  );
}

/** An AppError no route caught, as the answer its status says: JSON for a page's boundary, text otherwise. */
export function appErrorResponse(error: AppError, request: Request, forPage: boolean): Response {
  const headers = { "Cache-Control": "no-store" };
  if (forPage) {
    return Response.json(
      { appError: { code: error.code, message: error.messageKey } } satisfies AppErrorData,
      {
        status: error.status,
        headers,
      },
    );
  }
  const title = translate(requestLocale(request), `error.${errorKind(error.status)}.title`);
  return new Response(`${title}\n`, {
    status: error.status,
    headers: { ...headers, "Content-Type": "text/plain; charset=utf-8" },
  });
}

function guarded<A extends { request: Request }, R>(
  run: (args: A) => R,
  forPage: boolean,
  warn: (error: unknown) => void,
): (args: A) => Promise<R> {
  return async (args) => {
    try {
      return (await run(args)) as R;
    } catch (error) {
      // A refusal keeps its status; any other AppError is a fault, logged by Remix as any other.
      if (isRefusal(error)) throw appErrorResponse(error, args.request, forPage);
      if (!isConnectionError(error)) throw error;
      warn(error);
      throw outageResponse(args.request, forPage);
    }
  };
}

/**
 * The same build, each route's loader and action guarded. One warning per burst of failures: during
 * an outage every request fails alike, and a line each would drown the log.
 */
export function withOutageAnswers(
  build: ServerBuild,
  log: (line: string) => void = console.warn,
): ServerBuild {
  let lastWarning = -Infinity;
  const warn = (error: unknown) => {
    const now = performance.now();
    if (now - lastWarning >= 10_000) {
      log(`database unreachable, answering 503: ${error instanceof Error ? error.message : String(error)}`);
    }
    lastWarning = now;
  };
  const routes = Object.fromEntries(
    Object.entries(build.routes).map(([id, route]) => {
      if (!route) return [id, route];
      const forPage = route.module.default !== undefined;
      const { loader, action } = route.module;
      const module = {
        ...route.module,
        ...(loader ? { loader: guarded(loader, forPage, warn) } : {}),
        ...(action ? { action: guarded(action, forPage, warn) } : {}),
      };
      return [id, { ...route, module }];
    }),
  );
  return { ...build, routes };
}
