import type { ManagedCluster } from "@azure/arm-containerservice";
import { restorePoller } from "@azure/arm-containerservice";
import type { AzureClientFactory } from "../azure/clients.js";
import { modeTraits, type OutboundType } from "../domain/networkModes.js";
import { outboundMigrationSupported } from "../domain/changes/networkChangeRules.js";
import { autoscaleFields } from "./agentPools.js";
import { getOrNull } from "./armHelpers.js";
import { pollOnce } from "./operationPoll.js";
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

/** The managed-cluster body: the one place that maps a request onto AKS's profiles, reading each mode's traits. */
export function managedClusterBody(spec: ClusterSpecInput): ManagedCluster {
  const traits = modeTraits[spec.mode];
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
        ...autoscaleFields(spec.nodePool),
        vmSize: spec.nodePool.vmSize,
        maxPods: spec.nodePool.maxPods,
        vnetSubnetID: spec.nodeSubnetId,
        ...(spec.podSubnetId === null ? {} : { podSubnetID: spec.podSubnetId }),
        ...(traits.usesPodSubnet && spec.podIpAllocation === "staticBlock"
          ? { podIPAllocationMode: "StaticBlock" }
          : {}),
        upgradeSettings: { maxSurge: String(spec.nodePool.maxSurge) },
      },
    ],
    networkProfile: {
      networkPlugin: traits.plugin,
      ...(traits.pluginMode === null ? {} : { networkPluginMode: traits.pluginMode }),
      ...(spec.networkPolicy === "none" ? {} : { networkPolicy: spec.networkPolicy }),
      ...(spec.dataplane === "cilium" ? { networkDataplane: "cilium" } : {}),
      serviceCidr: spec.serviceCidr,
      dnsServiceIP: spec.dnsServiceIp,
      ...(traits.usesPodCidr && spec.podCidr !== null ? { podCidr: spec.podCidr } : {}),
      // Dual-stack: both families in ipFamilies order; the singular fields above stay the IPv4 ones, as AKS echoes them.
      ...(spec.dualStack === undefined
        ? {}
        : {
            ipFamilies: spec.dualStack.ipFamilies,
            podCidrs: spec.dualStack.podCidrs,
            serviceCidrs: spec.dualStack.serviceCidrs,
          }),
      // AKS needs the Standard load balancer for dual-stack (and for every cluster this API builds).
      loadBalancerSku: "standard",
      // The NAT gateway or route table is on the node subnet already (egress step); AKS checks it at create.
      outboundType: spec.outboundType ?? "loadBalancer",
    },
    ...apiServerAccessProfile(spec),
  };
}

/**
 * API server access (aks-docs private-clusters.md, api-server-vnet-integration.md, api-server-authorized-ip-ranges.md):
 * sent only when the request asks for something beyond the public default, so an existing public cluster's body is
 * unchanged. A VNet-integrated API server sits behind an internal load balancer in the delegated subnet.
 */
function apiServerAccessProfile(spec: ClusterSpecInput): Pick<ManagedCluster, "apiServerAccessProfile"> {
  const access = spec.apiServer;
  if (!access.private && !access.vnetIntegration && access.authorizedIpRanges.length === 0) return {};
  return {
    apiServerAccessProfile: {
      ...(access.private ? { enablePrivateCluster: true } : {}),
      ...(access.vnetIntegration ? { enableVnetIntegration: true } : {}),
      ...(access.vnetIntegration && access.subnetId !== null ? { subnetId: access.subnetId } : {}),
      ...(access.authorizedIpRanges.length > 0 ? { authorizedIPRanges: access.authorizedIpRanges } : {}),
    },
  };
}

interface SpecDifferences {
  /** Fields AKS cannot change on an existing cluster: the request describes a different cluster. */
  immutable: string[];
  /** Fields a PUT changes in place, described "field old → new". */
  inPlace: string[];
}

const ownTags = new Set(["managed-by"]);
const same = (a: string | undefined | null, b: string | undefined | null) =>
  (a ?? "").toLowerCase() === (b ?? "").toLowerCase();

function compareWithSpec(cluster: ManagedCluster, spec: ClusterSpecInput): SpecDifferences {
  const want = managedClusterBody(spec);
  const have = cluster.networkProfile;
  const wanted = want.networkProfile;
  const immutable: string[] = [];
  const differs = (field: string, a: string | undefined, b: string | undefined) => {
    if (!same(a, b)) immutable.push(field);
  };
  // kubenet → Azure CNI Overlay is the one plugin change AKS makes in place (a one-way update that reimages nodes,
  // pod CIDR included); the API lets it through only when the caller acknowledged it.
  const migrating =
    same(have?.networkPlugin, "kubenet") &&
    same(wanted?.networkPlugin, "azure") &&
    same(wanted?.networkPluginMode, "overlay");
  const inPlace: string[] = [];
  if (migrating) {
    inPlace.push(
      `networkProfile kubenet → azure overlay (pod CIDR ${have?.podCidr ?? "?"} → ${wanted?.podCidr ?? "?"})`,
    );
  } else {
    differs("networkProfile.networkPlugin", have?.networkPlugin, wanted?.networkPlugin);
    differs("networkProfile.networkPluginMode", have?.networkPluginMode, wanted?.networkPluginMode);
  }
  differs("networkProfile.serviceCidr", have?.serviceCidr, wanted?.serviceCidr);
  differs("networkProfile.dnsServiceIP", have?.dnsServiceIP, wanted?.dnsServiceIP);
  // Outbound type migrations AKS documents for a BYO VNet, and the Cilium dataplane after Azure CNI (one-way): PUTs
  // that update in place; every other change of either is a different cluster.
  const haveOutbound = (have?.outboundType ?? "loadBalancer") as OutboundType;
  const wantOutbound = (wanted?.outboundType ?? "loadBalancer") as OutboundType;
  if (!same(haveOutbound, wantOutbound)) {
    if (outboundMigrationSupported(haveOutbound, wantOutbound))
      inPlace.push(`networkProfile.outboundType ${haveOutbound} → ${wantOutbound}`);
    else immutable.push("networkProfile.outboundType");
  }
  const haveDataplane = have?.networkDataplane ?? "azure";
  const wantDataplane = wanted?.networkDataplane ?? "azure";
  if (!same(haveDataplane, wantDataplane)) {
    if (same(haveDataplane, "azure") && same(wantDataplane, "cilium") && !migrating)
      inPlace.push(
        `networkProfile.networkDataplane azure → cilium (network policy ${wanted?.networkPolicy ?? "none"})`,
      );
    else immutable.push("networkProfile.networkDataplane");
  }
  if (wanted?.podCidr !== undefined && !migrating) differs("networkProfile.podCidr", have?.podCidr, wanted.podCidr);
  // Turning a private cluster public (or back) rebuilds its endpoint: not something a provisioning re-run should do.
  const haveAccess = cluster.apiServerAccessProfile;
  if ((haveAccess?.enablePrivateCluster ?? false) !== spec.apiServer.private)
    immutable.push("apiServerAccessProfile.enablePrivateCluster");
  const hadVnetIntegration = haveAccess?.enableVnetIntegration ?? false;
  // Enabling VNet integration is an update AKS makes (one-way); disabling it is not.
  if (hadVnetIntegration && !spec.apiServer.vnetIntegration)
    immutable.push("apiServerAccessProfile.enableVnetIntegration");
  if (!hadVnetIntegration && spec.apiServer.vnetIntegration)
    inPlace.push(
      `apiServerAccessProfile.enableVnetIntegration false → true (subnet ${spec.apiServer.subnetId ?? "?"})`,
    );
  if (hadVnetIntegration && spec.apiServer.vnetIntegration)
    differs("apiServerAccessProfile.subnetId", haveAccess?.subnetId, spec.apiServer.subnetId ?? undefined);
  const families = (list: string[] | undefined) => (list ?? ["IPv4"]).join(",");
  differs("networkProfile.ipFamilies", families(have?.ipFamilies), families(wanted?.ipFamilies));
  const pool = cluster.agentPoolProfiles?.find((p) => p.name === spec.nodePool.name);
  if (pool === undefined) {
    immutable.push(`agentPoolProfiles[${spec.nodePool.name}]`);
    return { immutable, inPlace: [] };
  }
  differs("vnetSubnetID", pool.vnetSubnetID, spec.nodeSubnetId);
  differs("podSubnetID", pool.podSubnetID, spec.podSubnetId ?? undefined);
  differs("nodePool.vmSize", pool.vmSize, spec.nodePool.vmSize);
  if (pool.maxPods !== undefined && pool.maxPods !== spec.nodePool.maxPods) immutable.push("nodePool.maxPods");

  // The autoscaler owns an autoscaled pool's count: a different count there is not drift.
  if (pool.enableAutoScaling !== true && pool.count !== undefined && pool.count !== spec.nodePool.count) {
    inPlace.push(`nodePool.count ${pool.count} → ${spec.nodePool.count}`);
  }
  const haveTags = Object.entries(cluster.tags ?? {}).filter(([key]) => !ownTags.has(key));
  const wantTags = Object.entries(spec.tags);
  const tagText = (tags: [string, string][]) =>
    JSON.stringify(Object.fromEntries([...tags].sort(([a], [b]) => a.localeCompare(b))));
  if (tagText(haveTags) !== tagText(wantTags)) inPlace.push("tags");
  const haveRanges = [...(cluster.apiServerAccessProfile?.authorizedIPRanges ?? [])].sort().join(", ");
  const wantRanges = [...spec.apiServer.authorizedIpRanges].sort().join(", ");
  if (haveRanges !== wantRanges) inPlace.push(`apiServer.authorizedIpRanges [${haveRanges}] → [${wantRanges}]`);
  return { immutable, inPlace };
}

function stateOf(cluster: ManagedCluster | null, operationStatus: string | null = null): ClusterState {
  const agentPools = (cluster?.agentPoolProfiles ?? []).map((pool) => ({
    name: pool.name,
    provisioningState: pool.provisioningState ?? "Unknown",
    count: pool.count ?? null,
  }));
  if (cluster === null) {
    return {
      provisioningState: "NotFound",
      operationStatus,
      agentPools,
      clusterId: null,
      nodeResourceGroup: null,
      kubernetesVersion: null,
      error: null,
    };
  }
  const failure = cluster.status?.provisioningError;
  return {
    provisioningState: cluster.provisioningState ?? "Unknown",
    operationStatus,
    agentPools,
    clusterId: cluster.id ?? null,
    nodeResourceGroup: cluster.nodeResourceGroup ?? null,
    kubernetesVersion: cluster.currentKubernetesVersion ?? cluster.kubernetesVersion ?? null,
    error: failure?.code === undefined ? null : { code: failure.code, message: failure.message ?? "" },
  };
}

/**
 * Starts the create (or an in-place update of node count and tags), or finds it done or under way, and returns at
 * once: the orchestrator polls on durable timers. A cluster that differs in what AKS cannot change is a conflict.
 */
export function beginCreateCluster(clientsFor: AzureClientFactory) {
  return async (spec: ClusterSpecInput): Promise<BeginCreateClusterOutput> => {
    const { containerService } = clientsFor(spec.subscriptionId);
    const existing = await getOrNull(() => containerService.managedClusters.get(spec.resourceGroup, spec.clusterName));
    let changes: string[] = [];
    if (existing !== null) {
      const differences = compareWithSpec(existing, spec);
      if (differences.immutable.length > 0) {
        throw new ProvisioningError(
          "ClusterSpecConflict",
          `cluster '${spec.clusterName}' already exists with a different ${differences.immutable.join(", ")}; these cannot change in place`,
        );
      }
      const state = (existing.provisioningState ?? "").toLowerCase();
      if (inProgress.has(state) || (state === "succeeded" && differences.inPlace.length === 0)) {
        return { pollerState: null, action: "unchanged", changes: [], state: stateOf(existing) };
      }
      changes = differences.inPlace;
    }
    const poller = containerService.managedClusters.createOrUpdate(
      spec.resourceGroup,
      spec.clusterName,
      managedClusterBody(spec),
    );
    await poller.submitted();
    const pollerState = await poller.serialize();
    const current = await containerService.managedClusters.get(spec.resourceGroup, spec.clusterName);
    return {
      pollerState,
      action: existing === null ? "created" : "updated",
      changes,
      state: stateOf(current, "running"),
    };
  };
}

/**
 * Reads the cluster, and the operation this run started only once the cluster has stopped being in progress. AKS gives
 * each cluster its own GET bucket (60 burst, 1 s⁻¹), while operation-status GETs share one bucket per subscription
 * (200 burst, 2 s⁻¹): a fleet polling the operation would throttle itself, polling each cluster does not. The operation
 * is still read at the end, through the SDK's own restored poller, because only it explains a failure.
 */
export function getClusterState(clientsFor: AzureClientFactory) {
  return async (input: ClusterStateInput): Promise<ClusterState> => {
    const { containerService } = clientsFor(input.subscriptionId);
    const cluster = await getOrNull(() => containerService.managedClusters.get(input.resourceGroup, input.clusterName));
    if (cluster !== null && inProgress.has((cluster.provisioningState ?? "").toLowerCase())) {
      return stateOf(cluster, "running");
    }
    if (input.pollerState === null) return stateOf(cluster);
    // ARM keeps an operation's status for a limited time; once it is gone the cluster itself tells the outcome.
    const polled = await pollOnce(
      restorePoller(containerService, input.pollerState, containerService.managedClusters.createOrUpdate),
    );
    const state = stateOf(cluster, polled.status);
    if (polled.error !== null) {
      return {
        ...state,
        provisioningState: "Failed",
        error: state.error ?? { code: polled.error.code, message: polled.error.message },
      };
    }
    // The operation outlives the cluster's in-progress state by a moment (or the cluster is not listed yet): poll again.
    if (polled.status === "running" || polled.status === "notStarted")
      return { ...state, provisioningState: "InProgress" };
    return state;
  };
}
