/**
 * Day 2 through the local stack: a built cluster changed by POSTing its spec again. A pool is planned (whatIf),
 * added and verified, removed only when acknowledged, then a scale past its subnet is refused before any AKS call
 * (by the planner from the spec alone, and by the run from AKS's real pools); a kubenet cluster is migrated to
 * overlay with every pod re-verified in the new pod CIDR; a cancel during AKS's pool operation aborts it, and AKS
 * reports it Canceled; a live cluster's egress moves to a NAT gateway and back, and its API server into the VNet.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { simulatorAppSettings } from "../../local/azure-sim/index.js";
import { createAzureClientFactory, type AzureClientFactory } from "../../src/azure/clients.js";
import { loadConfig } from "../../src/config.js";
import {
  overlaySpec,
  requestFor,
  startTestStack,
  subscriptionId,
  startEventReceiver,
  type EventReceiver,
  type TestStack,
} from "./harness.js";

let stack: TestStack;
let clientsFor: AzureClientFactory;
let receiver: EventReceiver;
let receiverUrl = "";

beforeAll(async () => {
  receiver = await startEventReceiver();
  receiverUrl = receiver.url;
  stack = await startTestStack();
  clientsFor = createAzureClientFactory(loadConfig(simulatorAppSettings(stack.sim)).azure);
});

afterAll(async () => {
  await stack?.close();
  await receiver?.close();
});

const system = { name: "system", mode: "System", vmSize: "Standard_D4s_v5", count: 2, maxSurge: 1 };
const apps = (count: number) => ({
  name: "apps",
  mode: "User",
  vmSize: "Standard_D4s_v5",
  count,
  maxSurge: 1,
  nodeSubnet: { name: "snet-apps", addressPrefix: "10.30.4.0/27" },
});

const spec = (name: string, pools: unknown[]) =>
  overlaySpec(
    name,
    "10.30.0.0/16",
    { name: "snet-system", addressPrefix: "10.30.0.0/24" },
    {
      network: { podCidr: "192.168.0.0/16" },
      nodePools: pools,
    },
  );

async function run(body: unknown) {
  const started = await stack.api("/api/clusters", { method: "POST", body });
  expect(started.status, JSON.stringify(started.body)).toBe(202);
  return { started: started.body, final: await stack.waitForFinal(started.body.id) };
}

const writesSince = (start: number) =>
  stack.sim.control
    .requestLog()
    .slice(start)
    .filter((entry) => ["PUT", "POST", "DELETE", "PATCH"].includes(entry.method) && !entry.path.startsWith("/_sim"));

async function livePools(resourceGroup: string, cluster: string) {
  const pools: { name: string; count: number; state: string }[] = [];
  const { containerService } = clientsFor(subscriptionId);
  for await (const pool of containerService.agentPools.list(resourceGroup, cluster)) {
    pools.push({ name: pool.name ?? "", count: pool.count ?? 0, state: pool.provisioningState ?? "" });
  }
  return pools.sort((a, b) => a.name.localeCompare(b.name));
}

describe("node pools change on a built cluster", () => {
  const name = "aks-day2";
  const rg = `rg-${name}`;

  it("plans, adds and verifies a pool, then removes it only when acknowledged", async () => {
    expect((await run(spec(name, [system]))).final.status).toBe("Succeeded");

    const logStart = stack.sim.control.requestLog().length;
    const planned = await stack.api("/api/clusters?whatIf=true", {
      method: "POST",
      body: spec(name, [system, apps(2)]),
    });
    expect(planned.status, JSON.stringify(planned.body)).toBe(200);
    expect(planned.body.changePlan.changes).toMatchObject([
      { code: "pool-add", pool: "apps", operations: ["PUT agentPools/apps (create)"] },
    ]);
    expect(planned.body.changePlan.addresses.before.pools.map((pool: { name: string }) => pool.name)).toEqual([
      "system",
    ]);
    expect(planned.body.changePlan.addresses.after.subnets).toContainEqual(
      expect.objectContaining({ name: "snet-apps", cidr: "10.30.4.0/27", usable: 27, consumedAtSurge: 3 }),
    );
    expect(writesSince(logStart)).toEqual([]);

    const added = await run(spec(name, [system, apps(2)]));
    expect(added.started.changePlan.changes[0].code).toBe("pool-add");
    expect(added.final.status, JSON.stringify(added.final.error)).toBe("Succeeded");
    const step = (run: { final: any }, stepName: string) =>
      run.final.steps.find((candidate: { name: string }) => candidate.name === stepName);
    expect(step(added, "changeChecks")).toMatchObject({ status: "succeeded" });
    expect(step(added, "changeChecks").detail).toMatch(/snet-apps: 3 of 27/);
    const appNodes = added.final.ipVerification.nodes.filter((row: { pool?: string }) => row.pool === "apps");
    expect(appNodes).toHaveLength(2);
    expect(
      appNodes.every((row: { ok: boolean; expectedCidr: string }) => row.ok && row.expectedCidr === "10.30.4.0/27"),
    ).toBe(true);
    expect(added.final.ipVerification.passed).toBe(true);
    expect((await livePools(rg, name)).map((pool) => pool.name)).toEqual(["apps", "system"]);

    const unacknowledged = await stack.api("/api/clusters", { method: "POST", body: spec(name, [system]) });
    expect(unacknowledged.status).toBe(409);
    expect(unacknowledged.body.errors[0]).toMatchObject({ path: "acknowledge", code: "acknowledgement-required" });
    expect(unacknowledged.body.changePlan.changes).toMatchObject([{ code: "pool-remove", pool: "apps" }]);

    const removed = await run({ ...spec(name, [system]), acknowledge: ["pool-remove"] });
    expect(removed.final.status, JSON.stringify(removed.final.error)).toBe("Succeeded");
    expect(step(removed, "nodePools").detail).toMatch(/apps Deleted/);
    expect((await livePools(rg, name)).map((pool) => pool.name)).toEqual(["system"]);
    expect(removed.final.ipVerification.nodes).toHaveLength(2);
  });

  it("refuses a pool scaled past its subnet before any AKS call: from the spec, and from AKS's real pools", async () => {
    const logStart = stack.sim.control.requestLog().length;
    const tooBig = await stack.api("/api/clusters", { method: "POST", body: spec(name, [system, apps(30)]) });
    expect(tooBig.status).toBe(400);
    expect(tooBig.body.errors).toMatchObject([
      { path: "nodePools.1.nodeSubnet.addressPrefix", code: "subnet-too-small" },
    ]);
    expect(writesSince(logStart)).toEqual([]);

    // A pool made outside this API on the same subnet: the spec alone fits, the subnet's real use does not.
    const { containerService } = clientsFor(subscriptionId);
    const subnetId = `/subscriptions/${subscriptionId}/resourceGroups/${rg}/providers/Microsoft.Network/virtualNetworks/vnet-aks/subnets/snet-apps`;
    await containerService.agentPools.beginCreateOrUpdateAndWait(rg, name, "adhoc", {
      mode: "User",
      vmSize: "Standard_D4s_v5",
      count: 22,
      maxPods: 30,
      vnetSubnetID: subnetId,
    });
    const before = stack.sim.control.requestLog().length;
    const full = await run(spec(name, [system, apps(5)]));
    expect(full.final.status).toBe("Failed");
    expect(full.final.error).toMatchObject({ step: "changeChecks", code: "SubnetIsFull" });
    expect(full.final.error.message).toMatch(/adhoc already use 22/);
    expect(writesSince(before)).toEqual([]);
    expect((await livePools(rg, name)).map((pool) => pool.name)).toEqual(["adhoc", "system"]);
  });
});

describe("cancel during AKS's operation", () => {
  // Also the test that found that a durable timer can wake early (whole seconds, as Azure Storage delivers it): the
  // abort wait was thirty polls, which passed in a moment on the extension; it is a length of orchestration time now.
  it("aborts the pool operation AKS is running, which ends Canceled", async () => {
    const name = "aks-day2-cancel";
    const rg = `rg-${name}`;
    expect((await run(spec(name, [system]))).final.status).toBe("Succeeded");
    // Slow AKS down so the pool create is still running when the cancel arrives.
    stack.sim.control.setConfig({ timeScale: 0.2 });
    try {
      const started = await stack.api("/api/clusters", {
        method: "POST",
        body: { ...spec(name, [system, apps(2)]), notify: { url: `${receiverUrl}/hooks` } },
      });
      expect(started.status).toBe(202);
      const until = Date.now() + 30_000;
      while ((await livePools(rg, name)).find((pool) => pool.name === "apps")?.state !== "Creating") {
        if (Date.now() > until) throw new Error("the pool create never started");
        await new Promise((resolve) => setTimeout(resolve, 100));
      }
      const canceled = await stack.api(`/api/clusters/${started.body.id}/cancel`, { method: "POST" });
      expect(canceled.status).toBe(202);
      const aborted = Date.now() + 30_000;
      let state = "";
      while (state !== "Canceled") {
        if (Date.now() > aborted) throw new Error(`the pool is still ${state}`);
        await new Promise((resolve) => setTimeout(resolve, 200));
        state = (await livePools(rg, name)).find((pool) => pool.name === "apps")?.state ?? "";
      }
      const aborts = stack.sim.control
        .requestLog()
        .filter((entry) => entry.method === "POST" && entry.path.endsWith("/agentPools/apps/abort"));
      expect(aborts).toHaveLength(1);
      // The run's status and its canceled event say what became of AKS's operation.
      const abort = { outcome: "aborted", target: { kind: "agentPool", name: "apps" }, state: "Canceled" };
      const settled = Date.now() + 30_000;
      let final = await stack.waitForFinal(started.body.id);
      while (final.abort === undefined && Date.now() < settled) {
        await new Promise((resolve) => setTimeout(resolve, 200));
        final = (await stack.api(`/api/clusters/${started.body.id}`)).body;
      }
      expect(final.status).toBe("Canceled");
      expect(final.abort).toMatchObject(abort);
      const announced = receiver.events.find(
        (event) => event.type === "aks.provisioning.canceled" && event.data.id === started.body.id,
      );
      expect(announced?.data.abort).toMatchObject(abort);
      expect(final.deliveries).toContainEqual(
        expect.objectContaining({ type: "aks.provisioning.canceled", outcome: "delivered" }),
      );
    } finally {
      stack.sim.control.setConfig({ timeScale: 0.002 });
    }
  });
});

describe("kubenet → overlay", () => {
  it("plans the one-way migration, runs it only when acknowledged, and re-verifies every pod in the overlay pod CIDR", async () => {
    const kubenet = requestFor("kubenet", "aks-migrate");
    const built = await run(kubenet);
    expect(built.final.status, JSON.stringify(built.final.error)).toBe("Succeeded");
    const nodeGroup = "MC_rg-aks-migrate_aks-migrate_eastus2".toLowerCase();
    const routeTables = () =>
      stack.sim.control
        .inventory()
        .filter((item) => item.type === "Microsoft.Network/routeTables" && item.id.toLowerCase().includes(nodeGroup));
    expect(routeTables()).toHaveLength(1);

    const overlay = {
      ...kubenet,
      network: { ...kubenet.network, mode: "overlay", podCidr: "192.168.0.0/16" },
      nodePool: { ...kubenet.nodePool, maxPods: 110 },
    };
    const planned = await stack.api("/api/clusters?whatIf=true", { method: "POST", body: overlay });
    expect(planned.status, JSON.stringify(planned.body)).toBe(200);
    expect(planned.body.changePlan).toMatchObject({
      changes: [{ code: "kubenet-to-overlay", kind: "one-way" }],
      oneWay: true,
      reimagesNodes: true,
      acknowledgementNeeded: ["kubenet-to-overlay"],
      addresses: { before: { podCidr: "10.16.0.0/16" }, after: { podCidr: "192.168.0.0/16" } },
    });
    expect((await stack.api("/api/clusters", { method: "POST", body: overlay })).status).toBe(409);

    const migrated = await run({ ...overlay, acknowledge: ["kubenet-to-overlay"] });
    expect(migrated.final.status, JSON.stringify(migrated.final.error)).toBe("Succeeded");
    const { containerService } = clientsFor(subscriptionId);
    const profile = (await containerService.managedClusters.get(kubenet.resourceGroup, kubenet.clusterName))
      .networkProfile;
    expect(profile).toMatchObject({ networkPlugin: "azure", networkPluginMode: "overlay", podCidr: "192.168.0.0/16" });
    const verification = migrated.final.ipVerification;
    expect(verification.passed).toBe(true);
    const podIps = verification.pods
      .filter((pod: { hostNetwork: boolean }) => !pod.hostNetwork)
      .map((pod: { ip: string }) => pod.ip);
    expect(podIps.length).toBeGreaterThan(0);
    expect(podIps.every((ip: string) => ip.startsWith("192.168."))).toBe(true);
    // AKS deletes the route table it made for kubenet.
    expect(routeTables()).toEqual([]);
  });
});

describe("egress and API server on a live cluster", () => {
  const name = "aks-day2-egress";
  const rg = `rg-${name}`;
  const base = spec(name, [system]);
  const withNat = {
    ...base,
    network: {
      ...base.network,
      outbound: { type: "userAssignedNATGateway", natGateway: { name: "ng-aks", sku: "StandardV2" } },
    },
  };
  const subnet = async (subnetName: string) => {
    const { network } = clientsFor(subscriptionId);
    return network.subnets.get(rg, "vnet-aks", subnetName);
  };
  const cluster = async () => clientsFor(subscriptionId).containerService.managedClusters.get(rg, name);

  it("moves egress to a StandardV2 NAT gateway, a Standard one, then the load balancer, each verified", async () => {
    expect((await run(base)).final.status).toBe("Succeeded");

    const logStart = stack.sim.control.requestLog().length;
    const planned = await stack.api("/api/clusters?whatIf=true", { method: "POST", body: withNat });
    expect(planned.status, JSON.stringify(planned.body)).toBe(200);
    expect(planned.body.changePlan).toMatchObject({
      changes: [{ code: "outbound-type", kind: "disruptive" }],
      acknowledgementNeeded: ["outbound-type"],
      refused: [],
    });
    expect(planned.body.changePlan.changes[0].operations).toEqual([
      "PUT publicIPAddresses/ng-aks-ip (StandardV2)",
      "PUT natGateways/ng-aks",
      "PUT subnets/{each} (NAT gateway ng-aks)",
      "PUT roleAssignments (Network Contributor on NAT gateway ng-aks)",
      "PUT managedClusters (outboundType userAssignedNATGateway)",
    ]);
    expect(writesSince(logStart)).toEqual([]);
    const unacknowledged = await stack.api("/api/clusters", { method: "POST", body: withNat });
    expect(unacknowledged.status).toBe(409);
    expect(unacknowledged.body.errors[0]).toMatchObject({ code: "acknowledgement-required" });

    const toNat = await run({ ...withNat, acknowledge: ["outbound-type"], notify: { url: `${receiverUrl}/hooks` } });
    expect(toNat.final.status, JSON.stringify(toNat.final.error)).toBe("Succeeded");
    // The change run announces what changed, after its succeeded event.
    const ofRun = () =>
      receiver.events.filter((event) => event.data.id === toNat.started.id).map((event) => event.type);
    for (const until = Date.now() + 20_000; ofRun().length < 2 && Date.now() < until;)
      await new Promise((resolve) => setTimeout(resolve, 100));
    expect(ofRun()).toEqual(["aks.provisioning.succeeded", "aks.provisioning.changed"]);
    const changed = receiver.events.find((event) => event.type === "aks.provisioning.changed")?.data;
    expect(changed).toMatchObject({
      status: "Succeeded",
      changes: ["outbound-type"],
      changed: [{ code: "outbound-type", kind: "disruptive", paths: ["network.outbound.type"] }],
    });
    expect(changed?.changed[0].summary).toMatch(/loadBalancer → userAssignedNATGateway/);
    expect(toNat.started.changePlan.changes[0].code).toBe("outbound-type");
    expect((await cluster()).networkProfile?.outboundType).toBe("userAssignedNATGateway");
    const natId: string = toNat.final.resources.natGatewayId;
    expect(natId).toMatch(/\/natGateways\/ng-aks$/);
    expect((await subnet("snet-system")).natGateway?.id).toBe(natId);
    const { network } = clientsFor(subscriptionId);
    expect((await network.natGateways.get(rg, "ng-aks")).sku?.name).toBe("StandardV2");
    expect(toNat.final.roleChecks).toContainEqual(
      expect.objectContaining({ role: "Network Contributor", scope: natId, present: true }),
    );
    expect(toNat.final.ipVerification.passed).toBe(true);

    // A NAT gateway of the other SKU is a new gateway: it takes the subnet over in one subnet PUT; AKS is not updated.
    const standard = {
      ...base,
      network: {
        ...base.network,
        outbound: { type: "userAssignedNATGateway", natGateway: { name: "ng-aks-v1", sku: "Standard" } },
      },
    };
    const swapped = await run({ ...standard, acknowledge: ["nat-gateway-sku"] });
    expect(swapped.final.status, JSON.stringify(swapped.final.error)).toBe("Succeeded");
    expect(swapped.started.changePlan.changes).toMatchObject([{ code: "nat-gateway-sku", kind: "disruptive" }]);
    expect((await subnet("snet-system")).natGateway?.id).toMatch(/\/natGateways\/ng-aks-v1$/);
    expect((await network.natGateways.get(rg, "ng-aks-v1")).sku?.name).toBe("Standard");
    expect((await network.natGateways.get(rg, "ng-aks")).subnets ?? []).toEqual([]);
    expect((await cluster()).networkProfile?.outboundType).toBe("userAssignedNATGateway");
    expect(swapped.final.ipVerification.passed).toBe(true);

    // Back to the load balancer: AKS refuses it while the subnet keeps the NAT gateway, so the run takes it off first.
    const back = await run({ ...base, acknowledge: ["outbound-type"] });
    expect(back.final.status, JSON.stringify(back.final.error)).toBe("Succeeded");
    expect(back.final.steps.find((step: { name: string }) => step.name === "egress").detail).toMatch(
      /NAT gateway ng-aks-v1 taken off snet-system/,
    );
    expect((await subnet("snet-system")).natGateway).toBeUndefined();
    expect((await cluster()).networkProfile?.outboundType).toBe("loadBalancer");
    expect(back.final.ipVerification.passed).toBe(true);

    // AKS's own refusals: outboundType none is no in-place migration in a BYO VNet.
    const none = await stack.api("/api/clusters", {
      method: "POST",
      body: { ...base, network: { ...base.network, outbound: { type: "none" } } },
    });
    expect(none.status).toBe(409);
    expect(none.body.errors).toContainEqual(
      expect.objectContaining({ path: "network.outbound.type", code: "immutable-field" }),
    );
    // AKS refuses it too, whatever asks.
    const live = await cluster();
    await expect(
      clientsFor(subscriptionId).containerService.managedClusters.beginCreateOrUpdateAndWait(rg, name, {
        ...live,
        networkProfile: { ...live.networkProfile, outboundType: "none" },
      }),
    ).rejects.toMatchObject({ code: "OutboundTypeMigrationNotSupported" });
  });

  it("enables API server VNet integration in a new subnet, refuses turning it off, then moves to Cilium", async () => {
    const integrated = {
      ...base,
      network: { ...base.network, apiServerSubnet: { name: "snet-apiserver", addressPrefix: "10.30.8.0/28" } },
      apiServer: { vnetIntegration: true },
    };
    const refused = await stack.api("/api/clusters", { method: "POST", body: integrated });
    expect(refused.status).toBe(409);
    expect(refused.body.changePlan).toMatchObject({
      changes: [{ code: "apiserver-vnet-integration", kind: "one-way" }],
      oneWay: true,
      reimagesNodes: true,
    });

    const enabled = await run({ ...integrated, acknowledge: ["apiserver-vnet-integration"] });
    expect(enabled.final.status, JSON.stringify(enabled.final.error)).toBe("Succeeded");
    const access = (await cluster()).apiServerAccessProfile;
    expect(access?.enableVnetIntegration).toBe(true);
    expect(access?.subnetId).toMatch(/\/subnets\/snet-apiserver$/);
    expect((await subnet("snet-apiserver")).delegations?.map((d) => d.serviceName)).toEqual([
      "Microsoft.ContainerService/managedClusters",
    ]);
    expect(enabled.final.roleChecks).toContainEqual(
      expect.objectContaining({ role: "Network Contributor", scope: access?.subnetId, present: true }),
    );
    expect(enabled.final.ipVerification.passed).toBe(true);

    const off = await stack.api("/api/clusters", { method: "POST", body: base });
    expect(off.status).toBe(409);
    expect(off.body.errors).toContainEqual(
      expect.objectContaining({ path: "apiServer.vnetIntegration", message: expect.stringMatching(/cannot disable/) }),
    );
    // AKS itself refuses it too, whatever asks.
    const { containerService } = clientsFor(subscriptionId);
    const current = await cluster();
    await expect(
      containerService.managedClusters.beginCreateOrUpdateAndWait(rg, name, {
        ...current,
        apiServerAccessProfile: { enableVnetIntegration: false },
      }),
    ).rejects.toMatchObject({ code: "ApiServerVnetIntegrationDisableNotSupported" });

    // Later, as its own step: the Cilium dataplane, one-way, every pod restarted and re-verified.
    const cilium = {
      ...integrated,
      network: { ...integrated.network, dataplane: "cilium", networkPolicy: "cilium" },
    };
    const podsBefore = new Set(enabled.final.ipVerification.pods.map((pod: { name: string }) => pod.name));
    const moved = await run({ ...cilium, acknowledge: ["cilium-dataplane"] });
    expect(moved.final.status, JSON.stringify(moved.final.error)).toBe("Succeeded");
    expect(moved.started.changePlan.changes).toMatchObject([{ code: "cilium-dataplane", reimagesNodes: true }]);
    expect((await cluster()).networkProfile).toMatchObject({ networkDataplane: "cilium", networkPolicy: "cilium" });
    const restarted = moved.final.ipVerification.pods.filter((pod: { hostNetwork: boolean }) => !pod.hostNetwork);
    expect(restarted.length).toBeGreaterThan(0);
    expect(restarted.some((pod: { name: string }) => podsBefore.has(pod.name))).toBe(false);
    expect(moved.final.ipVerification.passed).toBe(true);
    const back = await stack.api("/api/clusters", { method: "POST", body: integrated });
    expect(back.status).toBe(409);
    expect(back.body.errors).toContainEqual(expect.objectContaining({ path: "network.dataplane" }));
    const onCilium = await cluster();
    await expect(
      clientsFor(subscriptionId).containerService.managedClusters.beginCreateOrUpdateAndWait(rg, name, {
        ...onCilium,
        networkProfile: { ...onCilium.networkProfile, networkDataplane: "azure", networkPolicy: "none" },
      }),
    ).rejects.toMatchObject({ code: "NetworkDataplaneUpdateNotSupported" });
  });
});
