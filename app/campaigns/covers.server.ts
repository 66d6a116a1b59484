// Cover images: checked by their first bytes (not their name or declared type), at most 2 MB,
// stored under DATA_DIR/uploads with a random name, and served with the matching Content-Type.
import { randomUUID } from "node:crypto";
import { mkdir, readFile, writeFile } from "node:fs/promises";
import { join, resolve } from "node:path";
import { CampaignError } from "~/lib/errors";

export const MAX_COVER_BYTES = 2 * 1024 * 1024;

const kinds = [
  {
    ext: "png",
    type: "image/png",
    test: (b: Buffer) =>
      b.subarray(0, 8).equals(Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a])),
  },
  { ext: "jpg", type: "image/jpeg", test: (b: Buffer) => b[0] === 0xff && b[1] === 0xd8 && b[2] === 0xff },
  {
    ext: "webp",
    type: "image/webp",
    test: (b: Buffer) => b.toString("latin1", 0, 4) === "RIFF" && b.toString("latin1", 8, 12) === "WEBP",
  },
] as const;

export function imageKind(bytes: Buffer) {
  return kinds.find((kind) => kind.test(bytes)) ?? null;
}

export function uploadsDir(dataDir: string): string {
  return resolve(dataDir, "uploads");
}

/** Saves a cover and returns its public path (`/uploads/<name>`). */
export async function saveCover(dataDir: string, bytes: Buffer): Promise<string> {
  if (bytes.length === 0 || bytes.length > MAX_COVER_BYTES) throw new CampaignError("bad_cover", "Too large");
  const kind = imageKind(bytes);
  if (!kind) throw new CampaignError("bad_cover", "Not an image we accept");
  const name = `${randomUUID()}.${kind.ext}`;
  await mkdir(uploadsDir(dataDir), { recursive: true });
  await writeFile(join(uploadsDir(dataDir), name), bytes);
  return `/uploads/${name}`;
}

/** Reads an uploaded file by its exact generated name, or null (no path tricks possible). */
export async function readUpload(
  dataDir: string,
  name: string,
): Promise<{ bytes: Buffer; type: string } | null> {
  if (!/^[0-9a-f-]{36}\.(png|jpg|webp)$/.test(name)) return null;
  try {
    const bytes = await readFile(join(uploadsDir(dataDir), name));
    const kind = imageKind(bytes);
    return kind ? { bytes, type: kind.type } : null;
  } catch {
    return null;
  }
}
