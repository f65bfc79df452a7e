/**
 * The normalised ClusterRequest v1 every layer after the planner works with, as a zod schema its type comes from and
 * the status document publishes. The body's shape is requestShape.ts; defaults live in requestDefaults.ts and are
 * applied once, by the lenient view the rule pass reads (requestView.ts); `toClusterRequest` only copies an accepted
 * view into this form.
 */
import { z } from "zod";
import {
  dataplanes,
  ipFamilyNames,
  natGatewaySkus,
  networkModes,
  networkPolicies,
  outboundTypes,
  podIpAllocations,
} from "./networkModes.js";
import { poolModes } from "./poolView.js";
import { requestShape } from "./requestShape.js";
import { readRequestView, type RequestView, type ResourceRefView, type SubnetView } from "./requestView.js";

// Re-exported so existing importers keep one entry point for request types.
export { armNames } from "./armNames.js";
export { networkModes, networkPolicies, type NetworkMode, type NetworkPolicy } from "./networkModes.js";
export type { ClusterRequestInput } from "./requestShape.js";

export const subnetSpecSchema = z.strictObject({
  name: z.string(),
  addressPrefix: z.string(),
  ipv6AddressPrefix: z.string().optional().describe("Present only for a dual-stack cluster's node subnets"),
});
export type SubnetSpec = z.infer<typeof subnetSpecSchema>;

export const networkResourceRefSchema = z
  .strictObject({ subscriptionId: z.string(), resourceGroup: z.string(), name: z.string(), existing: z.boolean() })
  .describe(
    "A network resource the cluster uses: created by this API, or (existing) referenced by id, maybe elsewhere",
  );
export type NetworkResourceRef = z.infer<typeof networkResourceRefSchema>;

const count = z.number().int();

export const nodePoolSpecSchema = z.strictObject({
  name: z.string(),
  mode: z.enum(poolModes),
  vmSize: z.string(),
  count,
  minCount: count.nullable().describe("Autoscaler bound; null (with maxCount) when the pool does not autoscale"),
  maxCount: count.nullable(),
  maxPods: count,
  maxSurge: count,
  nodeSubnet: subnetSpecSchema,
  podSubnet: subnetSpecSchema.nullable(),
});
export type NodePoolSpec = z.infer<typeof nodePoolSpecSchema>;

/** The normalised request: what a run carries, its status document shows and every layer after the planner reads. */
export const normalisedRequestSchema = z
  .strictObject({
    subscriptionId: z.string(),
    resourceGroup: z.string(),
    location: z.string(),
    clusterName: z.string(),
    kubernetesVersion: z.string().optional(),
    dnsPrefix: z.string(),
    network: z.strictObject({
      mode: z.enum(networkModes),
      dataplane: z.enum(dataplanes),
      networkPolicy: z.enum(networkPolicies),
      podIpAllocation: z.enum(podIpAllocations),
      ipFamilies: z.array(z.enum(ipFamilyNames)),
      vnet: networkResourceRefSchema.extend({ addressPrefixes: z.array(z.string()) }),
      nodeSubnet: subnetSpecSchema,
      podSubnet: subnetSpecSchema.nullable(),
      apiServerSubnet: subnetSpecSchema.nullable(),
      serviceCidr: z.string().describe("The IPv4 service CIDR (= serviceCidrs[0])"),
      serviceCidrs: z.array(z.string()),
      dnsServiceIp: z.string(),
      podCidr: z.string().nullable().describe("The IPv4 pod CIDR (= podCidrs[0]); null where pods take VNet IPs"),
      podCidrs: z.array(z.string()),
      outbound: z.strictObject({
        type: z.enum(outboundTypes),
        natGateway: networkResourceRefSchema
          .extend({
            sku: z.enum(natGatewaySkus).nullable().describe("null: the caller's gateway, used whatever its SKU"),
          })
          .nullable(),
        routeTable: networkResourceRefSchema.nullable(),
        nextHopIp: z.string().nullable(),
      }),
    }),
    apiServer: z.strictObject({
      private: z.boolean(),
      vnetIntegration: z.boolean(),
      authorizedIpRanges: z.array(z.string()),
    }),
    nodePools: z.array(nodePoolSpecSchema).describe("Every pool, System pools first in request order; at least one"),
    nodePool: z
      .strictObject({ name: z.string(), vmSize: z.string(), count, maxPods: count, maxSurge: count })
      .describe("The first System pool, in the shape the orchestration reads"),
    identity: z.strictObject({ name: z.string() }),
    features: z.array(z.string()),
    tags: z.record(z.string(), z.string()),
    verify: z.strictObject({ demoWorkload: z.boolean() }),
  })
  .describe(
    "The request as the run normalised it: every default filled in (see ClusterRequest), absent optional fields " +
      "null, an existing VNet's own subscriptionId added",
  );
export type ClusterRequest = z.infer<typeof normalisedRequestSchema>;

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
