// Starts the production build as a real child process on a free port, the way `npm start` does,
// in its own process group so that stopping it stops everything it started.
import { spawn, type ChildProcess } from "node:child_process";
import { existsSync, mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";

const root = resolve(import.meta.dirname, "../..");

export interface RunningServer {
  url: string;
  databaseUrl: string;
  output: () => string;
  /** Resolves once the server's output matches, e.g. a request's log line written after its response. */
  waitForOutput: (pattern: RegExp, timeoutMs?: number) => Promise<void>;
  /** SIGTERM, then SIGKILL after a timeout; resolves with the exit code (null when killed). */
  stop: () => Promise<number | null>;
}

export function assertProductionBuild(): void {
  if (!existsSync(join(root, "build/server/index.js"))) {
    throw new Error("No production build: run `npm run build` first (`npm test` does it for you).");
  }
}

function waitForExit(child: ChildProcess, timeoutMs: number): Promise<number | null> {
  if (child.exitCode !== null || child.signalCode !== null) return Promise.resolve(child.exitCode);
  return new Promise((resolveExit) => {
    const timer = setTimeout(() => {
      if (child.pid) process.kill(-child.pid, "SIGKILL");
    }, timeoutMs);
    child.once("exit", (code) => {
      clearTimeout(timer);
      resolveExit(code);
    });
  });
}

/** Runs server.ts with the given environment; resolves once it listens, rejects if it exits first. */
/** Starts server.ts; a variable given as undefined is left unset (HOST has a default here). */
export async function startServer(
  env: Record<string, string | undefined> = {},
  /** Node's own flags before the script (a benchmark's --cpu-prof). */
  { nodeArgs = [] }: { nodeArgs?: string[] } = {},
): Promise<RunningServer> {
  assertProductionBuild();
  const dataDir = mkdtempSync(join(tmpdir(), "tdt-server-"));
  const databaseUrl = env.DATABASE_URL ?? join(dataDir, "tourdetable.sqlite");
  // Node itself with tsx as a loader, as `npm start` runs it: the tsx command would stand between
  // us and the server and SIGKILL it when it does not acknowledge SIGTERM within 60 ms (a busy
  // event loop), exiting 143 instead of draining.
  const child = spawn(process.execPath, [...nodeArgs, "--import", "tsx", "server.ts"], {
    cwd: root,
    detached: true,
    stdio: ["ignore", "pipe", "pipe"],
    env: {
      PATH: process.env.PATH,
      HOME: process.env.HOME,
      NODE_ENV: "production",
      PORT: "0",
      HOST: "127.0.0.1",
      DATA_DIR: dataDir,
      DATABASE_URL: databaseUrl,
      ...env,
    },
  });
  let output = "";
  child.stdout?.on("data", (chunk: Buffer) => (output += chunk.toString()));
  child.stderr?.on("data", (chunk: Buffer) => (output += chunk.toString()));

  const stop = async () => {
    if (child.exitCode === null && child.signalCode === null && child.pid)
      process.kill(-child.pid, "SIGTERM");
    const code = await waitForExit(child, 15_000);
    rmSync(dataDir, { recursive: true, force: true });
    return code;
  };

  const port = await new Promise<number>((resolvePort, reject) => {
    const timer = setTimeout(() => reject(new Error(`Server did not start in 30 s:\n${output}`)), 30_000);
    const check = () => {
      const match = /listening on http:\/\/localhost:(\d+)/.exec(output);
      if (match) {
        clearTimeout(timer);
        resolvePort(Number(match[1]));
      }
    };
    child.stdout?.on("data", check);
    child.once("exit", (code) => {
      clearTimeout(timer);
      reject(Object.assign(new Error(`Server exited with ${code}:\n${output}`), { code, output }));
    });
  }).catch(async (error: unknown) => {
    await stop();
    throw error;
  });

  const waitForOutput = async (pattern: RegExp, timeoutMs = 5_000) => {
    const deadline = Date.now() + timeoutMs;
    while (!pattern.test(output)) {
      if (Date.now() > deadline)
        throw new Error(`No output matching ${pattern} in ${timeoutMs} ms:\n${output}`);
      await new Promise((r) => setTimeout(r, 20));
    }
  };

  return { url: `http://127.0.0.1:${port}`, databaseUrl, output: () => output, waitForOutput, stop };
}

/** Runs server.ts to see it refuse to start; resolves with its exit code and output. */
export async function startExpectingFailure(
  env: Record<string, string>,
): Promise<{ code: number; output: string }> {
  try {
    const server = await startServer(env);
    await server.stop();
  } catch (error) {
    const { code, output } = error as { code?: number; output?: string };
    if (typeof code === "number") return { code, output: output ?? "" };
    throw error;
  }
  throw new Error("The server started although it should have refused to");
}
