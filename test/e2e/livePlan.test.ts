/**
 * POST /api/plans?live=true through the local host and the simulator: quota exceeded, a conflicting existing subnet,
 * a missing permission, all ok, and a bad subscription — each answered without creating anything (the simulator's
 * request log shows only GET and HEAD, apart from the token request).
 */
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { createSeed1, seed1 } from "../azure-sim/seedCluster.js";
import { startTestStack, subscriptionId, type TestStack } from "./harness.js";

let stack: TestStack;

beforeAll(async () => {
  stack = await startTestStack();
  await createSeed1(stack.sim); // rg-aks-podsubnet with vnet-aks 10.240.0.0/12: snet-nodes, snet-pods, snet-services
}, 60_000);

afterAll(async () => {
  await stack?.close();
});

beforeEach(() => {
  stack.sim.control.clearFaults();
  stack.sim.control.setConfig({ computeQuotas: {}, callerPermissions: [{ actions: ["*"], notActions: [] }] });
});

const vnetId = `/subscriptions/${subscriptionId}/resourceGroups/${seed1.rg}/providers/Microsoft.Network/virtualNetworks/vnet-aks`;

function request(patch: Record<string, unknown> = {}) {
  return {
    subscriptionId,
    resourceGroup: seed1.rg,
    location: seed1.location,
    clusterName: "aks-live",
    network: {
      mode: "overlay",
      vnet: { id: vnetId },
      nodeSubnet: { name: "snet-live", addressPrefix: "10.245.0.0/24" },
    },
    nodePools: [
      { name: "system", mode: "System", vmSize: "Standard_D4s_v5", count: 3, maxSurge: 1 },
      { name: "apps", mode: "User", vmSize: "Standard_D8s_v5", count: 2, minCount: 2, maxCount: 8, maxSurge: 1 },
    ],
    ...patch,
  };
}

async function livePlan(body: unknown) {
  const logged = stack.sim.control.requestLog().length;
  const inventory = stack.sim.control.inventory().length;
  const started = performance.now();
  const response = await stack.api("/api/plans?live=true", { method: "POST", body });
  const elapsedMs = Math.round(performance.now() - started);
  const requests = stack.sim.control.requestLog().slice(logged);
  const writes = requests.filter(
    (entry) => !["GET", "HEAD"].includes(entry.method) && !entry.path.includes("/oauth2/"),
  );
  expect(writes).toEqual([]);
  expect(stack.sim.control.inventory()).toHaveLength(inventory);
  return { ...response, elapsedMs, armRequests: requests.length };
}

const brief = (checks: { code: string; path: string; status: string }[]) =>
  checks.filter((check) => check.status !== "ok").map((check) => [check.code, check.path, check.status]);

describe("POST /api/plans?live=true", () => {
  it("all ok: the plan as before, plus live checks that pass", async () => {
    const { status, body, elapsedMs, armRequests } = await livePlan(request());
    expect(status).toBe(200);
    expect(body).toMatchObject({ valid: true, live: { passed: true, errors: 0 } });
    expect(body.plan).not.toBeNull();
    const codes = body.live.checks.map((check: { code: string }) => check.code);
    expect(codes).toEqual(
      expect.arrayContaining([
        "vcpu-quota",
        "regional-vcpu-quota",
        "vnet",
        "subnet-fits",
        "provider-registration",
        "permission",
      ]),
    );
    // The simulator's provider starts NotRegistered: a warning, not an error.
    expect(brief(body.live.checks)).toEqual([["provider-registration", "subscriptionId", "warning"]]);
    console.info(`live plan, all ok: ${elapsedMs} ms, ${armRequests} ARM requests`);
  });

  it("without ?live the answer has no live section and Azure is not called", async () => {
    const logged = stack.sim.control.requestLog().length;
    const { status, body } = await stack.api("/api/plans", { method: "POST", body: request() });
    expect(status).toBe(200);
    expect(body.live).toBeUndefined();
    expect(stack.sim.control.requestLog()).toHaveLength(logged);
  });

  it("quota exceeded: an error naming the family and the numbers", async () => {
    stack.sim.control.setConfig({ computeQuotas: { standardDSv5Family: 60 } });
    const { status, body } = await livePlan(request());
    expect(status).toBe(200);
    expect(body.valid).toBe(true); // the request itself is fine; Azure would refuse the run
    expect(body.live).toMatchObject({ passed: false, errors: 1 });
    const [quota] = body.live.checks.filter((check: { status: string }) => check.status === "error");
    // system (3 + 1) × 4 + apps (8 + 1) × 8 = 88 vCPUs; seed 1's 3 × D2s_v5 use 6 of the 60
    expect(quota).toMatchObject({
      code: "vcpu-quota",
      family: "standardDSv5Family",
      needed: 88,
      used: 6,
      limit: 60,
      available: 54,
    });
    expect(quota.message).toContain("Standard DSv5 Family vCPUs quota exceeded");
  });

  it("a requested subnet overlapping an existing one is reported with the existing subnet's id", async () => {
    const { body } = await livePlan(
      request({
        network: {
          mode: "overlay",
          vnet: { id: vnetId },
          nodeSubnet: { name: "snet-live", addressPrefix: "10.243.128.0/24" },
        },
      }),
    );
    expect(body.live.passed).toBe(false);
    const [conflict] = body.live.checks.filter((check: { code: string }) => check.code === "subnet-conflicts-existing");
    expect(conflict).toMatchObject({
      path: "network.nodeSubnet.addressPrefix",
      status: "error",
      conflicts: [{ id: `${vnetId}/subnets/snet-nodes`, name: "snet-nodes", addressPrefix: "10.243.0.0/16" }],
    });
  });

  it("a missing permission is an error naming the action and the scope", async () => {
    stack.sim.control.setConfig({
      callerPermissions: [{ actions: ["*"], notActions: ["Microsoft.Authorization/*/Write"] }],
    });
    const { body } = await livePlan(request());
    expect(brief(body.live.checks)).toEqual([
      ["provider-registration", "subscriptionId", "warning"],
      ["permission", "network.vnet.id", "error"],
    ]);
    const [denied] = body.live.checks.filter((check: { status: string }) => check.status === "error");
    expect(denied).toMatchObject({
      action: "Microsoft.Authorization/roleAssignments/write",
      scope: `/subscriptions/${subscriptionId}/resourceGroups/${seed1.rg}`,
    });
  });

  it("a subscription ARM does not know: 404 problem+json naming the subscription", async () => {
    const bad = "99999999-0000-4000-8000-000000000000";
    stack.sim.control.addFault({
      path: `^/subscriptions/${bad}/`,
      status: 404,
      code: "SubscriptionNotFound",
      message: `The subscription '${bad}' could not be found.`,
    });
    const { status, headers, body } = await livePlan(request({ subscriptionId: bad }));
    expect(status).toBe(404);
    expect(headers.get("content-type")).toContain("application/problem+json");
    expect(body).toMatchObject({ status: 404, errors: [{ path: "subscriptionId", code: "SubscriptionNotFound" }] });
    expect(body.detail).toContain(bad);
  });

  it("ARM unreachable for the subscription (every try refused): 502 problem+json, no stack, no secret", async () => {
    stack.sim.control.addFault({
      path: "/providers/Microsoft.ContainerService$",
      status: 503,
      code: "ServiceUnavailable",
      retryAfterSeconds: 0,
    });
    const { status, body } = await livePlan(request());
    expect(status).toBe(502);
    expect(body).toMatchObject({ status: 502, errors: [{ path: "subscriptionId", code: "ServiceUnavailable" }] });
    const text = JSON.stringify(body);
    expect(text).not.toContain(stack.sim.clientSecret);
    expect(text).not.toMatch(/\bat \S+\.js/);
  });

  it("an invalid value of live is refused", async () => {
    const { status, body } = await stack.api("/api/plans?live=yes", { method: "POST", body: request() });
    expect(status).toBe(400);
    expect(body.errors).toEqual([expect.objectContaining({ path: "live", code: "invalid-query" })]);
  });
});
