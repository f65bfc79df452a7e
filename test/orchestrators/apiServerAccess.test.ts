/**
 * API server access in the orchestration: the delegated API server subnet, Network Contributor on it, the access
 * profile in the cluster spec, the delegation checked after create, and a private cluster observed through AKS run
 * command (never the direct Kubernetes API).
 */
import { describe, expect, it } from "vitest";
import type { ClusterRequest } from "../../src/domain/clusterRequest.js";
import type { ClusterIps } from "../../src/domain/observations.js";
import { planCluster } from "../../src/domain/planner.js";
import { unsupportedForProvisioning } from "../../src/domain/provisioningSupport.js";
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
const subnetId = (name: string) =>
  `/subscriptions/${sub}/resourceGroups/rg-aks/providers/Microsoft.Network/virtualNetworks/vnet-aks/subnets/${name}`;

function request(apiServer: Record<string, unknown>, extra: Record<string, unknown> = {}): ClusterRequest {
  const vnetIntegration = apiServer.vnetIntegration === true;
  const result = planCluster({
    subscriptionId: sub,
    resourceGroup: "rg-aks",
    location: "eastus2",
    clusterName: "aks-private",
    network: {
      mode: "overlay",
      vnet: { name: "vnet-aks", addressPrefixes: ["10.50.0.0/16"] },
      nodeSubnet: { name: "snet-nodes", addressPrefix: "10.50.0.0/22" },
      ...(vnetIntegration ? { apiServerSubnet: { name: "snet-apiserver", addressPrefix: "10.50.4.0/28" } } : {}),
    },
    nodePool: { count: 2 },
    apiServer,
    ...extra,
  });
  if (!result.ok) throw new Error(JSON.stringify(result.violations));
  return result.request;
}

const ok = <T>(value: T) => ({ ok: true as const, value });
const fail = (code: string, message = "boom") => ({ ok: false as const, error: { code, message } });

const observed: ClusterIps = {
  nodes: ["10.50.0.4", "10.50.0.5"].map((ip, i) => ({ name: `aks-system-vmss00000${i}`, internalIp: ip, ready: true })),
  pods: [
    {
      namespace: "kube-system",
      name: "kube-proxy-0",
      ip: "10.50.0.4",
      hostNetwork: true,
      phase: "Running",
      ownerKind: "DaemonSet",
      nodeName: "n0",
    },
    {
      namespace: "kube-system",
      name: "coredns-0",
      ip: "10.244.0.5",
      hostNetwork: false,
      phase: "Running",
      ownerKind: "ReplicaSet",
      nodeName: "n0",
    },
  ],
};

const clusterState = (provisioningState: string) => ({
  provisioningState,
  operationStatus: provisioningState === "Succeeded" ? "succeeded" : "running",
  agentPools: [{ name: "system", provisioningState, count: 2 }],
  clusterId: "cluster-id",
  nodeResourceGroup: "MC_rg-aks_aks-private_eastus2",
  kubernetesVersion: "1.33.2",
  error: null,
});

function script(): ActivityScript {
  return {
    ensureResourceGroup: () => ok({ id: `/subscriptions/${sub}/resourceGroups/rg-aks`, created: true }),
    ensureNetwork: (input) =>
      ok({
        vnetId: "vnet-id",
        nodeSubnetId: subnetId(input.nodeSubnet.name),
        podSubnetId: null,
        apiServerSubnetId: input.apiServerSubnet === null ? null : subnetId(input.apiServerSubnet.name),
        addressPrefixes: input.vnet.addressPrefixes,
        created: [],
      }),
    ensureManagedIdentity: () => ok({ id: "identity-id", principalId: "principal-1", clientId: "c", created: true }),
    ensureRoleAssignment: () => ok({ id: "ra", created: true }),
    beginCreateCluster: () => ok({ pollerState: "p", action: "created", changes: [], state: clusterState("Creating") }),
    getClusterState: () => ok(clusterState("Succeeded")),
    checkRoleAssignments: (input) =>
      ok(input.checks.map((c) => ({ role: c.role, scope: c.scope, principalId: c.principalId, present: true }))),
    checkSubnetDelegation: (input) =>
      ok({ subnetId: input.subnetId, serviceName: input.serviceName, present: true, delegations: [input.serviceName] }),
    observeClusterIps: () => ok(observed),
    beginClusterObservation: () => ok({ nodes: "cmd-nodes", pods: "cmd-pods" }),
    getClusterObservation: (_input, call) =>
      ok(call === 1 ? { state: "running" as const } : { state: "done" as const, observed }),
  };
}

function run(clusterRequest: ClusterRequest, activities: ActivityScript) {
  const input: ProvisionInput = { request: clusterRequest, timings, specHash: "h" };
  const trace = runOrchestrator(provisionCluster, input, activities, { ensureFeatures });
  return { ...trace, progress: trace.output };
}

describe("a private cluster with API server VNet integration", () => {
  it("creates the delegated subnet, grants and checks the identity on it, and observes through run command", () => {
    const { progress, calls } = run(request({ private: true, vnetIntegration: true }), script());
    expect(progress.error).toBeNull();
    expect(progress.outcome).toBe("Succeeded");
    const network = calls.find((c) => c.name === "ensureNetwork")!;
    expect(network.input.apiServerSubnet).toEqual({ name: "snet-apiserver", addressPrefix: "10.50.4.0/28" });
    const granted = calls.filter((c) => c.name === "ensureRoleAssignment").map((c) => c.input.scope);
    expect(granted).toEqual([subnetId("snet-nodes"), subnetId("snet-apiserver")]);
    expect(calls.find((c) => c.name === "beginCreateCluster")!.input.apiServer).toEqual({
      private: true,
      vnetIntegration: true,
      subnetId: subnetId("snet-apiserver"),
      authorizedIpRanges: [],
    });
    const checked = calls
      .find((c) => c.name === "checkRoleAssignments")!
      .input.checks.map((c: { scope: string }) => c.scope);
    expect(checked).toContain(subnetId("snet-apiserver"));
    expect(calls.find((c) => c.name === "checkSubnetDelegation")!.input).toMatchObject({
      subnetId: subnetId("snet-apiserver"),
      serviceName: "Microsoft.ContainerService/managedClusters",
    });
    // The private API server is never called directly: both kubectl commands start once, their result is polled.
    const names = calls.map((c) => c.name);
    expect(names).not.toContain("observeClusterIps");
    expect(names.filter((name) => name === "beginClusterObservation")).toHaveLength(1);
    expect(names.filter((name) => name === "getClusterObservation")).toHaveLength(2);
    expect(progress.ipVerification?.passed).toBe(true);
    expect(progress.resources.apiServerSubnetId).toBe(subnetId("snet-apiserver"));
    const roleChecks = progress.steps.find((step) => step.name === "roleChecks")!;
    expect(roleChecks.detail).toMatch(/API server subnet delegated to Microsoft\.ContainerService\/managedClusters$/);
  });

  it("fails the role checks when the API server subnet lost its delegation", () => {
    const { progress } = run(request({ private: true, vnetIntegration: true }), {
      ...script(),
      checkSubnetDelegation: (input) =>
        ok({ subnetId: input.subnetId, serviceName: input.serviceName, present: false, delegations: [] }),
    });
    expect(progress.error).toMatchObject({ step: "roleChecks", code: "SubnetDelegationMissing" });
  });

  it("fails IP verification with kubectl's own error when run command cannot observe", () => {
    const { progress } = run(request({ private: true, vnetIntegration: true }), {
      ...script(),
      getClusterObservation: () => fail("RunCommandFailed", "'kubectl get nodes -o json' exited with 1: error: x"),
    });
    expect(progress.error).toMatchObject({ step: "ipVerification", code: "RunCommandFailed" });
  });

  it("gives up on a run command that never finishes", () => {
    const { progress } = run(request({ private: true }), {
      ...script(),
      getClusterObservation: () => ok({ state: "running" as const }),
    });
    expect(progress.error).toMatchObject({ step: "ipVerification", code: "RunCommandTimeout" });
  });
});

describe("a public cluster with authorized IP ranges", () => {
  it("sends the ranges and reads the API server directly", () => {
    const { progress, calls } = run(request({ authorizedIpRanges: ["203.0.113.0/24"] }), script());
    expect(progress.outcome).toBe("Succeeded");
    expect(calls.find((c) => c.name === "beginCreateCluster")!.input.apiServer).toEqual({
      private: false,
      vnetIntegration: false,
      subnetId: null,
      authorizedIpRanges: ["203.0.113.0/24"],
    });
    expect(calls.find((c) => c.name === "ensureNetwork")!.input.apiServerSubnet).toBeNull();
    expect(calls.map((c) => c.name)).toContain("observeClusterIps");
    expect(calls.map((c) => c.name)).not.toContain("checkSubnetDelegation");
  });
});

describe("what POST /api/clusters accepts for the API server", () => {
  it("provisions private, VNet-integrated and authorized-range clusters; refuses the demo workload on a private one", () => {
    expect(unsupportedForProvisioning(request({ private: true, vnetIntegration: true }))).toEqual([]);
    expect(unsupportedForProvisioning(request({ authorizedIpRanges: ["203.0.113.0/24"] }))).toEqual([]);
    expect(unsupportedForProvisioning(request({ private: true }, { verify: { demoWorkload: true } }))).toEqual([
      expect.objectContaining({ path: "verify.demoWorkload", code: "not-yet-provisionable" }),
    ]);
  });
});
