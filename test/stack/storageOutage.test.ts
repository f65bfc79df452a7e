/**
 * `npm start` when its storage fails. Azurite paused (SIGSTOP: every storage call hangs): the API answers 503
 * storage-unavailable with Retry-After within its deadline, never hangs and never answers 202; once Azurite resumes,
 * the same POST is accepted. Azurite killed (SIGKILL): the stack says so in one line, restarts it on the same data and
 * ports, and the runs it held answer again, and new ones run. On the local engine (about 50 s); the deadlines are the
 * app's and the restart the stack's, so the extension behaves alike: STORAGE_TEST_ENGINE=extension runs it there
 * (about 100 s, most of it the .NET host's start).
 */
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { freePort } from "../../local/ports.js";
import {
  descendants,
  killEverything,
  repoRoot,
  stackApi,
  startStackProcess,
  testStackEnv,
  waitForRun,
  type StartedStack,
} from "./stackProcess.js";

let stack: StartedStack | undefined;
afterAll(async () => {
  await killEverything(stack);
});

const example = JSON.parse(readFileSync(join(repoRoot, "docs/examples/overlay.json"), "utf8")) as Record<
  string,
  unknown
>;
const named = (clusterName: string) => ({ ...example, clusterName });
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

function azuritePid(started: StartedStack): number {
  const pid = descendants(started.process.pid ?? 0).find((each) => {
    try {
      return readFileSync(`/proc/${each}/cmdline`, "utf8").includes("azurite");
    } catch {
      return false;
    }
  });
  if (pid === undefined) throw new Error("no Azurite under the stack");
  return pid;
}

/** One call with its latency; the raw response, so headers can be checked. */
async function timed(started: StartedStack, path: string, init: { method?: string; body?: unknown } = {}) {
  const began = Date.now();
  const response = await fetch(`${started.url}/api${path}`, {
    method: init.method ?? "GET",
    headers: { "x-api-key": started.key, "content-type": "application/json" },
    ...(init.body === undefined ? {} : { body: JSON.stringify(init.body) }),
    signal: AbortSignal.timeout(30_000),
  });
  const body = (await response.json()) as Record<string, any>;
  return { status: response.status, headers: response.headers, body, ms: Date.now() - began };
}

describe("npm start when Azurite fails", () => {
  it("answers 503 + Retry-After while storage hangs, and restarts a killed Azurite", { timeout: 180_000 }, async () => {
    stack = await startStackProcess(
      { ...testStackEnv("storage-outage-key"), DURABLE_ENGINE: process.env.STORAGE_TEST_ENGINE ?? "local" },
      await freePort(),
    );
    const first = await stackApi(stack, "/clusters", { method: "POST", body: named("aks-before") });
    expect(first.status).toBe(202);
    const firstId = first.body.id as string;
    // Recorded (its status reads back) is all this run needs to be; it goes on building meanwhile.
    await waitForRun(stack, firstId, () => true, 10_000);

    const paused = azuritePid(stack);
    process.kill(paused, "SIGSTOP");
    try {
      const answers = [
        await timed(stack, "/clusters", { method: "POST", body: named("aks-during") }),
        await timed(stack, `/clusters/${firstId}`),
        await timed(stack, "/clusters"),
      ];
      for (const answer of answers) {
        expect(answer.status).toBe(503);
        expect(answer.headers.get("content-type")).toContain("application/problem+json");
        expect(answer.headers.get("retry-after")).toBe("5");
        expect(answer.body.errors).toEqual([expect.objectContaining({ code: "storage-unavailable" })]);
        // The deadline is 5 s per storage call; a request makes at most two before it gives up.
        expect(answer.ms).toBeLessThan(12_000);
      }
    } finally {
      process.kill(paused, "SIGCONT");
    }
    const retried = await stackApi(stack, "/clusters", { method: "POST", body: named("aks-during") });
    expect(retried.status).toBe(202);
    await waitForRun(stack, retried.body.id as string, (doc) => doc.status === "Succeeded", 60_000);

    // Azurite saves to disk every 5 s: let it, then kill it outright.
    await sleep(6_000);
    const killed = azuritePid(stack);
    process.kill(killed, "SIGKILL");
    const until = Date.now() + 45_000;
    let back = await timed(stack, `/clusters/${firstId}`).catch(() => null);
    while (back?.status !== 200 && Date.now() < until) {
      await sleep(250);
      back = await timed(stack, `/clusters/${firstId}`).catch(() => null);
    }
    expect(back?.status).toBe(200);
    expect(back?.body.id).toBe(firstId);
    expect(stack.banner()).toContain(`Azurite (pid ${killed}) exited (SIGKILL); restarting it`);
    expect(stack.banner()).toMatch(/Azurite is back \(pid \d+\)/);
    expect(azuritePid(stack)).not.toBe(killed);
    const after = await stackApi(stack, "/clusters", { method: "POST", body: named("aks-after") });
    expect(after.status).toBe(202);
    await waitForRun(stack, after.body.id as string, (doc) => doc.status === "Succeeded", 60_000);
  });
});
