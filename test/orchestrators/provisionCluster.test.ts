import { describe, expect, it } from "vitest";
import type { ClusterRequest } from "../../src/domain/clusterRequest.js";
import { planCluster } from "../../src/domain/planner.js";
import { example } from "../fixtures/examples.js";
import type { ClusterIps } from "../../src/domain/observations.js";
import type { RunProgress } from "../../src/domain/progress.js";
import { ensureFeatures } from "../../src/orchestrators/ensureFeatures.js";
import { deliverStepEvents } from "../../src/orchestrators/stepEvents.js";
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
        apiServerSubnetId: input.apiServerSubnet === null ? null : subnetId(input.apiServerSubnet.name),
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
      ["egress", "skipped"],
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
    // 30 s ± 20 % jitter, so a fleet does not poll in lockstep; each timer is due under a second later than that, so
    // that Azure Storage's whole-second delivery never cuts it short (runtime.ts).
    expect(gaps.filter((gap) => gap >= 24_000 && gap < 37_000).length).toBeGreaterThanOrEqual(2);
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

/** A run's meta with a webhook that takes step events or not. */
const webhookMeta = (clusterId: string, { steps }: { steps: boolean }) => ({
  clusterId,
  acceptedAt: "2026-01-01T00:00:00.000Z",
  requestedBy: "alice@contoso.example",
  events: { webhook: { url: "https://hooks.example.com/a", signed: false, steps }, eventGrid: false },
  secretRunKey: null,
});

const delivered: NonNullable<ActivityScript["deliverEvent"]> = (input) => ({
  ok: true,
  value: { type: input.event.type, target: "webhook", outcome: "delivered", httpStatus: 204, detail: null },
});

/** Every run state recorded and every event delivered. */
const recordedAndDelivered: ActivityScript = {
  recordRunState: () => ({ ok: true, value: { recorded: true } }),
  deliverEvent: delivered,
};

describe("provisionCluster run events", () => {
  it("records Running and Succeeded, sends a step event per finished step and one succeeded event, last", () => {
    const meta = webhookMeta("c000000000000000000000abc", { steps: true });
    const script: ActivityScript = { ...happyScript(), ...recordedAndDelivered };
    const input: ProvisionInput = { request: planned(), timings, specHash: "h", meta };
    const { output, calls } = runOrchestrator(provisionCluster, input, script, { ensureFeatures, deliverStepEvents });
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

describe("step events", () => {
  it("go out in batches the run only starts, and the ones that never arrived are listed once settled", () => {
    const meta = webhookMeta("c000000000000000000000abe", { steps: true });
    const script: ActivityScript = {
      ...happyScript(),
      ...recordedAndDelivered,
      deliverEvent: (input, call) => {
        if (input.event.type === "aks.provisioning.step" && input.event.data.step?.name === "resourceGroup")
          throw new Error("[transient:EventDeliveryFailed] the receiver answered 503");
        return delivered(input, call);
      },
    };
    const input: ProvisionInput = { request: planned(), timings, specHash: "h", meta };
    const subs: string[] = [];
    const { output } = runOrchestrator(provisionCluster, input, script, {
      ensureFeatures,
      deliverStepEvents: (context) => {
        subs.push("deliverStepEvents");
        return deliverStepEvents(context);
      },
    });
    expect(output.outcome).toBe("Succeeded");
    expect(subs.length).toBeGreaterThan(1);
    expect(output.deliveries).toEqual([
      expect.objectContaining({
        type: "aks.provisioning.step",
        outcome: "failed",
        detail: "the receiver answered 503",
      }),
      expect.objectContaining({ type: "aks.provisioning.succeeded", outcome: "delivered" }),
    ]);
  });
});

describe("the outcome shown while completion events are sent", () => {
  it("keeps under Durable's custom-status limit by listing only failed IP rows, with the verdict and summary", () => {
    const meta = webhookMeta("c000000000000000000000abd", { steps: false });
    const base = observation("pod-subnet");
    // A cluster with 120 pods: the whole table is far over 16 KB of custom status.
    const many: ClusterIps = {
      ...base,
      pods: Array.from({ length: 120 }, (_, i) => ({
        namespace: "workloads",
        name: `app-with-a-rather-long-generated-name-${i}`,
        ip: `10.242.${1 + Math.floor(i / 200)}.${(i % 200) + 4}`,
        hostNetwork: false,
        phase: "Running",
        ownerKind: "ReplicaSet",
        nodeName: "n0",
      })),
    };
    const script: ActivityScript = { ...happyScript(), ...recordedAndDelivered, observeClusterIps: () => ok(many) };
    const input: ProvisionInput = { request: planned(), timings, specHash: "h", meta };
    const { output, customStatuses } = runOrchestrator(provisionCluster, input, script, { ensureFeatures });
    expect(output.outcome).toBe("Succeeded");
    expect(output.ipVerification?.pods).toHaveLength(120);
    const shown = customStatuses.at(-1);
    expect(JSON.stringify(shown).length * 2).toBeLessThanOrEqual(15 * 1024);
    expect(shown.outcome).toBe("Succeeded");
    expect(shown.ipVerification).toMatchObject({ passed: true, pods: [], nodes: [], omittedRows: 123 });
    expect(shown.ipVerification.summary).toEqual(output.ipVerification?.summary);
  });
});

describe("several node pools", () => {
  const pooled = () => {
    const result = planCluster(example("overlay-user-pools"));
    if (!result.ok) throw new Error(JSON.stringify(result.violations));
    return result.request;
  };
  const poolSubnet = (name: string) => subnetId(name).replace("rg-aks/", "rg-aks-pools/");
  const cidrOf = { "snet-system": "10.80.0", "snet-apps": "10.80.4", "snet-batch": "10.80.8" } as const;
  function pooledObservation(): ClusterIps {
    const nodes = [
      ...[0, 1, 2].map((i) => ({
        name: `aks-system-${i}`,
        internalIp: `${cidrOf["snet-system"]}.${4 + i}`,
        pool: "system",
      })),
      ...[0, 1, 2].map((i) => ({ name: `aks-apps-${i}`, internalIp: `${cidrOf["snet-apps"]}.${4 + i}`, pool: "apps" })),
    ];
    return {
      nodes,
      pods: nodes.flatMap((node, i) => [
        {
          namespace: "kube-system",
          name: `kube-proxy-${i}`,
          ip: node.internalIp,
          hostNetwork: true,
          phase: "Running",
          ownerKind: "DaemonSet",
          nodeName: node.name,
        },
        {
          namespace: "kube-system",
          name: `cilium-${i}`,
          ip: `10.244.${i}.4`,
          hostNetwork: false,
          phase: "Running",
          ownerKind: "DaemonSet",
          nodeName: node.name,
        },
      ]),
    };
  }
  function pooledScript(): ActivityScript {
    const base = happyScript();
    return {
      ...base,
      ensureNetwork: (input) =>
        ok({
          vnetId: "vnet-id",
          nodeSubnetId: poolSubnet(input.nodeSubnet.name),
          podSubnetId: null,
          apiServerSubnetId: null,
          addressPrefixes: input.vnet.addressPrefixes,
          created: [],
          subnetIds: Object.fromEntries(
            [input.nodeSubnet, ...(input.poolSubnets ?? [])].map((s) => [s.name, poolSubnet(s.name)]),
          ),
        }),
      beginCreateAgentPool: (input) =>
        ok({
          pollerState: `poller-${input.pool.name}`,
          action: "created",
          changes: [],
          state: {
            name: input.pool.name,
            provisioningState: "Creating",
            operationStatus: "running",
            count: input.pool.count,
            poolId: null,
            error: null,
          },
        }),
      getAgentPoolState: (input, call) =>
        ok({
          name: input.poolName,
          provisioningState: call % 2 === 1 ? "Creating" : "Succeeded",
          operationStatus: call % 2 === 1 ? "running" : "succeeded",
          count: null,
          poolId: `cluster-id/agentPools/${input.poolName}`,
          error: null,
        }),
      observeClusterIps: () => ok(pooledObservation()),
    };
  }

  it("builds the System pool with the cluster and each User pool after it, one at a time, on its own subnet", () => {
    const { progress, calls } = run(pooled(), pooledScript());
    expect(progress.error).toBeNull();
    expect(progress.outcome).toBe("Succeeded");
    const network = calls.find((c) => c.name === "ensureNetwork")!.input;
    expect(network.poolSubnets?.map((s: { name: string }) => s.name)).toEqual([
      "snet-system",
      "snet-apps",
      "snet-batch",
    ]);
    // Network Contributor on every subnet a pool uses, each once.
    const scopes = calls.filter((c) => c.name === "ensureRoleAssignment").map((c) => c.input.scope);
    expect(scopes).toEqual([poolSubnet("snet-system"), poolSubnet("snet-apps"), poolSubnet("snet-batch")]);
    const created = calls.find((c) => c.name === "beginCreateCluster")!.input;
    expect(created.nodeSubnetId).toBe(poolSubnet("snet-system"));
    expect(created.nodePool).toMatchObject({ name: "system", minCount: null, maxCount: null });
    const poolCalls = calls.filter((c) => c.name === "beginCreateAgentPool" || c.name === "getAgentPoolState");
    expect(poolCalls.map((c) => `${c.name}:${c.input.pool?.name ?? c.input.poolName}`)).toEqual([
      "beginCreateAgentPool:apps",
      "getAgentPoolState:apps",
      "getAgentPoolState:apps",
      "beginCreateAgentPool:batch",
      "getAgentPoolState:batch",
      "getAgentPoolState:batch",
    ]);
    const apps = calls.find((c) => c.name === "beginCreateAgentPool")!.input;
    expect(apps).toMatchObject({
      nodeSubnetId: poolSubnet("snet-apps"),
      podSubnetId: null,
      pool: { name: "apps", mode: "User", count: 3, minCount: 3, maxCount: 20, maxPods: 110, maxSurge: 2 },
    });
    // The pools are polled with their own poller, after the cluster's operation finished.
    const firstPoolCall = calls.findIndex((c) => c.name === "beginCreateAgentPool");
    const lastClusterPoll = calls.map((c) => c.name).lastIndexOf("getClusterState");
    expect(firstPoolCall).toBeGreaterThan(lastClusterPoll);
    expect(calls.find((c) => c.name === "getAgentPoolState")!.input.pollerState).toBe("poller-apps");
    expect(stepOf(progress, "nodePools")).toMatchObject({
      status: "succeeded",
      detail: "apps Succeeded, batch Succeeded",
    });
    expect(progress.pools).toEqual([
      {
        name: "system",
        mode: "System",
        nodeSubnetId: poolSubnet("snet-system"),
        podSubnetId: null,
        state: "Succeeded",
        count: 3,
        autoscale: null,
      },
      {
        name: "apps",
        mode: "User",
        nodeSubnetId: poolSubnet("snet-apps"),
        podSubnetId: null,
        state: "Succeeded",
        count: 3,
        autoscale: { minCount: 3, maxCount: 20 },
      },
      {
        name: "batch",
        mode: "User",
        nodeSubnetId: poolSubnet("snet-batch"),
        podSubnetId: null,
        state: "Succeeded",
        count: 0,
        autoscale: { minCount: 0, maxCount: 50 },
      },
    ]);
    // IP verification names each node's pool and checks it against that pool's subnet.
    const appsRows = progress.ipVerification!.nodes.filter((row) => row.pool === "apps");
    expect(appsRows).toHaveLength(3);
    expect(appsRows.every((row) => row.ok && row.expectedCidr === "10.80.4.0/22")).toBe(true);
  });

  it("fails the nodePools step with AKS's code when a pool's create fails, and names the pool", () => {
    const script = pooledScript();
    const { progress, calls } = run(pooled(), {
      ...script,
      getAgentPoolState: (input) =>
        ok({
          name: input.poolName,
          provisioningState: "Failed",
          operationStatus: "failed",
          count: null,
          poolId: null,
          error: { code: "InsufficientSubnetSize", message: "Pre-allocated IPs 60 exceeds IPs available 59" },
        }),
    });
    expect(progress.outcome).toBe("Failed");
    expect(progress.error).toMatchObject({ step: "nodePools", code: "InsufficientSubnetSize" });
    expect(calls.filter((c) => c.name === "beginCreateAgentPool")).toHaveLength(1);
    expect(progress.pools?.map((pool) => [pool.name, pool.state])).toEqual([
      ["system", "Succeeded"],
      ["apps", "Failed"],
      ["batch", "Pending"],
    ]);
  });

  it("finds pools already built and sends nothing (a re-run is idempotent)", () => {
    const script = pooledScript();
    const { progress, calls } = run(pooled(), {
      ...script,
      beginCreateAgentPool: (input) =>
        ok({
          pollerState: null,
          action: "unchanged",
          changes: [],
          state: {
            name: input.pool.name,
            provisioningState: "Succeeded",
            operationStatus: null,
            count: 3,
            poolId: "id",
            error: null,
          },
        }),
    });
    expect(progress.outcome).toBe("Succeeded");
    expect(calls.filter((c) => c.name === "getAgentPoolState")).toHaveLength(0);
  });
});

describe("egress: outbound types other than loadBalancer", () => {
  const natId = `/subscriptions/${sub}/resourceGroups/rg-aks/providers/Microsoft.Network/natGateways/ng-aks-podsubnet`;
  const ipId = `/subscriptions/${sub}/resourceGroups/rg-aks/providers/Microsoft.Network/publicIPAddresses/ng-aks-podsubnet-ip`;
  const rtId = `/subscriptions/${sub}/resourceGroups/rg-aks/providers/Microsoft.Network/routeTables/rt-egress`;
  const egressScript = (): ActivityScript => ({
    ...happyScript(),
    ensureNatGateway: (input) =>
      ok({
        natGatewayId: natId,
        publicIpIds: [ipId],
        created: [`public IP ${input.publicIpName}`, `NAT gateway ${input.natGateway.name}`],
      }),
    ensureEgressRouteTable: () =>
      ok({ routeTableId: rtId, defaultRoute: "VirtualAppliance 10.100.0.4", created: true }),
    ensureSubnetEgress: (input) => ok({ associated: input.subnetNames, alreadyAssociated: [] }),
  });
  const names = (calls: { name: string }[]) => calls.map((c) => c.name);

  it("creates the NAT gateway and puts it on every cluster subnet before the role assignments and the cluster", () => {
    const { progress, calls } = run(planned({}, { outbound: { type: "userAssignedNATGateway" } }), egressScript());
    expect(progress.error).toBeNull();
    const order = names(calls);
    expect(order.indexOf("ensureNatGateway")).toBeGreaterThan(order.indexOf("ensureNetwork"));
    expect(order.indexOf("ensureSubnetEgress")).toBeLessThan(order.indexOf("ensureRoleAssignment"));
    expect(order.indexOf("ensureSubnetEgress")).toBeLessThan(order.indexOf("beginCreateCluster"));
    expect(calls.find((c) => c.name === "ensureNatGateway")!.input).toEqual({
      location: "eastus2",
      natGateway: { subscriptionId: sub, resourceGroup: "rg-aks", name: "ng-aks-podsubnet", existing: false },
      sku: "Standard",
      publicIpName: "ng-aks-podsubnet-ip",
      tags: {},
    });
    expect(calls.find((c) => c.name === "ensureSubnetEgress")!.input).toMatchObject({
      vnetName: "vnet-aks",
      subnetNames: ["snet-nodes", "snet-pods"],
      natGatewayId: natId,
      routeTableId: null,
    });
    expect(calls.find((c) => c.name === "beginCreateCluster")!.input.outboundType).toBe("userAssignedNATGateway");
    expect(progress.resources).toMatchObject({ natGatewayId: natId, publicIpId: ipId });
    expect(stepOf(progress, "egress")).toMatchObject({ status: "succeeded" });
    expect(stepOf(progress, "egress").detail).toMatch(
      /created public IP .*NAT gateway ng-aks-podsubnet; on snet-nodes, snet-pods/,
    );
    // Network Contributor on the two subnets and on the gateway AKS reads when it checks the subnets' egress.
    const scopes = calls.filter((c) => c.name === "ensureRoleAssignment").map((c) => c.input.scope);
    expect(scopes).toHaveLength(3);
    expect(scopes[2]).toBe(natId);
  });

  it("creates the UDR route table, gives the identity Network Contributor on it, and verifies that after create", () => {
    const request = planned(
      {},
      { outbound: { type: "userDefinedRouting", routeTable: { name: "rt-egress" }, nextHopIp: "10.100.0.4" } },
    );
    const { progress, calls } = run(request, egressScript());
    expect(progress.error).toBeNull();
    expect(calls.find((c) => c.name === "ensureEgressRouteTable")!.input).toMatchObject({
      routeTable: { name: "rt-egress", resourceGroup: "rg-aks", existing: false },
      nextHopIp: "10.100.0.4",
    });
    expect(calls.find((c) => c.name === "ensureSubnetEgress")!.input).toMatchObject({
      subnetNames: ["snet-nodes", "snet-pods"],
      natGatewayId: null,
      routeTableId: rtId,
    });
    const scopes = calls.filter((c) => c.name === "ensureRoleAssignment").map((c) => c.input.scope);
    expect(scopes).toEqual([subnetId("snet-nodes"), subnetId("snet-pods"), rtId]);
    const checked = calls.find((c) => c.name === "checkRoleAssignments")!.input.checks.map((c: any) => c.scope);
    expect(checked).toContain(rtId);
    expect(progress.roleChecks.find((c) => c.scope === rtId)).toMatchObject({
      role: "Network Contributor",
      present: true,
    });
    expect(stepOf(progress, "roleAssignments").detail).toBe("Network Contributor on 2 subnet(s) and the route table");
    expect(stepOf(progress, "egress").detail).toMatch(/0\.0\.0\.0\/0 → VirtualAppliance 10\.100\.0\.4/);
    expect(calls.find((c) => c.name === "beginCreateCluster")!.input.outboundType).toBe("userDefinedRouting");
    expect(progress.resources.routeTableId).toBe(rtId);
  });

  it("fails at the egress step, before any cluster call, when an existing route table has no default route", () => {
    const request = planned({}, { outbound: { type: "userDefinedRouting", routeTable: { id: rtId } } });
    const script: ActivityScript = {
      ...egressScript(),
      ensureEgressRouteTable: () =>
        fail("RouteTableMissingDefaultRouteError", "Default route 0.0.0.0/0 missing from route table 'rt-egress'"),
    };
    const { progress, calls } = run(request, script);
    expect(progress.outcome).toBe("Failed");
    expect(progress.error).toMatchObject({ step: "egress", code: "RouteTableMissingDefaultRouteError" });
    expect(calls.find((c) => c.name === "ensureEgressRouteTable")!.input.routeTable).toMatchObject({
      existing: true,
      name: "rt-egress",
    });
    expect(names(calls)).not.toContain("ensureSubnetEgress");
    expect(names(calls)).not.toContain("beginCreateCluster");
  });

  it("skips the egress step for outbound type none and sends it to AKS as is", () => {
    const { progress, calls } = run(planned({}, { outbound: { type: "none" } }), egressScript());
    expect(progress.error).toBeNull();
    expect(stepOf(progress, "egress")).toMatchObject({ status: "skipped" });
    expect(names(calls).filter((n) => /NatGateway|EgressRouteTable|SubnetEgress/.test(n))).toEqual([]);
    expect(calls.find((c) => c.name === "beginCreateCluster")!.input.outboundType).toBe("none");
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

describe("cluster polling", () => {
  const start = Date.parse("2026-01-01T00:00:00Z");
  const firstPollAfter = (action: "created" | "updated") => {
    const script = happyScript();
    script.beginCreateCluster = () =>
      ok({ pollerState: "poller-1", action, changes: [], state: clusterState("Creating", "running") });
    const input: ProvisionInput = {
      request: planned(),
      timings: { ...timings, clusterFirstPollSeconds: 120 },
      specHash: "h",
    };
    const trace = runOrchestrator(provisionCluster, input, script, { ensureFeatures });
    expect(trace.output.outcome).toBe("Succeeded");
    const [first, second] = trace.timers.map((at) => (at.getTime() - start) / 1000);
    return { first: first ?? Number.NaN, gap: (second ?? Number.NaN) - (first ?? Number.NaN) };
  };

  it("waits clusterFirstPollSeconds before polling a new cluster, then polls at the interval (±20 %)", () => {
    const { first, gap } = firstPollAfter("created");
    // Each timer due under a second later, so that whole-second delivery never cuts it short (runtime.ts).
    expect(first).toBeGreaterThanOrEqual(120);
    expect(first).toBeLessThan(121);
    expect(gap).toBeGreaterThanOrEqual(24);
    expect(gap).toBeLessThan(37);
  });

  it("polls an in-place update at the interval from the start: updates can finish in seconds", () => {
    const { first } = firstPollAfter("updated");
    expect(first).toBeGreaterThanOrEqual(24);
    expect(first).toBeLessThan(37);
  });

  it("reads only the cluster while it is in progress, passing the run's poller for the final read", () => {
    const trace = run(planned(), happyScript());
    const polls = trace.calls.filter((call) => call.name === "getClusterState");
    expect(polls.length).toBe(3);
    expect(polls.every((call) => call.input.pollerState === "poller-1" && !("readCluster" in call.input))).toBe(true);
  });
});

describe("a change run", () => {
  const meta = webhookMeta("c000000000000000000000abc", { steps: false });
  const livePool = (name: string, count: number, subnet: string) => ({
    name,
    count,
    maxPods: 30,
    nodeSubnetId: subnetId(subnet),
    podSubnetId: null,
  });

  it("checks the subnets against AKS's pools first and stops with SubnetIsFull before any Azure write", () => {
    const request = planned({}, { nodeSubnet: { name: "snet-nodes", addressPrefix: "10.243.0.0/27" } });
    const script: ActivityScript = {
      ...happyScript(),
      ...recordedAndDelivered,
      readAgentPools: () => ok([livePool("system", 3, "snet-nodes"), livePool("adhoc", 25, "snet-nodes")]),
    };
    const input: ProvisionInput = {
      request,
      timings,
      specHash: "h",
      meta,
      change: { codes: ["pool-scale"], removePools: [] },
    };
    const { output, calls } = runOrchestrator(provisionCluster, input, script, { ensureFeatures });
    expect(output.outcome).toBe("Failed");
    expect(output.error).toMatchObject({ step: "changeChecks", code: "SubnetIsFull" });
    expect(calls.map((c) => c.name).filter((name) => name.startsWith("ensure") || name.startsWith("begin"))).toEqual(
      [],
    );
    const event = calls.find((c) => c.name === "deliverEvent")?.input.event;
    expect(event).toMatchObject({ type: "aks.provisioning.failed", data: { changes: ["pool-scale"] } });
  });

  it("removes the pools the new spec dropped after the rest, and polls each until AKS no longer has it", () => {
    const script: ActivityScript = {
      ...happyScript(),
      ...recordedAndDelivered,
      beginDeleteAgentPool: (input) =>
        ok({
          name: input.poolName,
          provisioningState: "Deleting",
          operationStatus: "running",
          count: 2,
          poolId: null,
          error: null,
        }),
      getAgentPoolState: (input, call) =>
        ok({
          name: input.poolName,
          provisioningState: call < 2 ? "Deleting" : "NotFound",
          operationStatus: null,
          count: null,
          poolId: null,
          error: null,
        }),
    };
    const input: ProvisionInput = {
      request: planned(),
      timings,
      specHash: "h",
      meta,
      change: { codes: ["pool-remove"], removePools: ["apps"] },
    };
    const { output, calls } = runOrchestrator(provisionCluster, input, script, { ensureFeatures });
    expect(output.outcome, JSON.stringify(output.error)).toBe("Succeeded");
    expect(output.steps.map((step) => step.name)).not.toContain("changeChecks");
    expect(output.steps.find((step) => step.name === "nodePools")).toMatchObject({
      status: "succeeded",
      detail: "apps Deleted",
    });
    const names = calls.map((c) => c.name);
    expect(names.indexOf("beginDeleteAgentPool")).toBeGreaterThan(names.indexOf("getClusterState"));
    expect(names.indexOf("beginDeleteAgentPool")).toBeLessThan(names.indexOf("observeClusterIps"));
  });
});
