import type { ManagedCluster } from "@azure/arm-containerservice";
import { createDefaultHttpClient, createPipelineRequest } from "@azure/core-rest-pipeline";
import type { AzureClientFactory, AzureClients } from "../azure/clients.js";
import { getOrNull } from "./armHelpers.js";
import type { BeginCreateClusterOutput, ClusterSpecInput, ClusterState, ClusterStateInput } from "./contracts.js";
import { ProvisioningError } from "./guard.js";

const inProgress = new Set([
  "creating",
  "updating",
  "upgrading",
  "scaling",
  "starting",
  "stopping",
  "deleting",
  "canceling",
]);

/** The managed-cluster body for a network mode: the one place that maps our modes onto AKS's network profile. */
export function managedClusterBody(spec: ClusterSpecInput): ManagedCluster {
  const plugin = spec.mode === "kubenet" ? "kubenet" : "azure";
  const usesPodCidr = spec.mode === "kubenet" || spec.mode === "overlay";
  return {
    location: spec.location,
    tags: { ...spec.tags, "managed-by": "aks-provisioning-api" },
    identity: { type: "UserAssigned", userAssignedIdentities: { [spec.identityId]: {} } },
    ...(spec.kubernetesVersion === null ? {} : { kubernetesVersion: spec.kubernetesVersion }),
    dnsPrefix: spec.dnsPrefix,
    nodeResourceGroup: spec.nodeResourceGroup,
    agentPoolProfiles: [
      {
        name: spec.nodePool.name,
        mode: "System",
        osType: "Linux",
        type: "VirtualMachineScaleSets",
        count: spec.nodePool.count,
        vmSize: spec.nodePool.vmSize,
        maxPods: spec.nodePool.maxPods,
        vnetSubnetID: spec.nodeSubnetId,
        ...(spec.podSubnetId === null ? {} : { podSubnetID: spec.podSubnetId }),
        upgradeSettings: { maxSurge: String(spec.nodePool.maxSurge) },
      },
    ],
    networkProfile: {
      networkPlugin: plugin,
      ...(spec.mode === "overlay" ? { networkPluginMode: "overlay" } : {}),
      ...(spec.networkPolicy === "none" ? {} : { networkPolicy: spec.networkPolicy }),
      ...(spec.networkPolicy === "cilium" ? { networkDataplane: "cilium" } : {}),
      serviceCidr: spec.serviceCidr,
      dnsServiceIP: spec.dnsServiceIp,
      ...(usesPodCidr && spec.podCidr !== null ? { podCidr: spec.podCidr } : {}),
      loadBalancerSku: "standard",
      outboundType: "loadBalancer",
    },
  };
}

/** Fields that cannot change on an existing cluster: a mismatch means the request describes a different cluster. */
function networkDifferences(cluster: ManagedCluster, spec: ClusterSpecInput): string[] {
  const wanted = managedClusterBody(spec);
  const differences: string[] = [];
  const have = cluster.networkProfile;
  const want = wanted.networkProfile;
  if ((have?.networkPlugin ?? "") !== (want?.networkPlugin ?? "")) differences.push("networkPlugin");
  if ((have?.networkPluginMode ?? "") !== (want?.networkPluginMode ?? "")) differences.push("networkPluginMode");
  if ((have?.serviceCidr ?? "") !== (want?.serviceCidr ?? "")) differences.push("serviceCidr");
  if ((have?.podCidr ?? "") !== (want?.podCidr ?? "") && want?.podCidr !== undefined) differences.push("podCidr");
  const pool = cluster.agentPoolProfiles?.find((p) => p.name === spec.nodePool.name);
  if (pool !== undefined && (pool.vnetSubnetID ?? "").toLowerCase() !== spec.nodeSubnetId.toLowerCase())
    differences.push("vnetSubnetID");
  if (pool !== undefined && (pool.podSubnetID ?? "").toLowerCase() !== (spec.podSubnetId ?? "").toLowerCase())
    differences.push("podSubnetID");
  return differences;
}

function stateOf(cluster: ManagedCluster | null, phase: string | null = null): ClusterState {
  if (cluster === null) {
    return {
      provisioningState: "NotFound",
      phase,
      clusterId: null,
      nodeResourceGroup: null,
      kubernetesVersion: null,
      error: null,
    };
  }
  const failure = cluster.status?.provisioningError;
  return {
    provisioningState: cluster.provisioningState ?? "Unknown",
    phase,
    clusterId: cluster.id ?? null,
    nodeResourceGroup: cluster.nodeResourceGroup ?? null,
    kubernetesVersion: cluster.currentKubernetesVersion ?? cluster.kubernetesVersion ?? null,
    error: failure?.code === undefined ? null : { code: failure.code, message: failure.message ?? "" },
  };
}

/** Starts the create (or finds it done or under way) and returns at once: the orchestrator polls on durable timers. */
export function beginCreateCluster(clientsFor: AzureClientFactory) {
  return async (spec: ClusterSpecInput): Promise<BeginCreateClusterOutput> => {
    const { containerService } = clientsFor(spec.subscriptionId);
    const existing = await getOrNull(() => containerService.managedClusters.get(spec.resourceGroup, spec.clusterName));
    if (existing !== null) {
      const state = (existing.provisioningState ?? "").toLowerCase();
      const differences = networkDifferences(existing, spec);
      if (differences.length > 0) {
        throw new ProvisioningError(
          "ClusterSpecConflict",
          `cluster '${spec.clusterName}' already exists with a different ${differences.join(", ")}; network settings cannot change in place`,
        );
      }
      if (state === "succeeded" || inProgress.has(state)) {
        return { operationUrl: null, alreadyExisted: true, state: stateOf(existing) };
      }
    }
    const poller = containerService.managedClusters.createOrUpdate(
      spec.resourceGroup,
      spec.clusterName,
      managedClusterBody(spec),
    );
    await poller.submitted();
    const operationUrl = operationUrlOf(await poller.serialize());
    const created = await containerService.managedClusters.get(spec.resourceGroup, spec.clusterName);
    return { operationUrl, alreadyExisted: false, state: stateOf(created) };
  };
}

function operationUrlOf(serialized: string): string | null {
  const parsed = JSON.parse(serialized) as { state?: { config?: { operationLocation?: string } } };
  return parsed.state?.config?.operationLocation ?? null;
}

interface AsyncOperationStatus {
  status?: string;
  error?: { code?: string; message?: string };
}

/** AKS reports its phase ("CreatingAgentPools: 0/1 nodes completed") only on the async operation, not on the cluster. */
async function readOperation(clients: AzureClients, url: string): Promise<AsyncOperationStatus | null> {
  const request = createPipelineRequest({ url, method: "GET" });
  const response = await clients.containerService.pipeline.sendRequest(createDefaultHttpClient(), request);
  if (response.status !== 200 || response.bodyAsText === undefined || response.bodyAsText === null) {
    return null;
  }
  return JSON.parse(response.bodyAsText) as AsyncOperationStatus;
}

export function getClusterState(clientsFor: AzureClientFactory) {
  return async (input: ClusterStateInput): Promise<ClusterState> => {
    const clients = clientsFor(input.subscriptionId);
    const operation = input.operationUrl === null ? null : await readOperation(clients, input.operationUrl);
    const cluster = await getOrNull(() =>
      clients.containerService.managedClusters.get(input.resourceGroup, input.clusterName),
    );
    const state = stateOf(cluster, operation?.status ?? null);
    if (state.error === null && operation?.status?.toLowerCase() === "failed" && operation.error?.code !== undefined) {
      return {
        ...state,
        provisioningState: "Failed",
        error: { code: operation.error.code, message: operation.error.message ?? "" },
      };
    }
    return state;
  };
}
