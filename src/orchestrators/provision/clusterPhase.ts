import type { ClusterSpecInput, ClusterState } from "../../activities/contracts.js";
import { nodeResourceGroupName, resourceGroupId } from "../../domain/names.js";
import { call, PermanentFailure } from "../activityCalls.js";
import { deadline, jittered, pastDeadline, sleep, type Step } from "../runtime.js";
import { poolSubnetIds } from "./poolSubnets.js";
import type { Prerequisites } from "./prerequisitesPhase.js";
import { clusterRefOf, type ProvisionScope } from "./scope.js";

const terminalStates = new Set(["succeeded", "failed", "canceled", "notfound"]);

/** What AKS's own docs give as the usual time for a new cluster; shown beside the elapsed time, not used to decide. */
const typicalCreateMinutes = "5–10";

export interface ProvisionedCluster {
  nodeResourceGroup: string;
  state: ClusterState;
}

/** Starts the create (or an in-place update) and polls it on durable timers: never a long-blocking activity. */
export function* clusterPhase(scope: ProvisionScope, prerequisites: Prerequisites): Step<ProvisionedCluster> {
  const { context, run, request, timings } = scope;
  const net = request.network;
  // The first System pool is built with the cluster, on its own subnets; the other pools come after (nodePoolsPhase).
  const system = request.nodePools[0];
  const systemSubnets =
    system === undefined
      ? { nodeSubnetId: prerequisites.network.nodeSubnetId, podSubnetId: prerequisites.network.podSubnetId }
      : poolSubnetIds(prerequisites.network, system, request);
  const plannedNodeResourceGroup = nodeResourceGroupName(request.resourceGroup, request.clusterName, request.location);
  const spec: ClusterSpecInput = {
    ...clusterRefOf(request),
    location: request.location,
    dnsPrefix: request.dnsPrefix,
    kubernetesVersion: request.kubernetesVersion ?? null,
    mode: net.mode,
    nodeSubnetId: systemSubnets.nodeSubnetId,
    podSubnetId: systemSubnets.podSubnetId,
    serviceCidr: net.serviceCidr,
    dnsServiceIp: net.dnsServiceIp,
    podCidr: net.podCidr,
    ...(net.ipFamilies.includes("IPv6")
      ? { dualStack: { ipFamilies: net.ipFamilies, podCidrs: net.podCidrs, serviceCidrs: net.serviceCidrs } }
      : {}),
    networkPolicy: net.networkPolicy,
    dataplane: net.dataplane,
    podIpAllocation: net.podIpAllocation,
    nodePool: { ...request.nodePool, minCount: system?.minCount ?? null, maxCount: system?.maxCount ?? null },
    apiServer: {
      private: request.apiServer.private,
      vnetIntegration: request.apiServer.vnetIntegration,
      subnetId: prerequisites.network.apiServerSubnetId,
      authorizedIpRanges: request.apiServer.authorizedIpRanges,
    },
    identityId: prerequisites.identity.id,
    nodeResourceGroup: plannedNodeResourceGroup,
    tags: request.tags,
    outboundType: net.outbound.type,
  };
  const state = yield* run.step(
    "cluster",
    function* () {
      const started = yield* call(context, "beginCreateCluster", spec);
      const verb = started.action === "updated" ? `updating ${started.changes.join(", ")}` : started.action;
      let state = started.state;
      const startedAt = context.df.currentUtcDateTime.getTime();
      const until = deadline(context, timings.clusterTimeoutMinutes);
      run.note("cluster", started.action === "unchanged" ? describe(state, "already exists with this spec", 0) : verb);
      for (let poll = 1; !terminalStates.has(state.provisioningState.toLowerCase()); poll += 1) {
        if (pastDeadline(context, until)) {
          throw new PermanentFailure({
            code: "ClusterCreateTimeout",
            message: `still ${state.provisioningState} after ${timings.clusterTimeoutMinutes} minutes`,
          });
        }
        // Spread a fleet's polls over time instead of in lockstep; the same run always waits the same (replay-safe). A
        // new cluster is not polled before it could plausibly be done: each early poll is an ARM read and two episodes.
        const interval = jittered(timings.clusterPollIntervalSeconds, context.df.instanceId, poll);
        const firstWait = poll === 1 && started.action === "created" ? (timings.clusterFirstPollSeconds ?? 0) : 0;
        yield* sleep(context, Math.max(interval, firstWait));
        state = yield* call(context, "getClusterState", { ...clusterRefOf(request), pollerState: started.pollerState });
        run.note("cluster", describe(state, verb, context.df.currentUtcDateTime.getTime() - startedAt));
      }
      if (state.provisioningState.toLowerCase() !== "succeeded") {
        throw new PermanentFailure(
          state.error ?? {
            code: `Cluster${state.provisioningState}`,
            message: `provisioningState is ${state.provisioningState}`,
          },
        );
      }
      return state;
    },
    (done) => (done.kubernetesVersion === null ? "Succeeded" : `Succeeded (Kubernetes ${done.kubernetesVersion})`),
  );
  const nodeResourceGroup = state.nodeResourceGroup ?? plannedNodeResourceGroup;
  if (state.clusterId !== null) run.progress.resources.clusterId = state.clusterId;
  run.progress.resources.nodeResourceGroupId = resourceGroupId(request.subscriptionId, nodeResourceGroup);
  return { nodeResourceGroup, state };
}

/** Only what Azure itself reports: the cluster's and each agent pool's provisioning state, and the time so far. */
function describe(state: ClusterState, verb: string, elapsedMs: number): string {
  const minutes = Math.floor(elapsedMs / 60_000);
  const seconds = Math.floor((elapsedMs % 60_000) / 1_000);
  const pools = state.agentPools.map((pool) => `${pool.name} ${pool.provisioningState}`).join(", ");
  return [
    `${verb}: ${state.provisioningState}`,
    `${minutes}m ${String(seconds).padStart(2, "0")}s elapsed (new clusters typically take ${typicalCreateMinutes} min)`,
    ...(pools.length > 0 ? [`agent pools: ${pools}`] : []),
  ].join("; ");
}
