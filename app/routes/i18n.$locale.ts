// The reader's page messages, parsed, for the browser (entry.client.tsx): one language, fetched once
// per version and then kept, since a new version has a new address. Emails' words are not in it.
import type { LoaderFunctionArgs } from "@remix-run/node";
import { catalogueVersion, compiledCatalogue } from "~/i18n/catalogue.server";
import { isLocale } from "~/i18n/negotiate.server";
import { notFound } from "~/lib/request.server";

export function loader({ params, request }: Pick<LoaderFunctionArgs, "params" | "request">) {
  const locale = params.locale;
  if (!isLocale(locale)) throw notFound();
  const current = new URL(request.url).searchParams.get("v") === catalogueVersion(locale);
  return Response.json(compiledCatalogue(locale), {
    headers: { "Cache-Control": current ? "public, max-age=31536000, immutable" : "no-cache" },
  });
}
