import { createServer } from "node:http";
import type { AddressInfo } from "node:net";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { requestFor, startTestStack, type TestStack } from "./harness.js";

let stack: TestStack;

beforeAll(async () => {
  stack = await startTestStack();
});

afterAll(async () => {
  await stack?.close();
});

function inventoryOf(resourceGroup: string) {
  return stack.sim.control
    .inventory()
    .filter((resource: { id: string }) =>
      resource.id.toLowerCase().includes(`/resourcegroups/${resourceGroup.toLowerCase()}`),
    );
}

function typesOf(resources: { type: string }[]) {
  const counts: Record<string, number> = {};
  for (const resource of resources)
    counts[resource.type.toLowerCase()] = (counts[resource.type.toLowerCase()] ?? 0) + 1;
  return counts;
}

async function provision(body: unknown) {
  const started = await stack.api("/api/clusters", { method: "POST", body });
  expect(started.status, JSON.stringify(started.body)).toBe(202);
  expect(started.headers.get("location")).toBe(started.body.statusUrl);
  expect(started.headers.get("retry-after")).not.toBeNull();
  return { id: started.body.id as string, final: await stack.waitForFinal(started.body.id) };
}

describe.each(["pod-subnet", "node-subnet", "kubenet", "overlay"] as const)(
  "provisioning a %s cluster end to end",
  (mode) => {
    it("reaches Succeeded with every IP where the plan put it, creating each resource once", async () => {
      const request = requestFor(mode);
      const { final } = await provision(request);
      expect(final.error, JSON.stringify(final.error)).toBeNull();
      expect(final.status).toBe("Succeeded");
      expect(final.ipVerification.passed).toBe(true);
      expect(final.ipVerification.summary.nodes).toBe(3);
      expect(final.ipVerification.pods.length).toBeGreaterThan(3);
      expect(final.ipVerification.pods.some((pod: { hostNetwork: boolean }) => pod.hostNetwork)).toBe(true);
      expect(final.ipVerification.pods.some((pod: { hostNetwork: boolean }) => !pod.hostNetwork)).toBe(true);
      const expectedPodRange =
        mode === "pod-subnet" ? "pod-subnet" : mode === "node-subnet" ? "node-subnet" : "pod-cidr";
      for (const pod of final.ipVerification.pods) {
        expect(pod.expected).toBe(pod.hostNetwork ? "node-subnet" : expectedPodRange);
        expect(pod.actual).toBe(pod.expected);
      }
      expect(final.roleChecks.every((check: { present: boolean }) => check.present)).toBe(true);
      expect(final.roleChecks.map((check: { role: string }) => check.role)).toContain("Contributor");
      const statuses = Object.fromEntries(
        final.steps.map((step: { name: string; status: string }) => [step.name, step.status]),
      );
      expect(statuses.routeTable).toBe(mode === "kubenet" ? "succeeded" : "skipped");
      expect(statuses.features).toBe(mode === "pod-subnet" ? "succeeded" : "skipped");
      expect(final.resources.clusterId).toMatch(/managedClusters\/aks-/i);

      const types = typesOf(inventoryOf(request.resourceGroup));
      expect(types["microsoft.network/virtualnetworks"]).toBe(1);
      expect(types["microsoft.managedidentity/userassignedidentities"]).toBe(1);
      expect(types["microsoft.containerservice/managedclusters"]).toBe(1);
      // Status documents never carry credentials.
      expect(JSON.stringify(final)).not.toMatch(/kubeconfig|client-key-data|token:|BEGIN CERTIFICATE|clientSecret/i);
    });
  },
);

describe("idempotency and conflicts", () => {
  it("creates nothing new when the same request is posted again after success", async () => {
    const request = requestFor("pod-subnet", "aks-repost");
    const first = await provision(request);
    expect(first.final.status).toBe("Succeeded");
    const before = inventoryOf(request.resourceGroup).length;
    const logStart = stack.sim.control.requestLog().length;

    const second = await provision(request);
    expect(second.id).toBe(first.id);
    expect(second.final.status).toBe("Succeeded");
    expect(inventoryOf(request.resourceGroup)).toHaveLength(before);
    const writes = stack.sim.control
      .requestLog()
      .slice(logStart)
      .filter((entry: { method: string; path: string }) => entry.method === "PUT" && !/\/_sim\//.test(entry.path));
    expect(writes, JSON.stringify(writes)).toEqual([]);
  });

  it("starts one run when the same request arrives twice at once", async () => {
    const request = requestFor("kubenet", "aks-race");
    const [a, b, c] = await Promise.all(
      [1, 2, 3].map(() => stack.api("/api/clusters", { method: "POST", body: request })),
    );
    expect([a?.status, b?.status, c?.status]).toEqual([202, 202, 202]);
    expect(new Set([a?.body.id, b?.body.id, c?.body.id]).size).toBe(1);
    expect((await stack.waitForFinal(a?.body.id)).status).toBe("Succeeded");
    const clusterPuts = stack.sim.control
      .requestLog()
      .filter(
        (entry: { method: string; path: string }) =>
          entry.method === "PUT" && entry.path.endsWith("/managedClusters/aks-race"),
      );
    expect(clusterPuts).toHaveLength(1);
  });

  it("answers the same id for an identical request while it runs, and 409 for a different spec", async () => {
    const request = requestFor("node-subnet", "aks-conflict");
    const first = await stack.api("/api/clusters", { method: "POST", body: request });
    const again = await stack.api("/api/clusters", { method: "POST", body: request });
    expect(again.status).toBe(202);
    expect(again.body.id).toBe(first.body.id);
    const changed = await stack.api("/api/clusters", {
      method: "POST",
      body: { ...request, nodePool: { count: 4 } },
    });
    expect(changed.status).toBe(409);
    expect(changed.headers.get("content-type")).toContain("application/problem+json");
    expect((await stack.waitForFinal(first.body.id)).status).toBe("Succeeded");
  });
});

describe("bad input never reaches Azure", () => {
  it("rejects an undersized node subnet with every violation and sends no ARM request", async () => {
    const logStart = stack.sim.control.requestLog().length;
    const request = requestFor("node-subnet", "aks-too-small");
    request.network.nodeSubnet.addressPrefix = "10.10.0.0/26"; // 4 nodes × 31 addresses do not fit in 59
    request.network.dnsServiceIp = "10.0.0.0";
    const response = await stack.api("/api/clusters", { method: "POST", body: request });
    expect(response.status).toBe(400);
    expect(response.headers.get("content-type")).toContain("application/problem+json");
    const codes = response.body.errors.map((error: { code: string }) => error.code);
    expect(codes).toContain("subnet-too-small");
    expect(codes).toContain("dns-ip-is-network-address");
    expect(stack.sim.control.requestLog().slice(logStart)).toEqual([]);
  });

  it("answers 400 for a body that is not JSON, 401 without the key, 404 for an unknown id", async () => {
    expect((await stack.api("/api/clusters", { method: "POST", body: "{nope" })).status).toBe(400);
    expect((await stack.api("/api/clusters", { method: "GET", key: null })).status).toBe(401);
    expect((await stack.api("/api/health", { key: null })).status).toBe(200);
    const missing = await stack.api("/api/clusters/cdoesnotexist");
    expect(missing.status).toBe(404);
    expect(missing.headers.get("content-type")).toContain("application/problem+json");
  });

  it("describes itself in OpenAPI, with the request schema the API validates with", async () => {
    const response = await stack.api("/api/openapi.json");
    expect(response.status).toBe(200);
    expect(response.body.openapi).toBe("3.1.0");
    expect(Object.keys(response.body.paths)).toEqual(
      expect.arrayContaining(["/clusters", "/clusters/{id}", "/plans", "/clusters/{id}/cancel", "/health"]),
    );
    const schema = response.body.components.schemas.ClusterRequest;
    expect(schema.required).toEqual(
      expect.arrayContaining(["subscriptionId", "resourceGroup", "location", "clusterName", "network"]),
    );
    expect(schema.properties.network.properties.mode.enum).toEqual(["pod-subnet", "node-subnet", "kubenet", "overlay"]);
  });

  it("plans without touching Azure", async () => {
    const logStart = stack.sim.control.requestLog().length;
    const response = await stack.api("/api/plans", { method: "POST", body: requestFor("kubenet", "aks-plan") });
    expect(response.status).toBe(200);
    expect(response.body.valid).toBe(true);
    expect(response.body.plan.podIpSource).toBe("pod-cidr");
    const modes = Object.fromEntries(
      response.body.modes.map((m: { mode: string; vnetAddressesConsumedAtSurge: number }) => [
        m.mode,
        m.vnetAddressesConsumedAtSurge,
      ]),
    );
    expect(modes.kubenet).toBe(4 + 5);
    expect(modes["node-subnet"]).toBe(4 * 31 + 5);
    expect(stack.sim.control.requestLog().slice(logStart)).toEqual([]);
  });
});

describe("Azure faults", () => {
  it("still succeeds through throttling, 503s, Entra replication and AnotherOperationInProgress", async () => {
    const request = requestFor("pod-subnet", "aks-faults");
    stack.sim.control.setConfig({ principalNotFoundWindowMs: 6_000 });
    stack.sim.control.addFault({
      method: "PUT",
      path: "/resourcegroups/rg-aks-faults$",
      count: 2,
      status: 429,
      code: "SubscriptionRequestsThrottled",
      retryAfterMs: 20,
    });
    stack.sim.control.addFault({
      method: "PUT",
      path: "/virtualNetworks/vnet-aks$",
      count: 1,
      status: 503,
      code: "ServiceUnavailable",
      retryAfterMs: 20,
    });
    stack.sim.control.addFault({
      method: "PUT",
      path: "/managedClusters/aks-faults$",
      count: 1,
      status: 409,
      code: "AnotherOperationInProgress",
      retryAfterMs: 20,
    });
    try {
      const { final } = await provision(request);
      expect(final.error, JSON.stringify(final.error)).toBeNull();
      expect(final.status).toBe("Succeeded");
      // With principalType set, ARM assigns the role during Entra replication: no PrincipalNotFound retries.
      const roleStep = final.steps.find((step: { name: string }) => step.name === "roleAssignments");
      expect(roleStep.attempts).toBe(1);
      const fired = stack.sim.control.faults().map((fault) => fault.fired);
      expect(
        fired.every((count) => count > 0),
        JSON.stringify(fired),
      ).toBe(true);
    } finally {
      stack.sim.control.clearFaults();
      stack.sim.control.setConfig({ principalNotFoundWindowMs: 0 });
    }
  });

  it("retries a parallel step that fails after its sibling finished, and replays without nondeterminism", async () => {
    const request = requestFor("overlay", "aks-late-branch");
    // Four 500s outlast the SDK's own three retries, so the identity activity fails once, after the network is done.
    stack.sim.control.addFault({
      method: "PUT",
      path: "/userAssignedIdentities/id-aks-late-branch$",
      count: 4,
      status: 500,
      code: "InternalServerError",
    });
    try {
      const { final } = await provision(request);
      expect(final.error, JSON.stringify(final.error)).toBeNull();
      expect(final.status).toBe("Succeeded");
      const step = (name: string) => final.steps.find((s: { name: string }) => s.name === name);
      expect(Date.parse(step("identity").completedAt)).toBeGreaterThan(Date.parse(step("network").completedAt));
      expect(stack.sim.control.faults()[0]?.fired).toBe(4);
      const identities = inventoryOf(request.resourceGroup).filter((r: { type: string }) =>
        /userAssignedIdentities/i.test(r.type),
      );
      expect(identities).toHaveLength(1);
    } finally {
      stack.sim.control.clearFaults();
    }
  });

  it("ends Failed with the ARM code and step for a non-retryable failure", async () => {
    const request = requestFor("overlay", "aks-quota");
    stack.sim.control.addFault({
      method: "PUT",
      path: "/managedClusters/aks-quota$",
      count: 1,
      status: 400,
      code: "ErrCode_InsufficientVCPUQuota",
      message: "Insufficient regional vcpu quota left for location eastus2",
    });
    try {
      const { final } = await provision(request);
      expect(final.status).toBe("Failed");
      expect(final.error).toMatchObject({ step: "cluster", code: "ErrCode_InsufficientVCPUQuota" });
    } finally {
      stack.sim.control.clearFaults();
    }
  });
});

describe("kubenet route table and cancel", () => {
  it("attaches AKS's route table to the node subnet when AKS left it unassociated (the seed-2 bug)", async () => {
    stack.sim.control.setConfig({ associateRouteTable: false });
    try {
      const request = { ...requestFor("kubenet", "aks-route-repair"), verify: { demoWorkload: true } };
      const { final } = await provision(request);
      expect(final.status).toBe("Succeeded");
      const step = final.steps.find((s: { name: string }) => s.name === "routeTable");
      expect(step.detail).toBe("route table was not associated with the node subnet; associated it");
      const demo = final.steps.find((s: { name: string }) => s.name === "demoWorkload");
      expect(demo.status).toBe("succeeded");
      expect(demo.detail).toMatch(/^3 pods in pod-cidr, internal LB 172\.16\.\d+\.\d+; removed$/);
      expect(final.resources.routeTableId).toMatch(
        /\/resourceGroups\/MC_rg-aks-route-repair_aks-route-repair_eastus2\/providers\/Microsoft.Network\/routeTables\//i,
      );
      const subnets = stack.sim.control
        .inventory()
        .filter(
          (r: { type: string; id: string }) =>
            r.type === "Microsoft.Network/virtualNetworks/subnets" && r.id.includes("rg-aks-route-repair"),
        );
      expect(subnets).toHaveLength(1);
    } finally {
      stack.sim.control.setConfig({ associateRouteTable: true });
    }
  });

  it("cancels a running provisioning run", async () => {
    const request = requestFor("overlay", "aks-cancel");
    stack.sim.control.setConfig({ timeScale: 0.05 });
    try {
      const started = await stack.api("/api/clusters", { method: "POST", body: request });
      expect(started.status).toBe(202);
      const canceled = await stack.api(`/api/clusters/${started.body.id}/cancel`, { method: "POST" });
      expect(canceled.status).toBe(202);
      const final = await stack.waitForFinal(started.body.id);
      expect(final.status).toBe("Canceled");
      expect((await stack.api(`/api/clusters/${started.body.id}/cancel`, { method: "POST" })).status).toBe(409);
    } finally {
      stack.sim.control.setConfig({ timeScale: 0.002 });
    }
  });
});

describe("teardown", () => {
  // A pipeline DELETEs the moment the run reads Succeeded, while the run still sends its completion event (here to a
  // webhook that takes 2 s to answer; on the real extension even a prompt one leaves a window of queue hops).
  it("removes the whole resource group and reports Deleted at the same status URL", async () => {
    const receiver = createServer((request, response) => {
      request.resume();
      setTimeout(() => response.writeHead(200).end(), 2_000);
    });
    await new Promise<void>((resolve) => receiver.listen(0, "127.0.0.1", resolve));
    try {
      const url = `http://127.0.0.1:${(receiver.address() as AddressInfo).port}/hooks`;
      const request = { ...requestFor("kubenet", "aks-teardown"), notify: { url } };
      const started = await stack.api("/api/clusters", { method: "POST", body: request });
      expect(started.status, JSON.stringify(started.body)).toBe(202);
      const id = started.body.id as string;
      const until = Date.now() + 50_000;
      while ((await stack.api(`/api/clusters/${id}`)).body.status !== "Succeeded" && Date.now() < until)
        await new Promise((resolve) => setTimeout(resolve, 50));
      const response = await stack.api(`/api/clusters/${id}?scope=resourceGroup`, { method: "DELETE" });
      expect(response.status, JSON.stringify(response.body)).toBe(202);
      const deleted = await stack.waitForFinal(id);
      expect(deleted.status, JSON.stringify(deleted.error)).toBe("Deleted");
      expect(deleted.steps.at(-1)).toMatchObject({ name: "deleteResourceGroup", status: "succeeded" });
      expect(deleted.deliveries).toContainEqual(
        expect.objectContaining({ type: "aks.provisioning.succeeded", outcome: "delivered" }),
      );
      expect(inventoryOf(request.resourceGroup)).toEqual([]);
    } finally {
      receiver.closeAllConnections();
      await new Promise((resolve) => receiver.close(resolve));
    }
  });

  it("removes only the cluster (and its node resource group) by default, keeping network and identity", async () => {
    const request = requestFor("overlay", "aks-teardown-cluster");
    const { id, final } = await provision(request);
    expect(final.status).toBe("Succeeded");
    expect((await stack.api(`/api/clusters/${id}`, { method: "DELETE" })).status).toBe(202);
    const deleted = await stack.waitForFinal(id);
    expect(deleted.status, JSON.stringify(deleted.error)).toBe("Deleted");
    expect(deleted.steps.at(-1)).toMatchObject({ name: "deleteCluster", status: "succeeded" });
    const types = typesOf(inventoryOf(request.resourceGroup));
    expect(types["microsoft.containerservice/managedclusters"]).toBeUndefined();
    expect(types["microsoft.network/virtualnetworks"]).toBe(1);
    expect(types["microsoft.managedidentity/userassignedidentities"]).toBe(1);
    expect(
      stack.sim.control
        .inventory()
        .some((r: { id: string }) => /resourceGroups\/MC_rg-aks-teardown-cluster_/i.test(r.id)),
    ).toBe(false);
    // A deleted cluster can be provisioned again under the same id.
    const again = await provision(request);
    expect(again.id).toBe(id);
    expect(again.final.status, JSON.stringify(again.final.error)).toBe("Succeeded");
  });

  it("lists runs with a status filter and pages", async () => {
    const response = await stack.api("/api/clusters?status=Succeeded&top=2");
    expect(response.status).toBe(200);
    expect(response.body.items.length).toBeLessThanOrEqual(2);
    expect(response.body.items.every((item: { status: string }) => item.status === "Succeeded")).toBe(true);
    if (response.body.continuationToken !== null) {
      const next = await stack.api(
        `/api/clusters?status=Succeeded&top=2&continuationToken=${response.body.continuationToken}`,
      );
      expect(next.status).toBe(200);
      expect(next.body.items[0]?.id).not.toBe(response.body.items[0]?.id);
    }
    expect((await stack.api("/api/clusters?top=0")).status).toBe(400);
  });
});
