/**
 * The local host running a small sample app (not the product): HTTP triggers, every orchestration action type through
 * the real durable-functions replay code, the Durable HTTP API behind the unmodified DurableClient.
 */
import { fileURLToPath } from "node:url";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startLocalHost, type LocalHost } from "../../local/host/index.js";

const appRoot = fileURLToPath(new URL("./sample-app", import.meta.url));
let host: LocalHost;

async function call(path: string, init: { method?: string; body?: unknown; headers?: Record<string, string> } = {}) {
  const response = await fetch(`${host.baseUrl}${path}`, {
    method: init.method ?? "GET",
    headers: { ...(init.body === undefined ? {} : { "content-type": "application/json" }), ...init.headers },
    ...(init.body === undefined ? {} : { body: JSON.stringify(init.body) }),
  });
  const text = await response.text();
  return { status: response.status, headers: response.headers, body: text === "" ? null : JSON.parse(text) };
}

async function start(name: string, input?: unknown, id?: string) {
  const response = await call(`/api/start/${name}${id === undefined ? "" : `?id=${id}`}`, {
    method: "POST",
    body: input,
  });
  expect(response.status).toBe(202);
  return response.body as { id: string; statusQueryGetUri: string };
}

async function waitFor(
  id: string,
  done = (s: any) => !["Pending", "Running"].includes(s.runtimeStatus),
  timeoutMs = 20_000,
): Promise<any> {
  const until = Date.now() + timeoutMs;
  for (;;) {
    const { body } = await call(`/api/status/${id}`);
    if (body !== null && done(body)) return body;
    if (Date.now() > until) throw new Error(`timed out waiting for ${id}: ${JSON.stringify(body)}`);
    await new Promise((resolve) => setTimeout(resolve, 25));
  }
}

beforeAll(async () => {
  host = await startLocalHost({
    appRoot,
    port: 0,
    env: { SAMPLE_HUB: "SampleHub" },
    functionKey: "test-key",
    systemKey: "system-key",
  });
});

afterAll(async () => {
  await host?.close();
});

describe("HTTP triggers", () => {
  it("serves route templates with optional parameters and enforces function keys", async () => {
    expect((await call("/api/keyed/apple?q=1")).status).toBe(401);
    expect((await call("/api/keyed/apple?q=1", { headers: { "x-functions-key": "wrong-key" } })).status).toBe(401);
    const withHeader = await call("/api/keyed/apple?q=1", { headers: { "x-functions-key": "test-key" } });
    expect(withHeader).toMatchObject({ status: 200, body: { item: "apple", query: "1" } });
    expect((await call("/api/keyed?code=test-key")).body).toEqual({ item: null, query: null });
    expect((await call("/api/keyed", { method: "POST", headers: { "x-functions-key": "test-key" } })).status).toBe(405);
    expect((await call("/api/nothing-here")).status).toBe(404);
  });
});

describe("orchestrations through the real replay engine", () => {
  it("runs activities, retries, timers, fan-out, sub-orchestrations and failures to completion", async () => {
    const started = await start("pipeline");
    expect(started.statusQueryGetUri).toContain(`${host.baseUrl}/runtime/webhooks/durabletask/instances/${started.id}`);
    const status = await waitFor(started.id);
    expect(status.runtimeStatus).toBe("Completed");
    expect(status.output).toEqual({
      greeting: "Hello Tokyo",
      attempts: 3,
      fanned: ["Hello a", "Hello b", "Hello c"],
      doubled: 42,
      childFailed: true,
      activityError: expect.stringContaining("permanent failure"),
    });
    expect(status.customStatus).toEqual({ stage: "done" });
    // The webhook status URL answers too (as check-status responses hand it out).
    const webhook = await fetch(started.statusQueryGetUri);
    expect(webhook.status).toBe(200);
    expect(((await webhook.json()) as { runtimeStatus: string }).runtimeStatus).toBe("Completed");
  });

  it("shows history in the extension's format: named events, completions merged with their scheduling", async () => {
    const started = await start("pipeline");
    await waitFor(started.id);
    const formatted = (await (
      await fetch(
        `${host.baseUrl}/runtime/webhooks/durabletask/instances/${started.id}?showHistory=true&showHistoryOutput=true&code=system-key`,
      )
    ).json()) as { historyEvents: Record<string, unknown>[] };
    const events = formatted.historyEvents;
    expect(events.slice(0, 11).map((e) => [e.EventType, e.FunctionName ?? null])).toEqual([
      ["ExecutionStarted", "pipeline"],
      ["TaskCompleted", "hello"],
      ["TaskFailed", "flaky"],
      ["TimerCreated", null], // retry timer after attempt 1
      ["TimerFired", null],
      ["TaskFailed", "flaky"],
      ["TimerCreated", null], // retry timer after attempt 2
      ["TimerFired", null],
      ["TaskCompleted", "flaky"],
      ["TimerCreated", null], // the durable timer
      ["TimerFired", null],
    ]);
    expect(events[1]).toMatchObject({ Result: "Hello Tokyo", ScheduledTime: expect.any(String) });
    for (const e of events) {
      expect(e).not.toHaveProperty("EventId");
      expect(e).not.toHaveProperty("IsPlayed");
      expect(["OrchestratorStarted", "OrchestratorCompleted", "TaskScheduled"]).not.toContain(e.EventType);
    }
    expect(events.at(-1)).toMatchObject({ EventType: "ExecutionCompleted", OrchestrationStatus: "Completed" });
    // Without showHistoryOutput, results are left out.
    const bare = (await (
      await fetch(`${host.baseUrl}/durabletask/instances/${started.id}?showHistory=true&code=system-key`)
    ).json()) as { historyEvents: Record<string, unknown>[] };
    expect(bare.historyEvents[1]).not.toHaveProperty("Result");
  });

  it("fails an orchestration whose retries are exhausted, with the activity's message", async () => {
    const started = await start("retriesExhausted");
    const status = await waitFor(started.id);
    expect(status.runtimeStatus).toBe("Failed");
    expect(JSON.stringify(status.output)).toContain("permanent failure");
  });

  it("waits for an external event, and falls back to the timer when none comes", async () => {
    const waiting = await start("approval", { timeoutMs: 60_000 });
    await waitFor(waiting.id, (s) => s.runtimeStatus === "Running");
    expect(
      (await call(`/api/instances/${waiting.id}/raise?event=approve`, { method: "POST", body: "yes" })).status,
    ).toBe(202);
    expect((await waitFor(waiting.id)).output).toEqual({ approved: "yes" });

    const timedOut = await start("approval", { timeoutMs: 50 });
    expect((await waitFor(timedOut.id)).output).toEqual({ approved: false, timedOut: true });
  });

  it("continues as new with fresh history until done", async () => {
    const started = await start("counter", 0);
    const status = await waitFor(started.id);
    expect(status).toMatchObject({ runtimeStatus: "Completed", output: 3, input: 3 });
    const raw = (await (
      await fetch(`${host.baseUrl}/durabletask/instances/${started.id}?showHistory=true&code=system-key`)
    ).json()) as { historyEvents: { EventType: string }[] };
    expect(raw.historyEvents.filter((e) => e.EventType === "ExecutionStarted")).toHaveLength(1);
  });

  it("reports nondeterministic orchestrator code as the extension does", async () => {
    const started = await start("nondeterministic");
    const status = await waitFor(started.id);
    expect(status.runtimeStatus).toBe("Failed");
    expect(JSON.stringify(status.output)).toContain("Non-Deterministic workflow detected");
  });

  it("fails on an activity that does not exist", async () => {
    const started = await start("callsMissing");
    const status = await waitFor(started.id);
    expect(status.runtimeStatus).toBe("Failed");
    expect(JSON.stringify(status.output)).toContain("The function 'noSuchActivity' doesn't exist");
  });
});

describe("the Durable HTTP API behind DurableClient", () => {
  it("lists with a status filter, terminates, suspends, resumes and purges", async () => {
    const a = await start("approval", { timeoutMs: 60_000 }, "manage-a");
    const b = await start("approval", { timeoutMs: 60_000 }, "manage-b");
    await waitFor(a.id, (s) => s.runtimeStatus === "Running");
    await waitFor(b.id, (s) => s.runtimeStatus === "Running");

    const running = (await call("/api/instances?status=Running")).body as { instanceId: string }[];
    expect(running.map((s) => s.instanceId)).toEqual(expect.arrayContaining(["manage-a", "manage-b"]));

    expect((await call("/api/instances/manage-a/terminate", { method: "POST" })).status).toBe(202);
    expect((await waitFor("manage-a")).runtimeStatus).toBe("Terminated");

    await call("/api/instances/manage-b/suspend", { method: "POST" });
    expect((await waitFor("manage-b", (s) => s.runtimeStatus === "Suspended")).runtimeStatus).toBe("Suspended");
    await call("/api/instances/manage-b/raise?event=approve", { method: "POST", body: "later" });
    await new Promise((resolve) => setTimeout(resolve, 100));
    expect((await call("/api/status/manage-b")).body.runtimeStatus).toBe("Suspended");
    await call("/api/instances/manage-b/resume", { method: "POST" });
    expect((await waitFor("manage-b")).output).toEqual({ approved: "later" });

    expect((await call("/api/instances/manage-a/purge", { method: "POST" })).body).toEqual({ instancesDeleted: 1 });
    expect((await call("/api/status/manage-a")).status).toBe(404);
  });

  it("refuses to start an id that is already running, and restarts a finished one", async () => {
    const first = await start("approval", { timeoutMs: 60_000 }, "singleton");
    await waitFor(first.id, (s) => s.runtimeStatus === "Running");
    const again = await call("/api/start/approval?id=singleton", { method: "POST", body: { timeoutMs: 1 } });
    expect(again.status).toBe(500);
    await call("/api/instances/singleton/terminate", { method: "POST" });
    await waitFor("singleton");
    await start("approval", { timeoutMs: 10 }, "singleton");
    expect((await waitFor("singleton")).output).toEqual({ approved: false, timedOut: true });
  });

  it("runs 50 instances at once with isolated state", async () => {
    const ids = await Promise.all(
      Array.from({ length: 50 }, (_, i) => start("double", i, `many-${i}`).then((s) => s.id)),
    );
    const results = await Promise.all(ids.map((id) => waitFor(id, undefined, 60_000)));
    expect(results.map((r) => r.output)).toEqual(Array.from({ length: 50 }, (_, i) => i * 2));
    await host.whenIdle();
  });
});
