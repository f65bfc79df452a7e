/**
 * Kill -9 the local host mid-orchestration and start it again on the same Azurite state: every instance resumes, due
 * timers fire, no activity that had completed runs a second time, and a parent killed while creating its
 * sub-orchestrations gets all of them.
 */
import { spawn, type ChildProcess } from "node:child_process";
import { mkdtempSync, readFileSync, existsSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startAzurite, type Azurite } from "../../local/host/azurite.js";
import { TableStore } from "../../local/host/store.js";
import { freePort } from "../../local/ports.js";

const repoRoot = fileURLToPath(new URL("../..", import.meta.url));
const appRoot = fileURLToPath(new URL("./sample-app", import.meta.url));
const work = mkdtempSync(join(tmpdir(), "host-restart-"));
const logFile = join(work, "activities.log");
let azurite: Azurite;
const children: ChildProcess[] = [];

function startHost(port: number): ChildProcess {
  const child = spawn(
    process.execPath,
    [join(repoRoot, "dist/local/host/main.js"), "--app-root", appRoot, "--port", String(port)],
    {
      env: {
        ...process.env,
        AzureWebJobsStorage: azurite.connectionString,
        SAMPLE_HUB: "RestartHub",
        SAMPLE_LOG: logFile,
      },
      stdio: process.env.DEBUG_HOST === "1" ? "inherit" : "ignore",
    },
  );
  children.push(child);
  return child;
}

async function waitUntil<T>(probe: () => Promise<T | undefined>, timeoutMs = 30_000): Promise<T> {
  const until = Date.now() + timeoutMs;
  for (;;) {
    const value = await probe().catch(() => undefined);
    if (value !== undefined) return value;
    if (Date.now() > until) throw new Error("timed out");
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
}

const lines = () =>
  existsSync(logFile)
    ? readFileSync(logFile, "utf8")
        .split("\n")
        .filter((line) => line.length > 0)
    : [];

beforeAll(async () => {
  azurite = await startAzurite({ dataDir: join(work, "azurite") });
});

afterAll(async () => {
  for (const child of children) if (child.exitCode === null) child.kill("SIGKILL");
  await azurite?.close();
});

describe("restart with Azurite state", () => {
  it("resumes after kill -9 without re-running completed activities, and fires due timers", async () => {
    const port = await freePort();
    const base = `http://127.0.0.1:${port}`;
    const first = startHost(port);
    await waitUntil(async () => ((await fetch(`${base}/api/instances`)).ok ? true : undefined));

    const start = async (name: string, id: string, input: unknown) =>
      (
        await fetch(`${base}/api/start/${name}?id=${id}`, {
          method: "POST",
          body: JSON.stringify(input),
          headers: { "content-type": "application/json" },
        })
      ).status;
    expect(await start("recorded", "survivor", { steps: 6, ms: 300, prefix: "s" })).toBe(202);
    expect(await start("approval", "timer-survivor", { timeoutMs: 2_500 })).toBe(202);

    await waitUntil(async () => (lines().length >= 2 ? true : undefined));
    // Kill in the middle of the third activity's wait, well away from its completion being recorded.
    await new Promise((resolve) => setTimeout(resolve, 150));
    first.kill("SIGKILL");
    await new Promise((resolve) => first.once("exit", resolve));
    const beforeRestart = lines();
    expect(beforeRestart.length).toBeGreaterThanOrEqual(2);
    expect(beforeRestart.length).toBeLessThan(6);

    startHost(port);
    const status = await waitUntil(async () => {
      const response = await fetch(`${base}/api/status/survivor`);
      const body = (await response.json()) as { runtimeStatus: string; output: unknown };
      return body.runtimeStatus === "Completed" ? body : undefined;
    });
    expect(status.output).toEqual(["s-0", "s-1", "s-2", "s-3", "s-4", "s-5"]);
    expect(lines().sort()).toEqual(["s-0", "s-1", "s-2", "s-3", "s-4", "s-5"]);

    const timer = await waitUntil(async () => {
      const body = (await (await fetch(`${base}/api/status/timer-survivor`)).json()) as {
        runtimeStatus: string;
        output: unknown;
      };
      return body.runtimeStatus === "Completed" ? body : undefined;
    });
    expect(timer.output).toEqual({ approved: false, timedOut: true });
  });

  it("resumes a parent killed while its sub-orchestrations were being created", async () => {
    const port = await freePort();
    const base = `http://127.0.0.1:${port}`;
    const first = startHost(port);
    await waitUntil(async () => ((await fetch(`${base}/api/instances`)).ok ? true : undefined));
    const children = 40;
    const started = await fetch(`${base}/api/start/manyChildren?id=fan`, {
      method: "POST",
      body: JSON.stringify(children),
      headers: { "content-type": "application/json" },
    });
    expect(started.status).toBe(202);
    // The parent shows Running once its history (one SubOrchestrationInstanceCreated per child) is committed; the children
    // are created after that, one by one. Kill in that window.
    await waitUntil(async () => {
      const body = (await (await fetch(`${base}/api/status/fan`)).json()) as { runtimeStatus: string };
      return body.runtimeStatus === "Running" ? true : undefined;
    }, 30_000);
    first.kill("SIGKILL");
    await new Promise((resolve) => first.once("exit", resolve));
    const store = new TableStore(azurite.connectionString, "RestartHub");
    const createdBeforeKill = (await store.listInstances()).filter((r) => r.instanceId.startsWith("fan-c")).length;
    expect(createdBeforeKill).toBeLessThan(children);

    startHost(port);
    const status = await waitUntil(async () => {
      const body = (await (await fetch(`${base}/api/status/fan`)).json()) as { runtimeStatus: string; output: unknown };
      return body.runtimeStatus === "Completed" ? body : undefined;
    }, 60_000);
    expect(status.output).toBe(children);
  });
});
