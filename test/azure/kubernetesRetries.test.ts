import { describe, expect, it } from "vitest";
import { backoffDelayMs, defaultKubernetesRetries } from "../../src/azure/kubernetesRetries.js";
import { requestedWaitMs } from "../../src/azure/retrySpread.js";

const fromHeaders = (headers: Record<string, string>, now?: number) => requestedWaitMs((name) => headers[name], now);

describe("Kubernetes API retry waits", () => {
  it("falls back to jittered exponential backoff when the server names no wait or an unreadable one", () => {
    expect(fromHeaders({})).toBeNull();
    expect(fromHeaders({ "retry-after": "soon" })).toBeNull();
    expect(fromHeaders({ "retry-after-ms": "-5" })).toBeNull();
    const waits = [0, 1, 2, 3, 10].map((retry) => backoffDelayMs(defaultKubernetesRetries, retry, () => 1));
    expect(waits).toEqual([400, 800, 1600, 3200, 8000]);
    expect(backoffDelayMs(defaultKubernetesRetries, 2, () => 0.5)).toBe(800);
  });
});
