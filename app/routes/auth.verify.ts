// The link from the sign-in email: used once, it opens a session and goes where the person was going.
import { redirect, type LoaderFunctionArgs } from "@remix-run/node";
import { signInHeaders } from "~/auth/session.server";
import { verifySignInLink } from "~/auth/sign-in.server";
import { safeRedirectPath } from "~/lib/request.server";

export async function loader({ request, context }: LoaderFunctionArgs) {
  // Only a page someone opens signs them in: an image, script or frame pointed here (a story's
  // picture that redirects to a stolen link, say) would sign the viewer into the link's account.
  const dest = request.headers.get("Sec-Fetch-Dest");
  if (dest && dest !== "document") throw new Response("Forbidden", { status: 403 });
  const token = new URL(request.url).searchParams.get("token") ?? "";
  const result = token ? await verifySignInLink(context.db, token, context.clock()) : null;
  if (!result) return redirect("/sign-in?expired=1");
  return redirect(safeRedirectPath(result.redirectTo, "/account"), {
    headers: await signInHeaders(context, request, result.user.id),
  });
}
