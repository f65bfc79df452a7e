/** `npm start`'s entry point as a child process, the way a developer runs it, with helpers to watch what it started. */
import { execFileSync, spawn, type ChildProcess } from "node:child_process";
import { mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";

export const repoRoot = fileURLToPath(new URL("../..", import.meta.url));

export function descendants(pid: number): number[] {
  try {
    const children = execFileSync("ps", ["-o", "pid=", "--ppid", String(pid)], { encoding: "utf8" })
      .split("\n")
      .map((line) => Number(line.trim()))
      .filter((child) => child > 0);
    return children.flatMap((child) => [child, ...descendants(child)]);
  } catch {
    return [];
  }
}

export function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}

/** A stack of its own for a test: its key, a fresh state folder, Azure's durations and the product's polls shortened. */
export function testStackEnv(key: string, timeScale = "0.002"): Record<string, string> {
  return {
    AKS_PROVISIONING_KEY: key,
    SIM_TIME_SCALE: timeScale,
    CLUSTER_POLL_INTERVAL_SECONDS: "1",
    FEATURE_POLL_INTERVAL_SECONDS: "1",
    LOCAL_DATA_DIR: mkdtempSync(join(tmpdir(), "stack-")),
  };
}

export interface StartedStack {
  process: ChildProcess;
  url: string;
  /** The API key it was started with (AKS_PROVISIONING_KEY). */
  key: string;
  banner(): string;
}

/** Starts `dist/local/start.js` (with this Node unless `node` names another) and waits until its API answers. */
export async function startStackProcess(
  env: Record<string, string>,
  port: number,
  node = process.execPath,
): Promise<StartedStack> {
  const child = spawn(node, [join(repoRoot, "dist/local/start.js")], {
    cwd: repoRoot,
    env: { ...process.env, PORT: String(port), ...env },
    stdio: ["ignore", "pipe", "pipe"],
    // Its own process group, as a terminal gives a command: Ctrl-C (ctrlC below) signals the whole group.
    detached: true,
  });
  let banner = "";
  child.stdout?.on("data", (chunk: Buffer) => (banner += chunk.toString()));
  child.stderr?.on("data", (chunk: Buffer) => (banner += chunk.toString()));
  const url = `http://127.0.0.1:${port}`;
  const until = Date.now() + 60_000;
  while (
    !(await fetch(`${url}/api/health`)
      .then((r) => r.ok)
      .catch(() => false))
  ) {
    if (Date.now() > until || child.exitCode !== null) throw new Error(`stack did not come up: ${banner}`);
    await new Promise((resolve) => setTimeout(resolve, 200));
  }
  return { process: child, url, key: env.AKS_PROVISIONING_KEY ?? "", banner: () => banner };
}

/**
 * Stops a stack and waits for it; returns the exit code. "SIGINT" is Ctrl-C in a terminal: the signal goes to every
 * process in the foreground group, Azurite included. Other signals go to `npm start`'s process alone.
 */
export async function stopStackProcess(stack: StartedStack, signal: NodeJS.Signals): Promise<number | null> {
  if (stack.process.exitCode !== null) return stack.process.exitCode;
  const exited = new Promise<number | null>((resolve) => stack.process.once("exit", resolve));
  if (signal === "SIGINT") process.kill(-(stack.process.pid ?? 0), "SIGINT");
  else stack.process.kill(signal);
  return exited;
}

/** Last resort after a failed test: nothing it started may outlive it. */
export async function killEverything(stack: StartedStack | undefined): Promise<void> {
  const pid = stack?.process.pid;
  if (stack === undefined || pid === undefined || stack.process.exitCode !== null) return;
  const started = descendants(pid);
  stack.process.kill("SIGINT");
  await new Promise((resolve) => setTimeout(resolve, 3_000));
  for (const each of [pid, ...started]) if (alive(each)) process.kill(each, "SIGKILL");
}

/** A call to the stack's API with its API key: the status and the JSON body. */
export async function stackApi(stack: StartedStack, path: string, init: { method?: string; body?: unknown } = {}) {
  const response = await fetch(`${stack.url}/api${path}`, {
    method: init.method ?? "GET",
    headers: { "x-api-key": stack.key, "content-type": "application/json" },
    ...(init.body === undefined ? {} : { body: JSON.stringify(init.body) }),
  });
  return { status: response.status, body: (await response.json()) as Record<string, any> };
}

/** Reads a run's status document until `done` says so; every read must answer 200. */
export async function waitForRun(
  stack: StartedStack,
  id: string,
  done: (document: Record<string, any>) => boolean,
  timeoutMs: number,
): Promise<Record<string, any>> {
  const until = Date.now() + timeoutMs;
  for (;;) {
    const { status, body } = await stackApi(stack, `/clusters/${id}`);
    if (status !== 200)
      throw new Error(`GET /clusters/${id} answered ${status}: ${JSON.stringify(body).slice(0, 500)}`);
    if (done(body)) return body;
    if (Date.now() > until) throw new Error(`timed out: ${JSON.stringify(body).slice(0, 1500)}`);
    await new Promise((resolve) => setTimeout(resolve, 250));
  }
}
