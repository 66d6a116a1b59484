// The link from the sign-in email: used once, it opens a session and goes where the person was going.
import { redirect, type LoaderFunctionArgs } from "@remix-run/node";
import { signInHeaders } from "~/auth/session.server";
import { verifySignInLink } from "~/auth/sign-in.server";
import { safeRedirectPath } from "~/lib/request.server";

export async function loader({ request, context }: LoaderFunctionArgs) {
  const token = new URL(request.url).searchParams.get("token") ?? "";
  const result = token ? await verifySignInLink(context.db, token, context.clock()) : null;
  if (!result) return redirect("/sign-in?expired=1");
  return redirect(safeRedirectPath(result.redirectTo, "/account"), {
    headers: await signInHeaders(context, request, result.user.id),
  });
}
