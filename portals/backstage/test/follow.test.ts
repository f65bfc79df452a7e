/**
 * The wait loop alone, against a run whose status document does not change: the task log still gets a line at least
 * every heartbeat, and an abort cancels the run once.
 */
import type { LoggerService } from "@backstage/backend-plugin-api";
import { describe, expect, it } from "vitest";
import { follow } from "../src/follow.js";
import type { ClusterDocument, ProvisioningApi } from "../src/provisioningApi.js";

const running: ClusterDocument = {
  id: "c000000000000000000000001",
  status: "Running",
  steps: [{ name: "cluster", status: "running", detail: "Creating", startedAt: null }],
  error: null,
  ipVerification: null,
  requestedBy: null,
};

function quietApi(cancels: string[]): ProvisioningApi {
  return {
    status: async () => running,
    cancel: async (id: string) => cancels.push(id),
  } as unknown as ProvisioningApi;
}

function recordingLogger(lines: { at: number; message: string }[]): LoggerService {
  const record = (message: string) => void lines.push({ at: Date.now(), message });
  const logger: LoggerService = { info: record, warn: record, error: record, debug: record, child: () => logger };
  return logger;
}

describe("follow", () => {
  it("writes a line at least every heartbeat while nothing changes", async () => {
    const lines: { at: number; message: string }[] = [];
    const abort = new AbortController();
    setTimeout(() => abort.abort(), 1_300);
    const options = { pollMs: 50, heartbeatMs: 300, timeoutMs: 10_000, signal: abort.signal, cancelOnAbort: false };
    const started = Date.now();
    await expect(follow(quietApi([]), running.id, recordingLogger(lines), () => false, options)).rejects.toThrow(
      /Canceled/,
    );
    const beats = lines.filter((line) => line.message === "Still Running: cluster is running");
    expect(beats.length).toBeGreaterThanOrEqual(3);
    const times = [started, ...lines.map((line) => line.at)];
    const gaps = times.slice(1).map((at, index) => at - (times[index] ?? at));
    expect(Math.max(...gaps)).toBeLessThan(300 + 50 + 100);
  });

  it("cancels the run when the task is aborted, and only then", async () => {
    const cancels: string[] = [];
    const abort = new AbortController();
    setTimeout(() => abort.abort(), 200);
    const options = { pollMs: 50, heartbeatMs: 30_000, timeoutMs: 10_000, signal: abort.signal, cancelOnAbort: true };
    const lines: { at: number; message: string }[] = [];
    await expect(follow(quietApi(cancels), running.id, recordingLogger(lines), () => false, options)).rejects.toThrow(
      `Canceled while cluster run ${running.id} was in progress`,
    );
    expect(cancels).toEqual([running.id]);
    expect(lines.map((line) => line.message)).toContain(`Task canceled: canceling cluster run ${running.id}`);
  });
});
