// The language switch: a plain form post that remembers the choice in a cookie for a year.
import { redirect, type ActionFunctionArgs } from "@remix-run/node";
import { z } from "zod";
import { isLocale, localeCookieName } from "~/i18n/negotiate.server";
import { safeRedirectPath } from "~/lib/request.server";

const schema = z.object({ locale: z.string().refine(isLocale), redirectTo: z.string().optional() });

export async function action({ request }: ActionFunctionArgs) {
  const parsed = schema.safeParse(Object.fromEntries(await request.formData()));
  if (!parsed.success) {
    return new Response("Unknown language", { status: 400 });
  }
  return redirect(safeRedirectPath(parsed.data.redirectTo), {
    headers: {
      "Set-Cookie": `${localeCookieName}=${parsed.data.locale}; Path=/; Max-Age=31536000; SameSite=Lax`,
    },
  });
}

export function loader() {
  return redirect("/");
}
