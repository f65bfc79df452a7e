/**
 * The ClusterRequest v1 JSON shape as a zod schema: field names, types, enums and ARM names. It also generates the
 * OpenAPI request schema. Rules that need CIDR arithmetic or cross-field reasoning are the planner's.
 */
import { z } from "zod";
import { armNames, feature, guid, location, networkResourceId, networkResourceTypes } from "./armNames.js";
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

const subnetInput = z.strictObject({
  name: armNames.subnet,
  addressPrefix: z.string(),
  // Dual-stack only: nodes take an IPv6 address from their subnet too.
  ipv6AddressPrefix: z.string().optional(),
});

const vnetInput = z
  .strictObject({
    name: armNames.vnet.optional(),
    id: networkResourceId(networkResourceTypes.vnet)
      .optional()
      .describe(
        "An existing VNet, possibly in another subscription than the cluster's: it is read and written there (missing subnets added, Network Contributor on them there)",
      ),
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
  sku: z
    .enum(natGatewaySkus)
    .optional()
    .describe(
      "Standard (default) or StandardV2 (zone-redundant; its public IP is StandardV2 too, as NRP requires). " +
        "A gateway given by id must already have this SKU: NRP cannot change it in place.",
    ),
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

export const requestShape = z.strictObject({
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
    mode: z.enum(networkModes).optional().describe("IP mode; default overlay (AKS's default from Kubernetes 1.30)"),
    dataplane: z
      .enum(dataplanes)
      .optional()
      .describe("azure (default) or cilium (overlay, pod-subnet, node-subnet); networkPolicy cilium implies cilium"),
    networkPolicy: z.enum(networkPolicies).optional(),
    podIpAllocation: z
      .enum(podIpAllocations)
      .optional()
      .describe("pod-subnet only: dynamic (default, 16-IP batches) or staticBlock (/28 blocks per node)"),
    ipFamilies: z
      .array(z.enum(ipFamilyNames))
      .min(1)
      .max(2)
      .optional()
      .describe(
        '["IPv4"] (default) or ["IPv4","IPv6"] (dual-stack, overlay only): the VNet and each node subnet get their IPv6 prefix, the cluster podCidrs and serviceCidrs per family, and IP verification checks both families',
      ),
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
      .optional()
      .describe(
        "egress: loadBalancer (default); userAssignedNATGateway (natGateway { name, sku } is created with a static public IP of its SKU, or { id } is used); userDefinedRouting (routeTable { name } is created with 0.0.0.0/0 to nextHopIp, or { id } must already route 0.0.0.0/0 to an NVA or gateway); none. The NAT gateway or route table is attached to every node and pod subnet.",
      ),
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
  nodePools: z
    .array(nodePoolInput)
    .min(1)
    .max(100)
    .optional()
    .describe("at least one System pool; a pool without its own subnets shares the cluster's; replaces nodePool"),
  identity: z.strictObject({ name: armNames.identity.optional() }).optional(),
  features: z.array(feature).max(20).optional(),
  // ARM's tag limits (count, lengths, characters, prototype keys) are the planner's tag rule, so each is named.
  tags: z.record(z.string(), z.string()).optional(),
  verify: z.strictObject({ demoWorkload: z.boolean().optional() }).optional(),
});

export type ClusterRequestInput = z.input<typeof requestShape>;
