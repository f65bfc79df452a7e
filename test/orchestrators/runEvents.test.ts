/**
 * Run events from inside the orchestrations, with scripted activities: what is recorded and sent, with which
 * deterministic ids, and that a failed delivery never fails the run.
 */
import { describe, expect, it } from "vitest";
import type { RunMeta } from "../../src/domain/runMeta.js";
import { runCanceled } from "../../src/orchestrators/runCanceled.js";
import { teardownCluster, type TeardownInput } from "../../src/orchestrators/teardownCluster.js";
import { azureStorageTimers, runOrchestrator, type ActivityScript } from "./fakeOrchestrationContext.js";
import { plannedExample } from "../fixtures/examples.js";

const cluster = { subscriptionId: "11111111-2222-3333-4444-555555555555", resourceGroup: "rg", clusterName: "aks" };
const timings = {
  clusterPollIntervalSeconds: 30,
  featurePollIntervalSeconds: 30,
  roleAssignmentRetrySeconds: 10,
  clusterTimeoutMinutes: 10,
  podReadyTimeoutMinutes: 15,
  transientRetryFirstSeconds: 5,
};
const meta = (webhook: RunMeta["events"]["webhook"], eventGrid = false): RunMeta => ({
  clusterId: "c000000000000000000000abc",
  acceptedAt: "2026-11-23T10:00:00.000Z",
  requestedBy: "alice@contoso.example",
  events: { webhook, eventGrid },
  secretRunKey: webhook?.signed === true ? "20261123100000000" : null,
});
const delivered = (type: string) => ({
  ok: true as const,
  value: { type, target: "webhook" as const, outcome: "delivered" as const, httpStatus: 200, detail: null },
});

describe("teardown events", () => {
  const input = (runMeta: RunMeta): TeardownInput => ({
    cluster,
    scope: "cluster",
    timings,
    previous: {
      request: plannedExample("overlay"),
      specHash: "h",
      createdAt: "2026-11-20T09:00:00.000Z",
      progress: null,
      meta: { ...runMeta, acceptedAt: "2026-11-20T09:00:00.000Z", requestedBy: "bob@contoso.example" },
    },
    meta: { ...runMeta, requestedBy: "alice@contoso.example" },
  });

  it("records Deleting then Deleted under the run's requester, audits the deleter, and sends one signed deleted event", () => {
    const script: ActivityScript = {
      beginDeleteCluster: () => ({ ok: true, value: { state: "Gone" } }),
      recordRunState: () => ({ ok: true, value: { recorded: true } }),
      deliverEvent: (event) => delivered(event.event.type),
      publishEvent: (event) => ({
        ...delivered(event.event.type),
        value: { ...delivered(event.event.type).value, target: "eventGrid" },
      }),
    };
    const hook = { url: "https://hooks.example.com/a", signed: true, steps: false };
    const { output, calls } = runOrchestrator(teardownCluster, input(meta(hook, true)), script);
    expect(output.outcome).toBe("Succeeded");
    const records = calls.filter((c) => c.name === "recordRunState").map((c) => c.input);
    expect(records.map((r) => r.summary.status)).toEqual(["Deleting", "Deleted"]);
    expect(
      records.every((r) => r.summary.requestedBy === "bob@contoso.example" && r.actor === "alice@contoso.example"),
    ).toBe(true);
    expect(records.every((r) => r.summary.createdAt === "2026-11-20T09:00:00.000Z")).toBe(true);
    const sent = calls.filter((c) => c.name === "deliverEvent").map((c) => c.input);
    expect(sent).toHaveLength(1);
    expect(sent[0].event).toMatchObject({
      type: "aks.provisioning.deleted",
      subject: "c000000000000000000000abc",
      id: "c000000000000000000000abc.20261123100000000.deleted",
    });
    expect(sent[0].secretRef).toEqual({ clusterId: "c000000000000000000000abc", runKey: "20261123100000000" });
    expect(calls.filter((c) => c.name === "publishEvent")).toHaveLength(1);
    expect(output.deliveries?.map((d) => d.target)).toEqual(["webhook", "eventGrid"]);
  });

  it("keeps the run's outcome when every delivery try fails, and says so in deliveries", () => {
    const script: ActivityScript = {
      beginDeleteCluster: () => ({ ok: true, value: { state: "Gone" } }),
      recordRunState: () => ({ ok: true, value: { recorded: true } }),
      deliverEvent: () => {
        throw new Error("[transient:EventDeliveryFailed] the receiver answered 503");
      },
    };
    const { output } = runOrchestrator(
      teardownCluster,
      input(meta({ url: "https://hooks.example.com/a", signed: false, steps: false })),
      script,
    );
    expect(output.outcome).toBe("Succeeded");
    expect(output.deliveries).toEqual([
      expect.objectContaining({ outcome: "failed", target: "webhook", detail: "the receiver answered 503" }),
    ]);
  });
});

describe("runCanceled", () => {
  it("aborts AKS's running operation, waits for it to be Canceled and sends that in the canceled event", () => {
    const states = ["Canceling", "Canceled"];
    const script: ActivityScript = {
      abortAksOperation: () => ({
        ok: true,
        value: { outcome: "aborted", target: { kind: "agentPool", name: "apps" }, state: "Canceling", message: null },
      }),
      getAbortState: () => ({ ok: true, value: { state: states.shift() ?? "Canceled" } }),
      recordRunState: () => ({ ok: true, value: { recorded: true } }),
      deliverEvent: (event) => delivered(event.event.type),
    };
    const runMeta = meta({ url: "https://hooks.example.com/a", signed: false, steps: true });
    const { output, calls } = runOrchestrator(
      runCanceled,
      { meta: runMeta, createdAt: runMeta.acceptedAt, ...cluster, actor: "carol@contoso.example" },
      script,
    );
    expect(calls.map((c) => c.name)).toEqual([
      "abortAksOperation",
      "getAbortState",
      "getAbortState",
      "recordRunState",
      "deliverEvent",
    ]);
    expect(calls[0]?.input).toMatchObject({ ...cluster, actor: "carol@contoso.example" });
    expect(calls[1]?.input).toMatchObject({ ...cluster, target: { kind: "agentPool", name: "apps" } });
    const [recorded, sent] = calls.slice(3);
    expect(recorded?.input).toMatchObject({
      action: "run.canceled",
      actor: "carol@contoso.example",
      summary: { status: "Canceled" },
    });
    expect(sent?.input.event.id).toBe("c000000000000000000000abc.20261123100000000.canceled");
    expect(sent?.input.secretRef).toBeNull();
    const settled = { outcome: "aborted", target: { kind: "agentPool", name: "apps" }, state: "Canceled" };
    expect(sent?.input.event.data.abort).toMatchObject(settled);
    expect(output.abort).toMatchObject(settled);
    expect(output.deliveries).toHaveLength(1);
  });

  describe("waits for AKS's abort by orchestration time, as timers may wake early", () => {
    const abortingFor = (reads: number): ActivityScript => ({
      abortAksOperation: () => ({
        ok: true,
        value: { outcome: "aborted", target: { kind: "agentPool", name: "apps" }, state: "Canceling", message: null },
      }),
      getAbortState: (_input, call) => ({ ok: true, value: { state: call < reads ? "Canceling" : "Canceled" } }),
      recordRunState: () => ({ ok: true, value: { recorded: true } }),
      deliverEvent: (event) => delivered(event.event.type),
    });
    const input = (pollSeconds: number) => ({
      meta: meta(null),
      createdAt: "2026-11-23T10:00:00.000Z",
      ...cluster,
      actor: "carol@contoso.example",
      pollSeconds,
    });
    const canceled = (pollSeconds: number, reads: number) =>
      runOrchestrator(runCanceled, input(pollSeconds), abortingFor(reads), {}, undefined, azureStorageTimers());
    const reads = (trace: { calls: { name: string }[] }) => trace.calls.filter((c) => c.name === "getAbortState");

    it("polls no faster than asked: 1 s polls each wait a second, though Azure Storage wakes 1 s timers at once", () => {
      const trace = canceled(1, 20);
      expect(reads(trace)).toHaveLength(20);
      expect(trace.output.abort).toMatchObject({ state: "Canceled" });
      expect(trace.elapsedMs).toBeGreaterThanOrEqual(20_000);
      expect(trace.elapsedMs).toBeLessThan(22_000);
    });

    it("keeps reading past thirty polls when timers wake at once (before: Canceling after thirty)", () => {
      const atOnce = (now: Date) => new Date(now.getTime() + 50);
      const trace = runOrchestrator(runCanceled, input(1), abortingFor(40), {}, undefined, atOnce);
      expect(reads(trace)).toHaveLength(40);
      expect(trace.output.abort).toMatchObject({ state: "Canceled" });
    });

    it("gives up after thirty polls' worth of time and reports the state last read", () => {
      const trace = canceled(1, Number.POSITIVE_INFINITY);
      expect(trace.output.abort).toMatchObject({ state: "Canceling" });
      expect(trace.elapsedMs).toBeGreaterThanOrEqual(30_000);
      expect(trace.elapsedMs).toBeLessThan(32_000);
    });
  });

  it("still records the cancel when the abort fails, and its event says why", () => {
    const script: ActivityScript = {
      abortAksOperation: () => ({ ok: false, error: { code: "AuthorizationFailed", message: "no abort action" } }),
      recordRunState: () => ({ ok: true, value: { recorded: true } }),
      deliverEvent: (event) => delivered(event.event.type),
    };
    const runMeta = meta({ url: "https://hooks.example.com/a", signed: false, steps: false });
    const { output, calls } = runOrchestrator(
      runCanceled,
      { meta: runMeta, createdAt: runMeta.acceptedAt, ...cluster, actor: "carol@contoso.example" },
      script,
    );
    expect(calls.map((c) => c.name)).toEqual(["abortAksOperation", "recordRunState", "deliverEvent"]);
    const failed = { outcome: "failed", message: "AuthorizationFailed: no abort action" };
    expect(output.abort).toMatchObject(failed);
    expect(calls[2]?.input.event.data.abort).toMatchObject(failed);
  });
});
