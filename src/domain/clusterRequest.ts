/**
 * The ClusterRequest v1: its JSON shape (a zod schema, which also generates the OpenAPI request schema) and the
 * normalised form every later layer works with. Shape, types and ARM names are checked here; rules that need CIDR
 * arithmetic or cross-field reasoning are the planner's. Defaults live in requestDefaults.ts and are applied once,
 * by the normalised view (requestView.ts); `toClusterRequest` only copies that view into its final, typed form.
 */
import { z } from "zod";
import { armNames, feature, guid, location, networkResourceId, networkResourceTypes } from "./armNames.js";
import {
  dataplanes,
  ipFamilyNames,
  networkModes,
  networkPolicies,
  outboundTypes,
  podIpAllocations,
  type Dataplane,
  type IpFamilyName,
  type NetworkMode,
  type NetworkPolicy,
  type OutboundType,
  type PodIpAllocation,
} from "./networkModes.js";
import { poolModes, type PoolMode } from "./poolView.js";
import { readRequestView, type RequestView, type ResourceRefView, type SubnetView } from "./requestView.js";

// Re-exported so existing importers keep one entry point for request types.
export { armNames } from "./armNames.js";
export { networkModes, networkPolicies, type NetworkMode, type NetworkPolicy } from "./networkModes.js";

const subnetInput = z.strictObject({
  name: armNames.subnet,
  addressPrefix: z.string(),
  // Dual-stack only: nodes take an IPv6 address from their subnet too.
  ipv6AddressPrefix: z.string().optional(),
});

const vnetInput = z
  .strictObject({
    name: armNames.vnet.optional(),
    id: networkResourceId(networkResourceTypes.vnet).optional(),
    resourceGroup: armNames.resourceGroup.optional(),
    addressPrefixes: z.array(z.string()).min(1).max(16).optional(),
  })
  .superRefine((vnet, ctx) => {
    if (vnet.id !== undefined) return;
    if (vnet.name === undefined) {
      ctx.addIssue({
        code: "custom",
        path: ["name"],
        message: "name is required unless id names an existing VNet",
        params: { code: "required" },
      });
    }
    if (vnet.addressPrefixes === undefined) {
      ctx.addIssue({
        code: "custom",
        path: ["addressPrefixes"],
        message: "addressPrefixes is required to create a VNet (or give the id of an existing one)",
        params: { code: "required" },
      });
    }
  });

const natGatewayInput = z.strictObject({
  id: networkResourceId(networkResourceTypes.natGateway).optional(),
  name: armNames.networkResource.optional(),
});
const routeTableInput = z.strictObject({
  id: networkResourceId(networkResourceTypes.routeTable).optional(),
  name: armNames.networkResource.optional(),
});

const vmSize = z
  .string()
  .regex(/^Standard_[A-Za-z0-9_]+$/, { message: "vmSize must be an Azure VM size such as Standard_D2s_v5" });

const poolFields = {
  vmSize: vmSize.optional(),
  count: z.number().int().min(1).max(1000).optional(),
  maxPods: z.number().int().optional(),
  maxSurge: z.number().int().min(0).max(100).optional(),
};

const nodePoolInput = z.strictObject({
  name: armNames.nodePool,
  mode: z.enum(poolModes),
  ...poolFields,
  count: z.number().int().min(0).max(1000).optional(),
  minCount: z.number().int().min(0).max(1000).optional(),
  maxCount: z.number().int().min(1).max(1000).optional(),
  nodeSubnet: subnetInput.optional(),
  podSubnet: subnetInput.optional(),
});

const inputSchema = z.strictObject({
  subscriptionId: guid,
  resourceGroup: armNames.resourceGroup,
  location,
  clusterName: armNames.cluster,
  kubernetesVersion: z
    .string()
    .refine((value) => /^\d+\.\d+(\.\d+)?$/.test(value), {
      message: "kubernetesVersion must look like 1.33 or 1.33.2",
      params: { code: "invalid-version" },
    })
    .optional(),
  dnsPrefix: armNames.dnsPrefix.optional(),
  network: z.strictObject({
    mode: z.enum(networkModes).optional(),
    dataplane: z.enum(dataplanes).optional(),
    networkPolicy: z.enum(networkPolicies).optional(),
    podIpAllocation: z.enum(podIpAllocations).optional(),
    ipFamilies: z.array(z.enum(ipFamilyNames)).min(1).max(2).optional(),
    vnet: vnetInput,
    nodeSubnet: subnetInput,
    podSubnet: subnetInput.nullable().optional(),
    apiServerSubnet: subnetInput.optional(),
    serviceCidr: z.string().optional(),
    serviceCidrs: z.array(z.string()).min(1).max(2).optional(),
    dnsServiceIp: z.string().optional(),
    podCidr: z.string().nullable().optional(),
    podCidrs: z.array(z.string()).min(1).max(2).optional(),
    outbound: z
      .strictObject({
        type: z.enum(outboundTypes),
        natGateway: natGatewayInput.optional(),
        routeTable: routeTableInput.optional(),
        nextHopIp: z.string().optional(),
      })
      .optional(),
  }),
  apiServer: z
    .strictObject({
      private: z.boolean().optional(),
      vnetIntegration: z.boolean().optional(),
      // AKS accepts at most 200 authorized ranges (aks-docs api-server-authorized-ip-ranges.md).
      authorizedIpRanges: z.array(z.string()).max(200).optional(),
    })
    .optional(),
  nodePool: z.strictObject({ name: armNames.nodePool.optional(), ...poolFields }).optional(),
  nodePools: z.array(nodePoolInput).min(1).max(100).optional(),
  identity: z.strictObject({ name: armNames.identity.optional() }).optional(),
  features: z.array(feature).max(20).optional(),
  // ARM's tag limits (count, lengths, characters, prototype keys) are the planner's tag rule, so each is named.
  tags: z.record(z.string(), z.string()).optional(),
  verify: z.strictObject({ demoWorkload: z.boolean().optional() }).optional(),
});

export type ClusterRequestInput = z.input<typeof inputSchema>;

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
      natGateway: NetworkResourceRef | null;
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
        natGateway: view.outbound.natGateway === null ? null : refSpec(view.outbound.natGateway),
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
export const clusterRequestShape = inputSchema;

/** Shape check plus normalisation; `parse` yields the ClusterRequest (CIDR rules are the planner's, not this). */
export const clusterRequestSchema = inputSchema.transform((input) => toClusterRequest(readRequestView(input)));
