/**
 * API server access through the whole local stack: a private cluster with API server VNet integration is built and
 * its IPs verified through AKS run command — the simulator's request log shows no request to its Kubernetes API — and
 * a public cluster with authorized IP ranges is built and read directly.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { overlaySpec, startTestStack, type TestStack } from "./harness.js";

let stack: TestStack;

beforeAll(async () => {
  stack = await startTestStack();
});

afterAll(async () => {
  await stack?.close();
});

const kubernetesPath = /^\/(api|apis|version|openapi)(\/|$)/;

function body(name: string, apiServer: Record<string, unknown>, apiServerSubnet: boolean): Record<string, unknown> {
  return overlaySpec(
    name,
    "10.50.0.0/16",
    { name: "snet-nodes", addressPrefix: "10.50.0.0/22" },
    {
      network: {
        ...(apiServerSubnet ? { apiServerSubnet: { name: "snet-apiserver", addressPrefix: "10.50.4.0/28" } } : {}),
        outbound: { type: "loadBalancer" },
      },
      apiServer,
      nodePool: { name: "system", vmSize: "Standard_D2s_v5", count: 2, maxSurge: 1 },
    },
  );
}

describe("API server access end to end", () => {
  it("provisions a private, VNet-integrated cluster and verifies its IPs through run command only", async () => {
    const logStart = stack.sim.control.requestLog().length;
    const startedAt = Date.now();
    const started = await stack.api("/api/clusters", {
      method: "POST",
      body: body("aks-private", { private: true, vnetIntegration: true }, true),
    });
    expect(started.status, JSON.stringify(started.body)).toBe(202);
    const final = await stack.waitForFinal(started.body.id);
    const elapsedMs = Date.now() - startedAt;
    expect(final.error, JSON.stringify(final.error)).toBeNull();
    expect(final.status).toBe("Succeeded");
    expect(final.ipVerification.passed).toBe(true);
    expect(final.ipVerification.summary.mismatches).toBe(0);
    expect(final.resources.apiServerSubnetId).toMatch(/\/subnets\/snet-apiserver$/);
    const apiServerRole = final.roleChecks.find((check: { scope: string }) => check.scope.endsWith("/snet-apiserver"));
    expect(apiServerRole).toMatchObject({ role: "Network Contributor", present: true });
    const steps = Object.fromEntries(final.steps.map((step: { name: string; detail: string }) => [step.name, step]));
    expect(steps.roleChecks.detail).toMatch(
      /API server subnet delegated to Microsoft\.ContainerService\/managedClusters/,
    );

    const log = stack.sim.control.requestLog().slice(logStart);
    expect(log.filter((entry) => kubernetesPath.test(entry.path))).toEqual([]);
    const runCommands = log.filter((entry) => entry.method === "POST" && entry.path.endsWith("/runCommand"));
    const resultReads = log.filter((entry) => entry.path.includes("/commandResults/"));
    expect(runCommands.length).toBeGreaterThanOrEqual(2);
    expect(runCommands.every((entry) => entry.status === 202)).toBe(true);
    expect(resultReads.some((entry) => entry.status === 200)).toBe(true);
    // The numbers behind the report: how many run-command round trips a private verification took.
    console.info(
      `private cluster: ${elapsedMs} ms, ${runCommands.length} runCommand POSTs, ${resultReads.length} commandResults GETs, ${log.length} requests in all`,
    );

    const cluster = stack.sim.control
      .inventory()
      .find((resource) => resource.id.toLowerCase().endsWith("/managedclusters/aks-private"));
    expect(cluster?.provisioningState).toBe("Succeeded");
  });

  it("provisions a public cluster with authorized IP ranges and reads its API server directly", async () => {
    const logStart = stack.sim.control.requestLog().length;
    const started = await stack.api("/api/clusters", {
      method: "POST",
      body: body("aks-ranges", { authorizedIpRanges: ["203.0.113.0/24"] }, false),
    });
    expect(started.status, JSON.stringify(started.body)).toBe(202);
    const final = await stack.waitForFinal(started.body.id);
    expect(final.error, JSON.stringify(final.error)).toBeNull();
    expect(final.ipVerification.passed).toBe(true);
    const log = stack.sim.control.requestLog().slice(logStart);
    const put = log.find((entry) => entry.method === "PUT" && /managedClusters\/aks-ranges$/i.test(entry.path));
    expect(put?.status).toBe(201);
    expect(log.some((entry) => kubernetesPath.test(entry.path))).toBe(true);
    expect(log.some((entry) => entry.path.endsWith("/runCommand"))).toBe(false);
  });

  it("refuses the demo workload on a private cluster before any Azure call", async () => {
    const logStart = stack.sim.control.requestLog().length;
    const refused = await stack.api("/api/clusters", {
      method: "POST",
      body: { ...body("aks-private-demo", { private: true }, false), verify: { demoWorkload: true } },
    });
    expect(refused.status).toBe(400);
    expect(refused.body.errors).toEqual([
      expect.objectContaining({ path: "verify.demoWorkload", code: "not-yet-provisionable" }),
    ]);
    expect(stack.sim.control.requestLog().length).toBe(logStart);
  });
});
