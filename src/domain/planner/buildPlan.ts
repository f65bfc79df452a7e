/** The IP plan of a valid request: consumption per pool and per subnet, now and at autoscaler maximum plus surge. */
import { azureReservedPerSubnet } from "../cidr.js";
import type { ClusterRequest } from "../clusterRequest.js";
import {
  podCidrNodeCapacity,
  type Dataplane,
  type IpFamilyName,
  type NatGatewaySku,
  type NetworkMode,
  type NetworkPolicy,
  type OutboundType,
  type PodIpAllocation,
  type PodIpSource,
} from "../networkModes.js";
import { compareModes, type ModeCost } from "../recommendation.js";
import type { RequestView } from "../requestView.js";
import { ipv4, rangesOf, type SubnetRole } from "./ranges.js";
import { poolUsage, subnetUsages, type SubnetUsage } from "./sizing.js";

export interface SubnetPlan {
  role: SubnetRole;
  name: string;
  cidr: string;
  size: number;
  reserved: typeof azureReservedPerSubnet;
  usable: number;
  consumedNow: number;
  /** Every pool at its autoscaler maximum (or count) plus upgrade surge. */
  consumedAtSurge: number;
  /** usable − consumedAtSurge */
  free: number;
  /** Extra nodes that would still fit at surge (of the pool needing the most addresses per node). */
  headroomNodes: number;
}

export interface PoolPlan {
  name: string;
  mode: "System" | "User";
  nodeSubnet: string;
  podSubnet: string | null;
  nodesNow: number;
  nodesAtMax: number;
  nodesAtSurge: number;
  nodeSubnetIpsPerNode: number;
  podSubnetIpsPerNode: number | null;
  /** VNet addresses this pool takes (node and pod subnets), without Azure's per-subnet reserve. */
  vnetAddressesNow: number;
  vnetAddressesAtSurge: number;
}

export interface IpPlan {
  mode: NetworkMode;
  dataplane: Dataplane;
  networkPolicy: NetworkPolicy;
  podIpAllocation: PodIpAllocation;
  ipFamilies: IpFamilyName[];
  podIpSource: PodIpSource;
  subnets: SubnetPlan[];
  pools: PoolPlan[];
  podCidr: { cidr: string; size: number; perNodePrefixLength: 24 | null; maxNodes: number } | null;
  podCidrs: string[];
  serviceCidr: string;
  serviceCidrs: string[];
  dnsServiceIp: string;
  apiServer: { private: boolean; vnetIntegration: boolean; subnet: string | null; reservedIps: number };
  outbound: {
    type: OutboundType;
    natGateway: string | null;
    natGatewaySku: NatGatewaySku | null;
    routeTable: string | null;
    nextHopIp: string | null;
  };
  vnetAddressesConsumedNow: number;
  vnetAddressesConsumedAtSurge: number;
  /** Checks skipped because the request did not describe an existing resource (done at run time). */
  deferredChecks: string[];
  /** What each network mode would cost in VNet addresses for the same pools. */
  modes: ModeCost[];
}

function subnetPlan(usage: SubnetUsage): SubnetPlan {
  const { entry } = usage;
  const free = usage.usable - usage.consumedAtSurge;
  return {
    role: entry.role,
    name: entry.subnet.name,
    cidr: entry.cidr?.text ?? "",
    size: entry.cidr?.size ?? 0,
    reserved: azureReservedPerSubnet,
    usable: usage.usable,
    consumedNow: usage.consumedNow,
    consumedAtSurge: usage.consumedAtSurge,
    free,
    headroomNodes: usage.perNode === 0 ? 0 : Math.max(0, Math.floor(free / usage.perNode)),
  };
}

function deferredChecks(view: RequestView): string[] {
  const vnetUnknown = view.vnet !== null && view.vnet.prefixes === null;
  return [
    ...(vnetUnknown
      ? ["subnet-outside-vnet", "service-cidr-overlaps-network (VNet)", "pod-cidr-overlaps-network (VNet)"]
      : []),
    ...(view.outbound.routeTable?.existing === true ? ["route-table-default-route (existing route table)"] : []),
    ...(view.outbound.natGateway?.existing === true ? ["nat-gateway-exists (existing NAT gateway)"] : []),
  ];
}

export function buildPlan(view: RequestView, request: ClusterRequest): IpPlan {
  const { network } = request;
  const subnets = subnetUsages(view).map(subnetPlan);
  const roleOf = new Map(rangesOf(view).subnets.map((entry) => [entry.subnet.name, entry.role]));
  const pools = view.pools.flatMap((pool): PoolPlan[] => {
    const usage = poolUsage(view, pool);
    const spec = request.nodePools.find((candidate) => candidate.name === pool.name);
    if (usage === null || spec === undefined) return [];
    const perNode = usage.nodeSubnetIpsPerNode + (usage.podSubnetIpsPerNode ?? 0);
    return [
      {
        name: spec.name,
        mode: spec.mode,
        nodeSubnet: spec.nodeSubnet.name,
        podSubnet: spec.podSubnet?.name ?? null,
        nodesNow: usage.nodesNow,
        nodesAtMax: usage.nodesAtMax,
        nodesAtSurge: usage.nodesAtSurge,
        nodeSubnetIpsPerNode: usage.nodeSubnetIpsPerNode,
        podSubnetIpsPerNode: usage.podSubnetIpsPerNode,
        vnetAddressesNow: usage.nodesNow * perNode,
        vnetAddressesAtSurge: usage.nodesAtSurge * perNode,
      },
    ];
  });
  const reserved = subnets.length * azureReservedPerSubnet;
  const podCidr = ipv4(view.podCidrs[0]);
  const perNodePrefix = view.traits?.podCidrPerNodePrefix ?? null;
  const apiServerSubnet = subnets.find((subnet) => roleOf.get(subnet.name) === "api-server");
  const nodesAtMax = pools.reduce((sum, pool) => sum + pool.nodesAtMax, 0);
  return {
    mode: network.mode,
    dataplane: network.dataplane,
    networkPolicy: network.networkPolicy,
    podIpAllocation: network.podIpAllocation,
    ipFamilies: network.ipFamilies,
    podIpSource: view.traits?.podIpSource ?? "pod-cidr",
    subnets,
    pools,
    podCidr:
      podCidr === null
        ? null
        : {
            cidr: podCidr.text,
            size: podCidr.size,
            perNodePrefixLength: perNodePrefix,
            maxNodes: perNodePrefix === null ? 0 : podCidrNodeCapacity(podCidr.prefixLength, perNodePrefix),
          },
    podCidrs: network.podCidrs,
    serviceCidr: network.serviceCidr,
    serviceCidrs: network.serviceCidrs,
    dnsServiceIp: network.dnsServiceIp,
    apiServer: {
      private: request.apiServer.private,
      vnetIntegration: request.apiServer.vnetIntegration,
      subnet: apiServerSubnet?.name ?? null,
      reservedIps: apiServerSubnet?.consumedNow ?? 0,
    },
    outbound: {
      type: network.outbound.type,
      natGateway: network.outbound.natGateway?.name ?? null,
      natGatewaySku: network.outbound.natGateway?.sku ?? null,
      routeTable: network.outbound.routeTable?.name ?? null,
      nextHopIp: network.outbound.nextHopIp,
    },
    vnetAddressesConsumedNow: subnets.reduce((sum, s) => sum + s.consumedNow, reserved),
    vnetAddressesConsumedAtSurge: subnets.reduce((sum, s) => sum + s.consumedAtSurge, reserved),
    deferredChecks: deferredChecks(view),
    // Cluster-wide totals against the cluster's own subnets: a comparison, not a second plan.
    modes: compareModes({
      count: nodesAtMax,
      maxSurge: pools.reduce((sum, pool) => sum + (pool.nodesAtSurge - pool.nodesAtMax), 0),
      nodeSubnet: network.nodeSubnet.addressPrefix,
      podSubnet: network.podSubnet?.addressPrefix ?? null,
      podIpAllocation: network.podIpAllocation,
    }),
  };
}
