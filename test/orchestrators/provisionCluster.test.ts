import { describe, expect, it } from "vitest";
import type { ClusterRequest } from "../../src/domain/clusterRequest.js";
import { planCluster } from "../../src/domain/planner.js";
import type { ClusterIps } from "../../src/domain/observations.js";
import type { RunProgress } from "../../src/domain/progress.js";
import { ensureFeatures } from "../../src/orchestrators/ensureFeatures.js";
import { provisionCluster, type ProvisionInput } from "../../src/orchestrators/provisionCluster.js";
import { runOrchestrator, type ActivityScript } from "./fakeOrchestrationContext.js";

const sub = "11111111-2222-3333-4444-555555555555";
const timings = {
  clusterPollIntervalSeconds: 30,
  featurePollIntervalSeconds: 60,
  roleAssignmentRetrySeconds: 10,
  clusterTimeoutMinutes: 60,
  podReadyTimeoutMinutes: 15,
  transientRetryFirstSeconds: 5,
};

function planned(overrides: Record<string, unknown> = {}, network: Record<string, unknown> = {}): ClusterRequest {
  const result = planCluster({
    subscriptionId: sub,
    resourceGroup: "rg-aks",
    location: "eastus2",
    clusterName: "aks-podsubnet",
    network: {
      mode: "pod-subnet",
      vnet: { name: "vnet-aks", addressPrefixes: ["10.240.0.0/12"] },
      nodeSubnet: { name: "snet-nodes", addressPrefix: "10.243.0.0/16" },
      podSubnet: { name: "snet-pods", addressPrefix: "10.242.0.0/16" },
      networkPolicy: "calico",
      ...network,
    },
    nodePool: { count: 3 },
    features: ["Microsoft.ContainerService/PodSubnetPreview"],
    ...overrides,
  });
  if (!result.ok) throw new Error(JSON.stringify(result.violations));
  return result.request;
}

const kubenetRequest = () =>
  planned(
    { clusterName: "aks-kubenet", features: [] },
    {
      mode: "kubenet",
      vnet: { name: "vnet-aks", addressPrefixes: ["172.16.0.0/16"] },
      nodeSubnet: { name: "snet-nodes", addressPrefix: "172.16.0.0/20" },
      podSubnet: null,
      podCidr: "10.16.0.0/16",
      networkPolicy: "none",
    },
  );

const ok = <T>(value: T) => ({ ok: true as const, value });
const fail = (code: string, message = "boom") => ({ ok: false as const, error: { code, message } });
const subnetId = (name: string) =>
  `/subscriptions/${sub}/resourceGroups/rg-aks/providers/Microsoft.Network/virtualNetworks/vnet-aks/subnets/${name}`;

function observation(mode: "pod-subnet" | "kubenet"): ClusterIps {
  const nodeIps =
    mode === "pod-subnet" ? ["10.243.0.4", "10.243.0.5", "10.243.0.6"] : ["172.16.0.4", "172.16.0.5", "172.16.0.6"];
  const podIp = (i: number) => (mode === "pod-subnet" ? `10.242.0.${4 + i}` : `10.16.${i}.2`);
  return {
    nodes: nodeIps.map((ip, i) => ({ name: `aks-system-vmss00000${i}`, internalIp: ip })),
    pods: [
      ...nodeIps.map((ip, i) => ({
        namespace: "kube-system",
        name: `kube-proxy-${i}`,
        ip,
        hostNetwork: true,
        phase: "Running",
        ownerKind: "DaemonSet",
        nodeName: `n${i}`,
      })),
      ...[0, 1].map((i) => ({
        namespace: "kube-system",
        name: `coredns-${i}`,
        ip: podIp(i),
        hostNetwork: false,
        phase: "Running",
        ownerKind: "ReplicaSet",
        nodeName: `n${i}`,
      })),
    ],
  };
}

function happyScript(mode: "pod-subnet" | "kubenet" = "pod-subnet"): ActivityScript {
  return {
    ensureResourceGroup: () => ok({ id: `/subscriptions/${sub}/resourceGroups/rg-aks`, created: true }),
    ensureNetwork: (input) =>
      ok({
        vnetId: "vnet-id",
        nodeSubnetId: subnetId(input.nodeSubnet.name),
        podSubnetId: input.podSubnet === null ? null : subnetId(input.podSubnet.name),
        addressPrefixes: input.vnet.addressPrefixes,
        created: ["VNet vnet-aks"],
      }),
    ensureManagedIdentity: () =>
      ok({ id: "identity-id", principalId: "principal-1", clientId: "client-1", created: true }),
    ensureFeatureRegistered: (input) => ok({ feature: input.feature, state: "Registered" }),
    getFeatureState: (input) => ok({ feature: input.feature, state: "Registered" }),
    registerProvider: (input) => ok({ namespace: input.namespace, registrationState: "Registered" }),
    ensureRoleAssignment: () => ok({ id: "ra", created: true }),
    beginCreateCluster: () =>
      ok({ pollerState: "poller-1", action: "created", changes: [], state: clusterState("Creating", "running") }),
    getClusterState: (_input, call) =>
      ok(call < 3 ? clusterState("Creating", "running") : clusterState("Succeeded", "succeeded")),
    checkRoleAssignments: (input) =>
      ok(input.checks.map((c) => ({ role: c.role, scope: c.scope, principalId: c.principalId, present: true }))),
    ensureRouteTableAssociation: () => ok({ routeTableId: "rt-id", action: "already-associated" }),
    observeClusterIps: () => ok(observation(mode)),
  };
}

function clusterState(
  provisioningState: string,
  operationStatus: string | null,
  error: { code: string; message: string } | null = null,
) {
  return {
    provisioningState,
    operationStatus,
    agentPools: [{ name: "system", provisioningState, count: 3 }],
    clusterRead: true,
    clusterId: "cluster-id",
    nodeResourceGroup: "MC_rg-aks_aks-podsubnet_eastus2",
    kubernetesVersion: "1.33.2",
    error,
  };
}

function run(request: ClusterRequest, script: ActivityScript) {
  const input: ProvisionInput = { request, timings, specHash: "h" };
  const trace = runOrchestrator(provisionCluster, input, script, { ensureFeatures });
  return { ...trace, progress: trace.output };
}

const stepOf = (progress: RunProgress, name: string) => progress.steps.find((step) => step.name === name)!;

describe("provisionCluster orchestrator", () => {
  it("runs every step in order for a pod-subnet cluster and reports the IP table", () => {
    const { progress, calls } = run(planned(), happyScript());
    expect(progress.outcome).toBe("Succeeded");
    expect(progress.error).toBeNull();
    expect(calls.map((c) => c.name)).toEqual([
      "ensureResourceGroup",
      "ensureNetwork",
      "ensureManagedIdentity",
      "ensureFeatureRegistered",
      "registerProvider",
      "ensureRoleAssignment",
      "ensureRoleAssignment",
      "beginCreateCluster",
      "getClusterState",
      "getClusterState",
      "getClusterState",
      "checkRoleAssignments",
      "observeClusterIps",
    ]);
    expect(progress.steps.map((s) => [s.name, s.status])).toEqual([
      ["resourceGroup", "succeeded"],
      ["network", "succeeded"],
      ["identity", "succeeded"],
      ["features", "succeeded"],
      ["roleAssignments", "succeeded"],
      ["cluster", "succeeded"],
      ["roleChecks", "succeeded"],
      ["routeTable", "skipped"],
      ["ipVerification", "succeeded"],
      ["demoWorkload", "skipped"],
    ]);
    expect(progress.ipVerification?.passed).toBe(true);
    expect(progress.ipVerification?.pods).toHaveLength(5);
    expect(progress.resources).toMatchObject({
      nodeSubnetId: subnetId("snet-nodes"),
      podSubnetId: subnetId("snet-pods"),
      clusterId: "cluster-id",
    });
    // Network Contributor goes on both subnets, to the new identity.
    const scopes = calls.filter((c) => c.name === "ensureRoleAssignment").map((c) => c.input.scope);
    expect(scopes).toEqual([subnetId("snet-nodes"), subnetId("snet-pods")]);
    expect(calls.find((c) => c.name === "ensureRoleAssignment")!.input.principalId).toBe("principal-1");
  });

  it("polls the cluster on durable timers through its own poller and shows only what Azure reports", () => {
    const { calls, timers, customStatuses } = run(planned(), happyScript());
    const clusterPolls = calls.filter((c) => c.name === "getClusterState");
    expect(clusterPolls).toHaveLength(3);
    expect(clusterPolls[0]!.input.pollerState).toBe("poller-1");
    const gaps = timers.slice(1).map((t, i) => t.getTime() - timers[i]!.getTime());
    // 30 s ± 20 % jitter, so a fleet does not poll in lockstep.
    expect(gaps.filter((gap) => gap >= 24_000 && gap <= 36_000).length).toBeGreaterThanOrEqual(2);
    const details: string[] = customStatuses.map((s) => s.steps.find((x: any) => x.name === "cluster").detail);
    expect(details).toEqual(
      expect.arrayContaining([
        expect.stringMatching(
          /^created: Creating; 0m \d\ds elapsed \(new clusters typically take 5–10 min\); agent pools: system Creating$/,
        ),
      ]),
    );
  });

  it("keeps custom status under the 16 KB Durable limit and leaves the IP table to the output", () => {
    const { customStatuses } = run(planned(), happyScript());
    for (const status of customStatuses) {
      // 16 KB as the Durable extension counts it: UTF-16, two bytes a character.
      expect(JSON.stringify(status).length * 2).toBeLessThan(16 * 1024);
      expect(status.ipVerification).toBeNull();
    }
  });

  it("treats a preview feature that went GA as not needed and skips provider re-registration", () => {
    const script: ActivityScript = {
      ...happyScript(),
      ensureFeatureRegistered: (input) => ok({ feature: input.feature, state: "NotNeeded" }),
    };
    const { progress, calls } = run(planned(), script);
    expect(progress.outcome).toBe("Succeeded");
    expect(stepOf(progress, "features").detail).toContain("not needed");
    expect(calls.some((c) => c.name === "registerProvider")).toBe(false);
  });

  it("waits on timers while a feature is Registering, then re-registers the provider", () => {
    const script: ActivityScript = {
      ...happyScript(),
      ensureFeatureRegistered: (input) => ok({ feature: input.feature, state: "Registering" }),
      getFeatureState: (input, call) => ok({ feature: input.feature, state: call < 3 ? "Registering" : "Registered" }),
    };
    const { progress, calls } = run(planned(), script);
    expect(progress.outcome).toBe("Succeeded");
    expect(calls.filter((c) => c.name === "getFeatureState")).toHaveLength(3);
    expect(calls.find((c) => c.name === "registerProvider")!.input.namespace).toBe("Microsoft.ContainerService");
  });

  it("skips the features step when none are requested", () => {
    const { progress, calls } = run(planned({ features: [] }), happyScript());
    expect(stepOf(progress, "features").status).toBe("skipped");
    expect(calls.some((c) => c.name.includes("Feature"))).toBe(false);
  });

  it("retries role assignments while Entra answers PrincipalNotFound", () => {
    const script: ActivityScript = {
      ...happyScript(),
      ensureRoleAssignment: (_input, call) =>
        call <= 2 ? fail("PrincipalNotFound", "Principal does not exist") : ok({ id: "ra", created: true }),
    };
    const { progress, calls } = run(planned(), script);
    expect(progress.outcome).toBe("Succeeded");
    expect(calls.filter((c) => c.name === "ensureRoleAssignment")).toHaveLength(4);
    expect(stepOf(progress, "roleAssignments").attempts).toBe(3);
  });

  it("gives up on PrincipalNotFound after the replication window with the ARM code", () => {
    const script: ActivityScript = {
      ...happyScript(),
      ensureRoleAssignment: () => fail("PrincipalNotFound", "Principal does not exist"),
    };
    const { progress, calls, elapsedMs } = run(planned(), script);
    expect(progress.outcome).toBe("Failed");
    expect(progress.error).toMatchObject({ step: "roleAssignments", code: "PrincipalNotFound" });
    expect(elapsedMs).toBeGreaterThanOrEqual(10 * 60_000);
    expect(calls.some((c) => c.name === "beginCreateCluster")).toBe(false);
  });

  it("fails the cluster step with AKS's error code when the create fails", () => {
    const script: ActivityScript = {
      ...happyScript(),
      getClusterState: () =>
        ok(clusterState("Failed", "Failed", { code: "InsufficientSubnetSize", message: "Pre-allocated IPs exceed" })),
    };
    const { progress, calls } = run(planned(), script);
    expect(progress.outcome).toBe("Failed");
    expect(progress.error).toEqual({
      step: "cluster",
      code: "InsufficientSubnetSize",
      message: "Pre-allocated IPs exceed",
    });
    expect(stepOf(progress, "cluster").status).toBe("failed");
    expect(stepOf(progress, "roleChecks").status).toBe("pending");
    expect(calls.some((c) => c.name === "observeClusterIps")).toBe(false);
  });

  it("reports a synchronous ARM rejection of the create with its code", () => {
    const script: ActivityScript = {
      ...happyScript(),
      beginCreateCluster: () => fail("DnsServiceIpOutOfServiceCidr", "DNS service IP is not within the service CIDR"),
    };
    const { progress } = run(planned(), script);
    expect(progress.error).toMatchObject({ step: "cluster", code: "DnsServiceIpOutOfServiceCidr" });
  });

  it("keeps the ARM code of a transient fault that outlived its retries", () => {
    const script: ActivityScript = {
      ...happyScript(),
      ensureResourceGroup: () => {
        throw new Error(
          "Activity function 'ensureResourceGroup' failed: [transient:SubscriptionRequestsThrottled] Number of write requests exceeded\n    at Object.<anonymous> (/home/site/wwwroot/dist/src/activities/guard.js:17:15)",
        );
      },
    };
    const { progress } = run(planned(), script);
    expect(progress.error).toEqual({
      step: "resourceGroup",
      code: "SubscriptionRequestsThrottled",
      message: "Number of write requests exceeded",
    });
  });

  it("fails IP verification with the list of misplaced pods", () => {
    const wrong = observation("pod-subnet");
    wrong.pods[3]!.ip = "10.243.0.77"; // coredns in the node subnet: pod-subnet mode was not honoured
    const { progress } = run(planned(), { ...happyScript(), observeClusterIps: () => ok(wrong) });
    expect(progress.outcome).toBe("Failed");
    expect(progress.error?.code).toBe("IpPlacementMismatch");
    expect(progress.error?.message).toContain("coredns-0");
    expect(progress.ipVerification?.passed).toBe(false);
    expect(progress.ipVerification?.pods.find((p) => p.name === "coredns-0")?.ok).toBe(false);
  });

  it("waits for pending system pods before classifying", () => {
    const pending = observation("pod-subnet");
    pending.pods[3] = { ...pending.pods[3]!, ip: null, phase: "Pending" };
    const script: ActivityScript = {
      ...happyScript(),
      observeClusterIps: (_, call) => ok(call === 1 ? pending : observation("pod-subnet")),
    };
    const { progress, calls } = run(planned(), script);
    expect(progress.outcome).toBe("Succeeded");
    expect(calls.filter((c) => c.name === "observeClusterIps")).toHaveLength(2);
  });

  it("repairs an unassociated kubenet route table and says so", () => {
    const script: ActivityScript = {
      ...happyScript("kubenet"),
      ensureRouteTableAssociation: () => ok({ routeTableId: "rt-1", action: "associated" }),
    };
    const { progress, calls } = run(kubenetRequest(), script);
    expect(progress.outcome).toBe("Succeeded");
    expect(stepOf(progress, "routeTable")).toMatchObject({ status: "succeeded" });
    expect(stepOf(progress, "routeTable").detail).toMatch(/not associated.*associated it/);
    expect(progress.resources.routeTableId).toBe("rt-1");
    expect(calls.filter((c) => c.name === "ensureRoleAssignment")).toHaveLength(1);
    expect(calls.find((c) => c.name === "beginCreateCluster")!.input).toMatchObject({
      mode: "kubenet",
      podCidr: "10.16.0.0/16",
      podSubnetId: null,
    });
  });

  it("fails kubenet when AKS created no route table", () => {
    const script: ActivityScript = {
      ...happyScript("kubenet"),
      ensureRouteTableAssociation: () => ok({ routeTableId: null, action: "not-found" }),
    };
    const { progress } = run(kubenetRequest(), script);
    expect(progress.error).toMatchObject({ step: "routeTable", code: "RouteTableNotFound" });
  });

  it("fails role checks when AKS did not grant Contributor on the node resource group", () => {
    const script: ActivityScript = {
      ...happyScript(),
      checkRoleAssignments: (input) =>
        ok(
          input.checks.map((c) => ({
            role: c.role,
            scope: c.scope,
            principalId: c.principalId,
            present: c.role !== "Contributor",
          })),
        ),
    };
    const { progress } = run(planned(), script);
    expect(progress.error).toMatchObject({ step: "roleChecks", code: "RoleAssignmentMissing" });
    expect(progress.roleChecks.filter((c) => !c.present)).toHaveLength(1);
  });
});

describe("the parallel network ‖ identity ‖ features phase", () => {
  const throttled = () => {
    throw new Error(
      "Activity function 'ensureManagedIdentity' failed: [transient:TooManyRequests] Too many requests for Microsoft.ManagedIdentity",
    );
  };

  it("blames the step that failed, not the network", () => {
    const { progress } = run(planned(), { ...happyScript(), ensureManagedIdentity: throttled });
    expect(progress.outcome).toBe("Failed");
    expect(progress.error).toMatchObject({ step: "identity", code: "TooManyRequests" });
    expect(stepOf(progress, "network").status).toBe("succeeded");
    expect(stepOf(progress, "identity").status).toBe("failed");
    expect(stepOf(progress, "features").status).toBe("succeeded");
  });

  it("leaves no step running when a branch fails", () => {
    const { progress } = run(planned(), {
      ...happyScript(),
      ensureNetwork: () => fail("InUseSubnetCannotBeDeleted", "in use"),
    });
    expect(progress.error).toMatchObject({ step: "network", code: "InUseSubnetCannotBeDeleted" });
    expect(progress.steps.filter((step) => step.status === "running")).toEqual([]);
    expect(stepOf(progress, "roleAssignments").status).toBe("pending");
  });

  it("records each branch's own completion as it settles", () => {
    const script: ActivityScript = {
      ...happyScript(),
      ensureFeatureRegistered: (input) => ok({ feature: input.feature, state: "Registering" }),
      getFeatureState: (input, call) => ok({ feature: input.feature, state: call < 4 ? "Registering" : "Registered" }),
    };
    const { progress } = run(planned(), script);
    const network = stepOf(progress, "network");
    const features = stepOf(progress, "features");
    // Features waits on four 60 s timers; the network finished long before.
    expect(Date.parse(features.completedAt!) - Date.parse(network.completedAt!)).toBeGreaterThanOrEqual(4 * 60_000);
  });

  it("reports the features timeout with its code when a flag never registers", () => {
    const script: ActivityScript = {
      ...happyScript(),
      ensureFeatureRegistered: (input) => ok({ feature: input.feature, state: "Registering" }),
      getFeatureState: (input) => ok({ feature: input.feature, state: "Registering" }),
    };
    const { progress, elapsedMs } = run(planned(), script);
    expect(progress.error).toMatchObject({ step: "features", code: "FeatureRegistrationTimeout" });
    expect(elapsedMs).toBeGreaterThanOrEqual(60 * 60_000);
    expect(stepOf(progress, "network").status).toBe("succeeded");
  });
});

describe("a run aims at its own request", () => {
  it("updates the node count in place and waits for every new node before verifying", () => {
    const request = planned({ nodePool: { count: 5 } });
    const five = observation("pod-subnet");
    five.nodes.push(
      { name: "aks-system-vmss000003", internalIp: "10.243.0.7" },
      { name: "aks-system-vmss000004", internalIp: "10.243.0.8" },
    );
    const script: ActivityScript = {
      ...happyScript(),
      beginCreateCluster: () =>
        ok({
          pollerState: "poller-2",
          action: "updated",
          changes: ["nodePool.count 3 → 5"],
          state: clusterState("Updating", "running"),
        }),
      observeClusterIps: (_, call) => ok(call === 1 ? observation("pod-subnet") : five),
    };
    const { progress, calls, customStatuses } = run(request, script);
    expect(progress.outcome).toBe("Succeeded");
    expect(calls.filter((c) => c.name === "observeClusterIps")).toHaveLength(2);
    expect(progress.ipVerification?.summary.nodes).toBe(5);
    const details: string[] = customStatuses.map((s) => s.steps.find((x: any) => x.name === "cluster").detail);
    expect(details.some((d) => d?.startsWith("updating nodePool.count 3 → 5"))).toBe(true);
  });

  it("fails fast with the service's code when the cluster differs in what cannot change", () => {
    const { progress } = run(planned(), {
      ...happyScript(),
      beginCreateCluster: () =>
        fail("ClusterSpecConflict", "cluster exists with a different networkProfile.serviceCidr"),
    });
    expect(progress.error).toMatchObject({ step: "cluster", code: "ClusterSpecConflict" });
  });

  it("names nodes that never become Ready instead of blaming pods", () => {
    const notReady = observation("pod-subnet");
    notReady.nodes[2] = { ...notReady.nodes[2]!, ready: false };
    const { progress } = run(planned(), { ...happyScript(), observeClusterIps: () => ok(notReady) });
    expect(progress.error).toMatchObject({ step: "ipVerification", code: "NodesNotReady" });
    expect(progress.error?.message).toContain("2/3 node(s) Ready");
  });
});

describe("provisionCluster run events", () => {
  it("records Running and Succeeded, sends a step event per finished step and one succeeded event, last", () => {
    const meta = {
      clusterId: "c000000000000000000000abc",
      acceptedAt: "2026-01-01T00:00:00.000Z",
      requestedBy: "alice@contoso.example",
      events: { webhook: { url: "https://hooks.example.com/a", signed: false, steps: true }, eventGrid: false },
      secretRunKey: null,
    };
    const script: ActivityScript = {
      ...happyScript(),
      recordRunState: () => ({ ok: true, value: { recorded: true } }),
      deliverEvent: (input) => ({
        ok: true,
        value: { type: input.event.type, target: "webhook", outcome: "delivered", httpStatus: 204, detail: null },
      }),
    };
    const input: ProvisionInput = { request: planned(), timings, specHash: "h", meta };
    const { output, calls } = runOrchestrator(provisionCluster, input, script, { ensureFeatures });
    expect(output.outcome).toBe("Succeeded");
    const records = calls.filter((c) => c.name === "recordRunState").map((c) => c.input.summary.status);
    expect(records).toEqual(["Running", "Succeeded"]);
    const events = calls.filter((c) => c.name === "deliverEvent").map((c) => c.input.event);
    const steps = events.filter((event) => event.type === "aks.provisioning.step");
    expect(new Set(steps.map((event) => event.id)).size).toBe(steps.length);
    expect(steps.map((event) => event.data.step.name)).toEqual(
      expect.arrayContaining(["resourceGroup", "cluster", "ipVerification"]),
    );
    expect(events.at(-1)).toMatchObject({
      type: "aks.provisioning.succeeded",
      id: "c000000000000000000000abc.20260101000000000.succeeded",
    });
    expect(output.deliveries).toEqual([
      expect.objectContaining({ type: "aks.provisioning.succeeded", outcome: "delivered" }),
    ]);
  });
});

describe("dual-stack and a VNet in another subscription", () => {
  const dualStackRequest = () =>
    planned(
      { clusterName: "aks-dual", features: [] },
      {
        mode: "overlay",
        ipFamilies: ["IPv4", "IPv6"],
        vnet: { name: "vnet-aks", addressPrefixes: ["10.70.0.0/16", "fd00:70::/48"] },
        nodeSubnet: { name: "snet-nodes", addressPrefix: "10.70.0.0/22", ipv6AddressPrefix: "fd00:70::/64" },
        podSubnet: null,
        networkPolicy: "none",
      },
    );
  const dualObservation = (withIpv6: boolean): ClusterIps => ({
    nodes: [0, 1, 2].map((i) => ({
      name: `n${i}`,
      internalIp: `10.70.0.${4 + i}`,
      internalIps: [`10.70.0.${4 + i}`, ...(withIpv6 ? [`fd00:70::${4 + i}`] : [])],
    })),
    pods: [
      {
        namespace: "kube-system",
        name: "kube-proxy-0",
        ip: "10.70.0.4",
        ips: ["10.70.0.4", ...(withIpv6 ? ["fd00:70::4"] : [])],
        hostNetwork: true,
        phase: "Running",
        ownerKind: "DaemonSet",
        nodeName: "n0",
      },
      {
        namespace: "kube-system",
        name: "coredns-0",
        ip: "10.244.0.4",
        ips: ["10.244.0.4", ...(withIpv6 ? ["fd12:3456:789a::4"] : [])],
        hostNetwork: false,
        phase: "Running",
        ownerKind: "ReplicaSet",
        nodeName: "n0",
      },
    ],
  });

  it("sends both families to the network and the cluster, and verifies both", () => {
    const { progress, calls } = run(dualStackRequest(), {
      ...happyScript(),
      observeClusterIps: () => ok(dualObservation(true)),
    });
    expect(progress.outcome).toBe("Succeeded");
    const network = calls.find((c) => c.name === "ensureNetwork")!.input;
    expect(network.nodeSubnet).toEqual({
      name: "snet-nodes",
      addressPrefix: "10.70.0.0/22",
      ipv6AddressPrefix: "fd00:70::/64",
    });
    expect(network.vnet.addressPrefixes).toEqual(["10.70.0.0/16", "fd00:70::/48"]);
    expect(calls.find((c) => c.name === "beginCreateCluster")!.input.dualStack).toEqual({
      ipFamilies: ["IPv4", "IPv6"],
      podCidrs: ["10.244.0.0/16", "fd12:3456:789a::/64"],
      serviceCidrs: ["10.0.0.0/16", "fd12:3456:789a:1::/108"],
    });
    expect(progress.ipVerification?.nodes.map((n) => n.ipv6)).toEqual(["fd00:70::4", "fd00:70::5", "fd00:70::6"]);
    expect(stepOf(progress, "ipVerification").detail).toContain("IPv4 and IPv6");
  });

  it("fails IP verification when a dual-stack cluster's nodes and pods have no IPv6 address", () => {
    const { progress } = run(dualStackRequest(), {
      ...happyScript(),
      observeClusterIps: () => ok(dualObservation(false)),
    });
    expect(progress.outcome).toBe("Failed");
    expect(progress.error).toMatchObject({ step: "ipVerification", code: "IpPlacementMismatch" });
    expect(progress.error?.message).toContain("node n0 10.70.0.4, no IPv6 in node-subnet/none");
  });

  it("a single-stack cluster's spec carries no dual-stack field (its history keeps its shape)", () => {
    const { calls } = run(planned(), happyScript());
    expect("dualStack" in calls.find((c) => c.name === "beginCreateCluster")!.input).toBe(false);
  });

  it("hands the VNet's own subscription to the network step and the route table repair", () => {
    const hub = "99999999-8888-7777-6666-555555555555";
    const request = planned(
      { clusterName: "aks-kubenet", features: [] },
      {
        mode: "kubenet",
        vnet: {
          id: `/subscriptions/${hub}/resourceGroups/rg-hub/providers/Microsoft.Network/virtualNetworks/vnet-hub`,
        },
        nodeSubnet: { name: "snet-nodes", addressPrefix: "172.16.0.0/20" },
        podSubnet: null,
        podCidr: "10.16.0.0/16",
        networkPolicy: "none",
      },
    );
    const { progress, calls } = run(request, happyScript("kubenet"));
    expect(progress.outcome).toBe("Succeeded");
    expect(calls.find((c) => c.name === "ensureNetwork")!.input).toMatchObject({
      subscriptionId: sub,
      vnet: { subscriptionId: hub, resourceGroup: "rg-hub", name: "vnet-hub", existing: true },
    });
    expect(calls.find((c) => c.name === "ensureRouteTableAssociation")!.input).toMatchObject({
      subscriptionId: sub,
      vnetSubscriptionId: hub,
      vnetResourceGroup: "rg-hub",
    });
  });
});
