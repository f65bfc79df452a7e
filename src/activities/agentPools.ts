/**
 * Node pools after the first System pool: created through the agent-pool API (`managedClusters/{name}/agentPools/{pool}`
 * PUT, long-running) once the cluster exists, as AKS wants them; each an idempotent ensure the orchestrator polls on
 * durable timers through the SDK's own restored poller, like the cluster itself (cluster.ts).
 */
import type { AgentPool, ManagedClusterAgentPoolProfile } from "@azure/arm-containerservice";
import { restorePoller } from "@azure/arm-containerservice";
import type { AzureClientFactory } from "../azure/clients.js";
import { modeTraits } from "../domain/networkModes.js";
import { getOrNull } from "./armHelpers.js";
import { pollOnce } from "./operationPoll.js";
import type {
  AgentPoolSpec,
  AgentPoolSpecInput,
  AgentPoolStateInput,
  AgentPoolStatus,
  BeginAgentPoolOutput,
  ClusterRef,
} from "./contracts.js";
import type { LivePool } from "../domain/changes/subnetRoom.js";
import { ProvisioningError } from "./guard.js";

const inProgress = new Set(["creating", "updating", "upgrading", "scaling", "starting", "stopping", "deleting"]);

/**
 * The autoscaler fields AKS wants on a pool profile: enableAutoScaling with both bounds, count inside them (AKS
 * refuses a count outside [minCount, maxCount]); a fixed pool says enableAutoScaling false.
 */
export function autoscaleFields(pool: {
  count: number;
  minCount?: number | null;
  maxCount?: number | null;
}): Pick<ManagedClusterAgentPoolProfile, "count" | "enableAutoScaling" | "minCount" | "maxCount"> {
  const { minCount, maxCount } = pool;
  if (minCount == null || maxCount == null) return { count: pool.count, enableAutoScaling: false };
  return {
    count: Math.min(Math.max(pool.count, minCount), maxCount),
    enableAutoScaling: true,
    minCount,
    maxCount,
  };
}

/** The agent-pool body: the same profile the cluster body gives its System pool, on the pool's own subnets. */
export function agentPoolBody(input: AgentPoolSpecInput): AgentPool {
  const traits = modeTraits[input.mode];
  const pool: AgentPoolSpec = input.pool;
  return {
    mode: pool.mode,
    osType: "Linux",
    type: "VirtualMachineScaleSets",
    vmSize: pool.vmSize,
    maxPods: pool.maxPods,
    ...autoscaleFields(pool),
    ...(input.kubernetesVersion === null ? {} : { orchestratorVersion: input.kubernetesVersion }),
    vnetSubnetID: input.nodeSubnetId,
    ...(input.podSubnetId === null ? {} : { podSubnetID: input.podSubnetId }),
    ...(traits.usesPodSubnet && input.podIpAllocation === "staticBlock" ? { podIPAllocationMode: "StaticBlock" } : {}),
    upgradeSettings: { maxSurge: String(pool.maxSurge) },
    tags: { ...input.tags, "managed-by": "aks-provisioning-api" },
  };
}

const same = (a: string | undefined | null, b: string | undefined | null) =>
  (a ?? "").toLowerCase() === (b ?? "").toLowerCase();

/** As cluster.ts compares a cluster: what AKS cannot change on a pool is a conflict, the rest an in-place update. */
export function comparePool(
  existing: AgentPool,
  input: AgentPoolSpecInput,
): { immutable: string[]; inPlace: string[] } {
  const want = agentPoolBody(input);
  const have = existing;
  const immutable: string[] = [];
  const differs = (field: string, a: string | undefined, b: string | undefined) => {
    if (!same(a, b)) immutable.push(field);
  };
  differs("vnetSubnetID", have.vnetSubnetID, want.vnetSubnetID);
  differs("podSubnetID", have.podSubnetID, want.podSubnetID);
  differs("vmSize", have.vmSize, want.vmSize);
  differs("mode", have.mode, want.mode);
  if (have.maxPods !== undefined && have.maxPods !== want.maxPods) immutable.push("maxPods");

  const inPlace: string[] = [];
  const autoscale = (p: typeof have) =>
    p.enableAutoScaling === true ? `autoscale ${p.minCount ?? "?"}–${p.maxCount ?? "?"}` : "fixed";
  if (autoscale(have) !== autoscale(want)) inPlace.push(`${autoscale(have)} → ${autoscale(want)}`);
  // The autoscaler owns the count of an autoscaled pool: a different count there is not drift.
  if (want.enableAutoScaling !== true && have.count !== undefined && have.count !== want.count) {
    inPlace.push(`count ${have.count} → ${want.count ?? "?"}`);
  }
  return { immutable, inPlace };
}

function statusOf(pool: AgentPool | null, name: string, operationStatus: string | null = null): AgentPoolStatus {
  if (pool === null) {
    return { name, provisioningState: "NotFound", operationStatus, count: null, poolId: null, error: null };
  }
  return {
    name,
    provisioningState: pool.provisioningState ?? "Unknown",
    operationStatus,
    count: pool.count ?? null,
    poolId: pool.id ?? null,
    error: null,
  };
}

/**
 * Starts the pool's create (or an in-place update), or finds it built or under way, and returns at once: the
 * orchestrator polls on durable timers. A pool that differs in what AKS cannot change is a conflict.
 */
export function beginCreateAgentPool(clientsFor: AzureClientFactory) {
  return async (input: AgentPoolSpecInput): Promise<BeginAgentPoolOutput> => {
    const { containerService } = clientsFor(input.subscriptionId);
    const { resourceGroup, clusterName } = input;
    const name = input.pool.name;
    const existing = await getOrNull(() => containerService.agentPools.get(resourceGroup, clusterName, name));
    let changes: string[] = [];
    if (existing !== null) {
      const differences = comparePool(existing, input);
      if (differences.immutable.length > 0) {
        throw new ProvisioningError(
          "AgentPoolSpecConflict",
          `agent pool '${name}' already exists with a different ${differences.immutable.join(", ")}; these cannot change in place`,
        );
      }
      const state = (existing.provisioningState ?? "").toLowerCase();
      if (inProgress.has(state) || (state === "succeeded" && differences.inPlace.length === 0)) {
        return { pollerState: null, action: "unchanged", changes: [], state: statusOf(existing, name) };
      }
      changes = differences.inPlace;
    }
    const poller = containerService.agentPools.createOrUpdate(resourceGroup, clusterName, name, agentPoolBody(input));
    await poller.submitted();
    const pollerState = await poller.serialize();
    const current = await getOrNull(() => containerService.agentPools.get(resourceGroup, clusterName, name));
    return {
      pollerState,
      action: existing === null ? "created" : "updated",
      changes,
      state: statusOf(current, name, "running"),
    };
  };
}

/** Polls the pool's operation through the SDK's restored poller, then reads the pool itself. */
export function getAgentPoolState(clientsFor: AzureClientFactory) {
  return async (input: AgentPoolStateInput): Promise<AgentPoolStatus> => {
    const { containerService } = clientsFor(input.subscriptionId);
    let operationStatus: string | null = null;
    let operationError: AgentPoolStatus["error"] = null;
    if (input.pollerState !== null) {
      const polled = await pollOnce(
        restorePoller(containerService, input.pollerState, containerService.agentPools.createOrUpdate),
      );
      operationStatus = polled.status;
      operationError = polled.error;
    }
    const pool = await getOrNull(() =>
      containerService.agentPools.get(input.resourceGroup, input.clusterName, input.poolName),
    );
    const state = statusOf(pool, input.poolName, operationStatus);
    return operationError === null ? state : { ...state, provisioningState: "Failed", error: operationError };
  };
}

/** Every agent pool of the cluster as AKS reports it now: real counts, pools made outside this API too. */
export function readAgentPools(clientsFor: AzureClientFactory) {
  return async (input: ClusterRef): Promise<LivePool[]> => {
    const { containerService } = clientsFor(input.subscriptionId);
    const pools: LivePool[] = [];
    for await (const pool of containerService.agentPools.list(input.resourceGroup, input.clusterName)) {
      pools.push({
        name: pool.name ?? "",
        count: pool.count ?? 0,
        maxPods: pool.maxPods ?? 30,
        nodeSubnetId: pool.vnetSubnetID ?? null,
        podSubnetId: pool.podSubnetID ?? null,
      });
    }
    return pools;
  };
}

/**
 * Sends the pool's DELETE and returns; the orchestrator polls getAgentPoolState until AKS no longer knows the pool.
 * The last System pool is refused here too, whatever the caller's spec says: AKS would refuse it, after the call.
 */
export function beginDeleteAgentPool(clientsFor: AzureClientFactory) {
  return async (input: AgentPoolStateInput): Promise<AgentPoolStatus> => {
    const { containerService } = clientsFor(input.subscriptionId);
    const { resourceGroup, clusterName, poolName } = input;
    const pool = await getOrNull(() => containerService.agentPools.get(resourceGroup, clusterName, poolName));
    if (pool === null) return statusOf(null, poolName);
    if (pool.mode === "System") {
      const systemPools: string[] = [];
      for await (const other of containerService.agentPools.list(resourceGroup, clusterName)) {
        if (other.mode === "System") systemPools.push(other.name ?? "");
      }
      if (systemPools.length < 2) {
        throw new ProvisioningError(
          "LastSystemPool",
          `agent pool '${poolName}' is the cluster's last System pool and is not deleted`,
        );
      }
    }
    if ((pool.provisioningState ?? "").toLowerCase() !== "deleting") {
      await containerService.agentPools.beginDelete(resourceGroup, clusterName, poolName);
    }
    const current = await getOrNull(() => containerService.agentPools.get(resourceGroup, clusterName, poolName));
    return statusOf(current, poolName, "running");
  };
}
