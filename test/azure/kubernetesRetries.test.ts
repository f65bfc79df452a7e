import { describe, expect, it } from "vitest";
import { backoffDelayMs, defaultKubernetesRetries, serverDelayMs } from "../../src/azure/kubernetesRetries.js";

describe("Kubernetes API retry waits", () => {
  it("takes the server's wait from retry-after-ms, Retry-After seconds or an HTTP date", () => {
    expect(serverDelayMs({ "retry-after-ms": "250", "retry-after": "9" })).toBe(250);
    expect(serverDelayMs({ "retry-after": "2" })).toBe(2000);
    const now = Date.parse("2026-11-23T10:00:00Z");
    expect(serverDelayMs({ "retry-after": "Mon, 23 Nov 2026 10:00:03 GMT" }, now)).toBe(3000);
    expect(serverDelayMs({ "retry-after": "Mon, 23 Nov 2026 09:00:00 GMT" }, now)).toBe(0);
  });

  it("falls back to jittered exponential backoff when the server names no wait or an unreadable one", () => {
    expect(serverDelayMs({})).toBeNull();
    expect(serverDelayMs({ "retry-after": "soon" })).toBeNull();
    expect(serverDelayMs({ "retry-after-ms": "-5" })).toBeNull();
    const waits = [0, 1, 2, 3, 10].map((retry) => backoffDelayMs(defaultKubernetesRetries, retry, () => 1));
    expect(waits).toEqual([400, 800, 1600, 3200, 8000]);
    expect(backoffDelayMs(defaultKubernetesRetries, 2, () => 0.5)).toBe(800);
  });
});
