// Uploaded cover images, served with the type their bytes say, never sniffed, cached for a long time
// (each name is new and never reused).
import type { LoaderFunctionArgs } from "@remix-run/node";
import { readUpload } from "~/campaigns/covers.server";
import { notFound } from "~/lib/request.server";

export async function loader({ params, context }: LoaderFunctionArgs) {
  const file = await readUpload(context.config.DATA_DIR, params.file ?? "");
  if (!file) throw notFound();
  return new Response(new Uint8Array(file.bytes), {
    headers: {
      "Content-Type": file.type,
      "Content-Length": String(file.bytes.length),
      "X-Content-Type-Options": "nosniff",
      "Content-Security-Policy": "default-src 'none'",
      "Cache-Control": "public, max-age=31536000, immutable",
    },
  });
}
