// Cover images through the real manage action and uploads route: checked by their bytes, size
// limited, served with the right headers; the Markdown preview shows sanitized HTML, saving nothing.
import { mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { expect, test } from "vitest";
import { createDraft } from "~/campaigns/authoring.server";
import { loadConfig } from "~/lib/config.server";
import { action } from "~/routes/manage.campaigns.$id";
import { loader as uploads } from "~/routes/uploads.$file";
import { testContext } from "../support/context";
import { callRoute } from "../support/routes";
import { signedInAs } from "../support/users";
import { useTestDatabase } from "../support/database";

const database = useTestDatabase();
const png = Buffer.concat([
  Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]),
  Buffer.alloc(64, 1),
]);

async function setUp() {
  const dataDir = mkdtempSync(join(tmpdir(), "tdt-covers-"));
  const context = testContext(database(), {
    config: loadConfig({
      DATA_DIR: dataDir,
      SESSION_SECRET: "covers-secret-".padEnd(40, "x"),
      PUBLIC_URL: "http://localhost:3000",
    }),
  });
  const owner = await signedInAs(context, `covers-${Date.now()}@example.org`);
  const id = await createDraft(
    context.db,
    owner.id,
    {
      title: "Un atelier vélo",
      slug: `velo-${Date.now()}`,
      tagline: "Réparer ensemble",
      story: "Des outils et des bénévoles pour réparer son vélo soi-même.",
      goal: "2000",
      goalAmount: 200_000,
      currency: "EUR",
      fundingModel: "all_or_nothing",
      durationDays: 30,
      timeZone: "Europe/Paris",
      endDate: "",
    },
    new Date(),
  );
  return { context, owner, id };
}

async function upload(setup: Awaited<ReturnType<typeof setUp>>, bytes: Buffer, name: string) {
  const form = new FormData();
  form.set("csrf", setup.owner.csrf);
  form.set("cover", new Blob([new Uint8Array(bytes)], { type: "image/png" }), name);
  const request = new Request(`http://localhost/manage/campaigns/${setup.id}`, {
    method: "POST",
    body: form,
    headers: { Cookie: setup.owner.cookie },
  });
  try {
    const result = (await action({ request, params: { id: setup.id }, context: setup.context })) as
      Response | { init: { status: number } };
    return result instanceof Response ? result.status : result.init.status;
  } catch (thrown) {
    if (thrown instanceof Response) return thrown.status;
    throw thrown;
  }
}

test("a PNG cover is stored and served as image/png, never sniffed", async () => {
  const setup = await setUp();
  expect(await upload(setup, png, "cover.png")).toBe(302);
  const row = await setup.context.db
    .selectFrom("campaigns")
    .select("cover_image")
    .where("id", "=", setup.id)
    .executeTakeFirstOrThrow();
  expect(row.cover_image).toMatch(/^\/uploads\/[0-9a-f-]{36}\.png$/);
  const file = row.cover_image!.split("/").pop()!;
  const response = (await uploads({
    request: new Request(`http://localhost${row.cover_image}`),
    params: { file },
    context: setup.context,
  })) as Response;
  expect(response.status).toBe(200);
  expect(response.headers.get("Content-Type")).toBe("image/png");
  expect(response.headers.get("X-Content-Type-Options")).toBe("nosniff");
  expect(Buffer.from(await response.arrayBuffer()).equals(png)).toBe(true);
});

test("a file that is not an image, or too large, is refused and nothing changes", async () => {
  const setup = await setUp();
  expect(await upload(setup, Buffer.from("<script>alert(1)</script>"), "evil.png")).toBe(400);
  expect(await upload(setup, Buffer.concat([png, Buffer.alloc(2 * 1024 * 1024)]), "huge.png")).toBe(400);
  const row = await setup.context.db
    .selectFrom("campaigns")
    .select("cover_image")
    .where("id", "=", setup.id)
    .executeTakeFirstOrThrow();
  expect(row.cover_image).toBeNull();
  const traversal = await callRoute(uploads, {
    url: "http://localhost/uploads/x",
    params: { file: "../../etc/passwd" },
    context: setup.context,
  });
  expect(traversal.status).toBe(404);
});

test("the story preview is sanitized HTML, and previewing saves nothing", async () => {
  const setup = await setUp();
  const answer = await callRoute<{ preview: string }>(action, {
    url: `http://localhost/manage/campaigns/${setup.id}`,
    params: { id: setup.id },
    context: setup.context,
    form: {
      intent: "preview",
      story: "## Titre\n\n<script>alert(1)</script>\n\n**gras**",
      csrf: setup.owner.csrf,
    },
    headers: { Cookie: setup.owner.cookie },
  });
  expect(answer.data?.preview).toContain("<h2>Titre</h2>");
  expect(answer.data?.preview).toContain("<strong>gras</strong>");
  expect(answer.data?.preview).not.toContain("script");
  const row = await setup.context.db
    .selectFrom("campaigns")
    .select("story_md")
    .where("id", "=", setup.id)
    .executeTakeFirstOrThrow();
  expect(row.story_md).toBe("Des outils et des bénévoles pour réparer son vélo soi-même.");
});
