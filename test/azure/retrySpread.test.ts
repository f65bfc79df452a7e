import {
  createHttpHeaders,
  createPipelineFromOptions,
  createPipelineRequest,
  type HttpClient,
} from "@azure/core-rest-pipeline";
import { describe, expect, it } from "vitest";
import { createAzureClientFactory } from "../../src/azure/clients.js";
import { loadConfig } from "../../src/config.js";
import { requestedWaitMs, spreadDelayMs, spreadThrottledRetries } from "../../src/azure/retrySpread.js";

describe("spreading throttled retries", () => {
  it("takes the service's wait from retry-after-ms, x-ms-retry-after-ms, Retry-After seconds or an HTTP date", () => {
    const wait = (headers: Record<string, string>, now?: number) => requestedWaitMs((name) => headers[name], now);
    expect(wait({ "retry-after-ms": "250", "retry-after": "9" })).toBe(250);
    expect(wait({ "x-ms-retry-after-ms": "70", "retry-after": "9" })).toBe(70);
    expect(wait({ "retry-after": "2" })).toBe(2000);
    const now = Date.parse("2026-11-23T10:00:00Z");
    expect(wait({ "retry-after": "Mon, 23 Nov 2026 10:00:03 GMT" }, now)).toBe(3000);
    expect(wait({ "retry-after": "Mon, 23 Nov 2026 09:00:00 GMT" }, now)).toBe(0);
  });

  it("waits at least what the service asked, and spreads later refusals wider", () => {
    expect(spreadDelayMs(1000, 1, () => 0)).toBe(1000);
    expect(spreadDelayMs(1000, 1, () => 1)).toBe(2000);
    expect(spreadDelayMs(1000, 2, () => 1)).toBe(3000);
    expect(spreadDelayMs(1000, 3, () => 0.5)).toBe(3000);
  });

  it("makes the SDK's own retry policy wait the spread time after each 429", async () => {
    const attempts: number[] = [];
    // The service: refuses twice with retry-after-ms 40, then answers.
    const service: HttpClient = {
      async sendRequest(request) {
        attempts.push(performance.now());
        const refused = attempts.length <= 2;
        return {
          request,
          status: refused ? 429 : 200,
          headers: createHttpHeaders(refused ? { "retry-after-ms": "40", "Retry-After": "1" } : {}),
        };
      },
    };
    const pipeline = createPipelineFromOptions({ retryOptions: { maxRetries: 3 } });
    pipeline.addPolicy(
      spreadThrottledRetries(() => 1),
      { afterPhase: "Sign" },
    );
    const response = await pipeline.sendRequest(service, createPipelineRequest({ url: "https://arm.test/x" }));
    expect(response.status).toBe(200);
    expect(attempts).toHaveLength(3);
    const [first = 0, second = 0, third = 0] = attempts;
    // random() = 1: the first refusal waits 2 × 40 ms, the second 3 × 40 ms (not Retry-After's whole second).
    expect(second - first).toBeGreaterThanOrEqual(78);
    expect(second - first).toBeLessThan(900);
    expect(third - second).toBeGreaterThanOrEqual(118);
    expect(third - second).toBeLessThan(900);
  });

  it("runs in every SDK client the activities use, after the client's retry policy", () => {
    const clients = createAzureClientFactory(loadConfig({}).azure, { getToken: () => Promise.resolve(null) })("sub");
    for (const client of [
      clients.resources,
      clients.features,
      clients.network,
      clients.msi,
      clients.authorization,
      clients.containerService,
    ]) {
      const names = client.pipeline.getOrderedPolicies().map((policy) => policy.name);
      expect(names.indexOf("spreadThrottledRetries")).toBeGreaterThan(names.indexOf("defaultRetryPolicy"));
      expect(names.indexOf("defaultRetryPolicy")).toBeGreaterThanOrEqual(0);
    }
  });
});
