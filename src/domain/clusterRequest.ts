/**
 * The normalised ClusterRequest v1 every layer after the planner works with. Its JSON shape is requestShape.ts;
 * defaults live in requestDefaults.ts and are applied once, by the normalised view (requestView.ts);
 * `toClusterRequest` only copies an accepted view into its final, typed form.
 */
import {
  type Dataplane,
  type IpFamilyName,
  type NatGatewaySku,
  type NetworkMode,
  type NetworkPolicy,
  type OutboundType,
  type PodIpAllocation,
} from "./networkModes.js";
import type { PoolMode } from "./poolView.js";
import { requestShape } from "./requestShape.js";
import { readRequestView, type RequestView, type ResourceRefView, type SubnetView } from "./requestView.js";

// Re-exported so existing importers keep one entry point for request types.
export { armNames } from "./armNames.js";
export { networkModes, networkPolicies, type NetworkMode, type NetworkPolicy } from "./networkModes.js";
export type { ClusterRequestInput } from "./requestShape.js";

export interface SubnetSpec {
  name: string;
  addressPrefix: string;
  /** Present only for a dual-stack cluster's node subnets. */
  ipv6AddressPrefix?: string;
}

/** A network resource the cluster uses: created by this API, or (existing) referenced by id, maybe elsewhere. */
export interface NetworkResourceRef {
  subscriptionId: string;
  resourceGroup: string;
  name: string;
  existing: boolean;
}

export interface NodePoolSpec {
  name: string;
  mode: PoolMode;
  vmSize: string;
  count: number;
  /** Autoscaler bounds; both null when the pool does not autoscale. */
  minCount: number | null;
  maxCount: number | null;
  maxPods: number;
  maxSurge: number;
  nodeSubnet: SubnetSpec;
  podSubnet: SubnetSpec | null;
}

export interface ClusterRequest {
  subscriptionId: string;
  resourceGroup: string;
  location: string;
  clusterName: string;
  kubernetesVersion?: string;
  dnsPrefix: string;
  network: {
    mode: NetworkMode;
    dataplane: Dataplane;
    networkPolicy: NetworkPolicy;
    podIpAllocation: PodIpAllocation;
    ipFamilies: IpFamilyName[];
    vnet: NetworkResourceRef & { addressPrefixes: string[] };
    nodeSubnet: SubnetSpec;
    podSubnet: SubnetSpec | null;
    apiServerSubnet: SubnetSpec | null;
    /** The IPv4 service CIDR (= serviceCidrs[0]). */
    serviceCidr: string;
    serviceCidrs: string[];
    dnsServiceIp: string;
    /** The IPv4 pod CIDR (= podCidrs[0]); null for modes whose pods take VNet IPs. */
    podCidr: string | null;
    podCidrs: string[];
    outbound: {
      type: OutboundType;
      /** sku null: the caller's gateway, used whatever its SKU. */
      natGateway: (NetworkResourceRef & { sku: NatGatewaySku | null }) | null;
      routeTable: NetworkResourceRef | null;
      nextHopIp: string | null;
    };
  };
  apiServer: { private: boolean; vnetIntegration: boolean; authorizedIpRanges: string[] };
  /** Every pool, System pools first in request order; always at least one. */
  nodePools: NodePoolSpec[];
  /** The first System pool, in the shape the orchestration has always read. */
  nodePool: { name: string; vmSize: string; count: number; maxPods: number; maxSurge: number };
  identity: { name: string };
  features: string[];
  tags: Record<string, string>;
  verify: { demoWorkload: boolean };
}

function required<T>(value: T | null | undefined, field: string): T {
  if (value === null || value === undefined) {
    // Only reachable if a rule that should have refused the request did not: a bug, not bad input.
    throw new Error(`normalised request has no ${field}`);
  }
  return value;
}

const subnetSpec = (subnet: SubnetView | null, field: string): SubnetSpec => ({
  name: required(subnet, field).name,
  addressPrefix: required(subnet?.prefix, field).text,
  ...(subnet?.prefixV6 == null ? {} : { ipv6AddressPrefix: subnet.prefixV6.text }),
});
const refSpec = ({ subscriptionId, resourceGroup, name, existing }: ResourceRefView): NetworkResourceRef => ({
  subscriptionId,
  resourceGroup,
  name,
  existing,
});

/** The typed request from a view the schema and every rule accepted. */
export function toClusterRequest(view: RequestView): ClusterRequest {
  const network = {
    mode: required(view.mode, "mode"),
    dataplane: required(view.dataplane, "dataplane"),
    networkPolicy: required(view.networkPolicy, "networkPolicy"),
    podIpAllocation: required(view.podIpAllocation, "podIpAllocation"),
    ipFamilies: required(view.ipFamilies, "ipFamilies"),
  };
  const vnet = required(view.vnet, "vnet");
  const pools = view.pools.map((pool): NodePoolSpec => ({
    name: required(pool.name, "pool name"),
    mode: required(pool.mode, "pool mode"),
    vmSize: required(pool.vmSize, "vmSize"),
    count: required(pool.count, "count"),
    minCount: pool.minCount,
    maxCount: pool.maxCount,
    maxPods: required(pool.maxPods, "maxPods"),
    maxSurge: required(pool.maxSurge, "maxSurge"),
    nodeSubnet: subnetSpec(pool.nodeSubnet, "node subnet"),
    podSubnet: network.mode === "pod-subnet" ? subnetSpec(pool.podSubnet, "pod subnet") : null,
  }));
  const nodePools = [...pools.filter((p) => p.mode === "System"), ...pools.filter((p) => p.mode !== "System")];
  const system = required(nodePools[0], "system pool");
  const serviceCidrs = view.serviceCidrs.map((field) => field.text);
  const podCidrs = view.podCidrs.map((field) => field.text);
  return {
    subscriptionId: required(view.subscriptionId, "subscriptionId"),
    resourceGroup: required(view.resourceGroup, "resourceGroup"),
    location: required(view.location, "location"),
    clusterName: required(view.clusterName, "clusterName"),
    ...(view.kubernetesVersion === null ? {} : { kubernetesVersion: view.kubernetesVersion }),
    dnsPrefix: required(view.dnsPrefix, "dnsPrefix"),
    network: {
      ...network,
      vnet: { ...refSpec(vnet), addressPrefixes: (vnet.prefixes ?? []).map((field) => field.text) },
      nodeSubnet: subnetSpec(view.nodeSubnet, "node subnet"),
      podSubnet: view.podSubnet === null ? null : subnetSpec(view.podSubnet, "pod subnet"),
      apiServerSubnet: view.apiServerSubnet === null ? null : subnetSpec(view.apiServerSubnet, "API server subnet"),
      serviceCidr: required(serviceCidrs[0], "serviceCidr"),
      serviceCidrs,
      dnsServiceIp: required(view.dnsServiceIp, "dnsServiceIp").text,
      podCidr: podCidrs[0] ?? null,
      podCidrs,
      outbound: {
        type: required(view.outbound.type, "outbound type"),
        natGateway:
          view.outbound.natGateway === null
            ? null
            : { ...refSpec(view.outbound.natGateway), sku: view.outbound.natGatewaySku },
        routeTable: view.outbound.routeTable === null ? null : refSpec(view.outbound.routeTable),
        nextHopIp: view.outbound.nextHopIp?.text ?? null,
      },
    },
    apiServer: {
      private: view.apiServer.private,
      vnetIntegration: view.apiServer.vnetIntegration,
      authorizedIpRanges: view.apiServer.authorizedIpRanges.map((field) => field.text),
    },
    nodePools,
    nodePool: {
      name: system.name,
      vmSize: system.vmSize,
      count: system.count,
      maxPods: system.maxPods,
      maxSurge: system.maxSurge,
    },
    identity: { name: required(view.identityName, "identity name") },
    features: view.features,
    tags: Object.fromEntries((view.tags ?? []).map(([name, value]) => [name, String(value)])),
    verify: { demoWorkload: view.demoWorkload },
  };
}

/** The request's JSON shape only (no defaults): what the planner checks first. */
export const clusterRequestShape = requestShape;

/** Shape check plus normalisation; `parse` yields the ClusterRequest (CIDR rules are the planner's, not this). */
export const clusterRequestSchema = requestShape.transform((input) => toClusterRequest(readRequestView(input)));
