/**
 * The ClusterRequest v1 schema. Types are inferred from it; every default is applied here, in `applyDefaults`.
 * Network rules that need CIDR arithmetic live in the planner; this file checks shape, types and ARM names.
 */
import { z } from "zod";

export const networkModes = ["pod-subnet", "node-subnet", "kubenet", "overlay"] as const;
export type NetworkMode = (typeof networkModes)[number];

export const networkPolicies = ["none", "calico", "azure", "cilium"] as const;
export type NetworkPolicy = (typeof networkPolicies)[number];

/** AKS maxPods limits per mode, and the defaults AKS itself would pick. */
export const maxPodsLimits: Record<NetworkMode, { min: number; max: number; default: number }> = {
  "pod-subnet": { min: 10, max: 250, default: 30 },
  "node-subnet": { min: 10, max: 250, default: 30 },
  kubenet: { min: 10, max: 250, default: 110 },
  overlay: { min: 10, max: 250, default: 250 },
};

const defaultPodCidr = "10.244.0.0/16";

function named(label: string, pattern: RegExp, rule: string) {
  return z
    .string()
    .refine((value) => pattern.test(value), { message: `${label} ${rule}`, params: { code: "invalid-name" } });
}

// ARM naming rules (learn.microsoft.com "Naming rules and restrictions for Azure resources").
export const armNames = {
  resourceGroup: named(
    "resource group name",
    /^[-\w.()]{1,89}[-\w()]$|^[-\w()]$/u,
    "must be 1-90 letters, digits, '-', '_', '.', '(', ')' and not end in '.'",
  ),
  cluster: named(
    "cluster name",
    /^[a-zA-Z0-9]([a-zA-Z0-9_-]{0,61}[a-zA-Z0-9])?$/,
    "must be 1-63 letters, digits, '_' and '-', starting and ending with a letter or digit",
  ),
  vnet: named(
    "VNet name",
    /^[a-zA-Z0-9]([a-zA-Z0-9_.-]{0,62}[a-zA-Z0-9_])?$/,
    "must be 2-64 letters, digits, '_', '.', '-', starting with a letter or digit and ending with a letter, digit or '_'",
  ),
  subnet: named(
    "subnet name",
    /^[a-zA-Z0-9]([a-zA-Z0-9_.-]{0,78}[a-zA-Z0-9_])?$/,
    "must be 1-80 letters, digits, '_', '.', '-', starting with a letter or digit and ending with a letter, digit or '_'",
  ),
  identity: named(
    "identity name",
    /^[a-zA-Z0-9][a-zA-Z0-9_-]{2,127}$/,
    "must be 3-128 letters, digits, '-' and '_', starting with a letter or digit",
  ),
  nodePool: named(
    "node pool name",
    /^[a-z][a-z0-9]{0,11}$/,
    "must be 1-12 lower-case letters and digits, starting with a letter",
  ),
  dnsPrefix: named(
    "DNS prefix",
    /^[a-zA-Z0-9]([a-zA-Z0-9-]{0,52}[a-zA-Z0-9])?$/,
    "must be 1-54 letters, digits and '-', starting and ending with a letter or digit",
  ),
};

const guid = z
  .string()
  .refine((value) => /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i.test(value), {
    message: "subscriptionId must be a GUID",
    params: { code: "invalid-subscription-id" },
  });

const location = z.string().refine((value) => /^[a-z][a-z0-9]{2,39}$/.test(value), {
  message: "location must be an Azure region name such as eastus2 (lower-case, no spaces)",
  params: { code: "invalid-location" },
});

const feature = z.string().refine((value) => /^[A-Za-z][A-Za-z0-9.]*\/[A-Za-z0-9][A-Za-z0-9_.-]*$/.test(value), {
  message: "feature must be '<ProviderNamespace>/<FeatureName>', e.g. Microsoft.ContainerService/PodSubnetPreview",
  params: { code: "invalid-feature-name" },
});

const subnetInput = z.strictObject({ name: armNames.subnet, addressPrefix: z.string() });

const vnetIdPattern =
  /^\/subscriptions\/([0-9a-f-]{36})\/resourceGroups\/([^/]+)\/providers\/Microsoft\.Network\/virtualNetworks\/([^/]+)$/i;

const vnetInput = z
  .strictObject({
    name: armNames.vnet.optional(),
    id: z.string().optional(),
    resourceGroup: armNames.resourceGroup.optional(),
    addressPrefixes: z.array(z.string()).min(1).max(16).optional(),
  })
  .superRefine((vnet, ctx) => {
    if (vnet.id !== undefined) {
      if (!vnetIdPattern.test(vnet.id)) {
        ctx.addIssue({
          code: "custom",
          path: ["id"],
          message:
            "id must be an ARM virtual network id (/subscriptions/…/resourceGroups/…/providers/Microsoft.Network/virtualNetworks/…)",
          params: { code: "invalid-resource-id" },
        });
      }
      return;
    }
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
    mode: z.enum(networkModes),
    vnet: vnetInput,
    nodeSubnet: subnetInput,
    podSubnet: subnetInput.nullable().optional(),
    serviceCidr: z.string().optional(),
    dnsServiceIp: z.string().optional(),
    podCidr: z.string().nullable().optional(),
    networkPolicy: z.enum(networkPolicies).optional(),
  }),
  nodePool: z
    .strictObject({
      name: armNames.nodePool.optional(),
      vmSize: z
        .string()
        .regex(/^Standard_[A-Za-z0-9_]+$/, { message: "vmSize must be an Azure VM size such as Standard_D2s_v5" })
        .optional(),
      count: z.number().int().min(1).max(1000).optional(),
      maxPods: z.number().int().optional(),
      maxSurge: z.number().int().min(0).max(100).optional(),
    })
    .optional(),
  identity: z.strictObject({ name: armNames.identity.optional() }).optional(),
  features: z.array(feature).max(20).optional(),
  tags: z.record(z.string().max(512), z.string().max(256)).optional(),
  verify: z.strictObject({ demoWorkload: z.boolean().optional() }).optional(),
});

export type ClusterRequestInput = z.input<typeof inputSchema>;

export interface ClusterRequest {
  subscriptionId: string;
  resourceGroup: string;
  location: string;
  clusterName: string;
  kubernetesVersion?: string;
  dnsPrefix: string;
  network: {
    mode: NetworkMode;
    vnet: { name: string; addressPrefixes: string[]; resourceGroup: string; existing: boolean };
    nodeSubnet: { name: string; addressPrefix: string };
    podSubnet: { name: string; addressPrefix: string } | null;
    serviceCidr: string;
    dnsServiceIp: string;
    podCidr: string | null;
    networkPolicy: NetworkPolicy;
  };
  nodePool: { name: string; vmSize: string; count: number; maxPods: number; maxSurge: number };
  identity: { name: string };
  features: string[];
  tags: Record<string, string>;
  verify: { demoWorkload: boolean };
}

/** Every default, in one place. A value the caller gave always wins, even when a rule will reject it. */
function applyDefaults(input: z.output<typeof inputSchema>): ClusterRequest {
  const mode = input.network.mode;
  const vnetFromId = input.network.vnet.id === undefined ? null : vnetIdPattern.exec(input.network.vnet.id);
  const usesPodCidr = mode === "kubenet" || mode === "overlay";
  return {
    subscriptionId: input.subscriptionId.toLowerCase(),
    resourceGroup: input.resourceGroup,
    location: input.location,
    clusterName: input.clusterName,
    ...(input.kubernetesVersion === undefined ? {} : { kubernetesVersion: input.kubernetesVersion }),
    dnsPrefix: input.dnsPrefix ?? input.clusterName.replace(/_/g, "-"),
    network: {
      mode,
      vnet: {
        name: vnetFromId?.[3] ?? input.network.vnet.name ?? "",
        addressPrefixes: input.network.vnet.addressPrefixes ?? [],
        resourceGroup: vnetFromId?.[2] ?? input.network.vnet.resourceGroup ?? input.resourceGroup,
        existing: vnetFromId !== null,
      },
      nodeSubnet: input.network.nodeSubnet,
      podSubnet: input.network.podSubnet ?? null,
      serviceCidr: input.network.serviceCidr ?? "10.0.0.0/16",
      dnsServiceIp: input.network.dnsServiceIp ?? "10.0.0.10",
      podCidr: input.network.podCidr === undefined ? (usesPodCidr ? defaultPodCidr : null) : input.network.podCidr,
      networkPolicy: input.network.networkPolicy ?? "none",
    },
    nodePool: {
      name: input.nodePool?.name ?? "system",
      vmSize: input.nodePool?.vmSize ?? "Standard_D2s_v5",
      count: input.nodePool?.count ?? 3,
      maxPods: input.nodePool?.maxPods ?? maxPodsLimits[mode].default,
      maxSurge: input.nodePool?.maxSurge ?? 1,
    },
    identity: { name: input.identity?.name ?? `id-${input.clusterName}`.slice(0, 128) },
    features: input.features ?? [],
    tags: input.tags ?? {},
    verify: { demoWorkload: input.verify?.demoWorkload ?? false },
  };
}

export const clusterRequestSchema = inputSchema.transform(applyDefaults);
