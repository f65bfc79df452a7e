/**
 * Token-bucket throttling with the published limits (ARM's request-limits-and-throttling page; the AKS docs'
 * quotas-skus-regions.md): ARM's remaining-requests headers, 429 SubscriptionRequestsThrottled once a
 * principal's read bucket (250 burst) is empty, AKS's per-cluster PUT bucket (20 burst, 1 per minute) answering
 * 429 Throttled, Retry-After on each, and refill on the simulated clock.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startAzureSimulator, type AzureSimulator } from "../../local/azure-sim/index.js";
import { armToken, call } from "./seedCluster.js";

let sim: AzureSimulator;
let token: string;
const sub = "55555555-6666-7777-8888-999999999999";

beforeAll(async () => {
  sim = await startAzureSimulator({ timeScale: 1, emitRetryAfter: false, throttling: true });
  token = await armToken(sim);
  await call(sim, token, "PUT", `/subscriptions/${sub}/resourceGroups/rg?api-version=2025-04-01`, {
    location: "eastus",
  });
});

afterAll(async () => {
  await sim?.close();
});

describe("throttling", () => {
  it("counts reads down in x-ms-ratelimit-remaining-subscription-reads and refuses reads once the 250 burst is spent, with Retry-After", async () => {
    const path = `/subscriptions/${sub}/resourceGroups/rg?api-version=2025-04-01`;
    const first = await call(sim, token, "GET", path);
    const second = await call(sim, token, "GET", path);
    expect(Number(second.headers["x-ms-ratelimit-remaining-subscription-reads"])).toBe(
      Number(first.headers["x-ms-ratelimit-remaining-subscription-reads"]) - 1,
    );
    let refused = null;
    // 25 tokens per second refill while the loop runs, so it takes somewhat more than 250.
    for (let i = 0; i < 1000 && refused === null; i += 1) {
      const response = await call(sim, token, "GET", path);
      if (response.status === 429) refused = response;
    }
    expect(refused?.body.error.code).toBe("SubscriptionRequestsThrottled");
    expect(Number(refused?.headers["retry-after"])).toBeGreaterThanOrEqual(1);
    // Writes have their own bucket.
    expect(
      (
        await call(sim, token, "PUT", `/subscriptions/${sub}/resourceGroups/rg2?api-version=2025-04-01`, {
          location: "eastus",
        })
      ).status,
    ).toBe(201);
  });

  it("limits PUTs of one managed cluster to 20 then 1 per minute (429 Throttled), refilled on the simulated clock", async () => {
    const path = `/subscriptions/${sub}/resourceGroups/rg2/providers/Microsoft.ContainerService/managedClusters/c1?api-version=2026-04-01`;
    const statuses: number[] = [];
    for (let i = 0; i < 21; i += 1)
      statuses.push((await call(sim, token, "PUT", path, { location: "eastus", properties: {} })).status);
    expect(statuses.slice(0, 20).every((status) => status !== 429)).toBe(true);
    const refused = await call(sim, token, "PUT", path, { location: "eastus", properties: {} });
    expect(refused.status).toBe(429);
    expect(refused.body.error.code).toBe("Throttled");
    expect(Number(refused.headers["retry-after"])).toBeGreaterThan(30);
    // Another cluster has its own bucket.
    expect(
      (await call(sim, token, "PUT", path.replace("/c1?", "/c2?"), { location: "eastus", properties: {} })).status,
    ).not.toBe(429);
    // At time scale 0.001 a simulated minute is 60 ms.
    sim.control.setConfig({ timeScale: 0.001 });
    await new Promise((resolve) => setTimeout(resolve, 100));
    expect((await call(sim, token, "PUT", path, { location: "eastus", properties: {} })).status).not.toBe(429);
  });
});
