/**
 * What each network mode means, in one table: every layer (planner, sizing, mode comparison, IP verification, the
 * managed-cluster body) reads these traits instead of re-deriving them with its own ternary.
 * Sources: the AKS docs azure-cni-overlay.md, azure-cni-powered-by-cilium.md, concepts-network-ip-address-planning.md,
 * configure-dual-stack.md, and the AKS CHANGELOG of 2023-11-28 for the 63-character rule.
 */

export const networkModes = ["pod-subnet", "node-subnet", "kubenet", "overlay"] as const;
export type NetworkMode = (typeof networkModes)[number];

/** Where a (non-hostNetwork) pod gets its IP. */
export type PodIpSource = "pod-subnet" | "node-subnet" | "pod-cidr";

export interface ModeTraits {
  /** AKS `networkPlugin` / `networkPluginMode`: always sent explicitly, since AKS's defaults follow the k8s version. */
  plugin: "azure" | "kubenet";
  pluginMode: "overlay" | null;
  podIpSource: PodIpSource;
  usesPodCidr: boolean;
  usesPodSubnet: boolean;
  /** AKS limits, and the default this API sends when the request gives none (AKS's own default at the time). */
  maxPods: { min: number; max: number; default: number };
  /** VNet addresses one node takes from its node subnet. */
  nodeSubnetIpsPerNode: (maxPods: number) => number;
  /** Each node takes a /24 of the pod CIDR. */
  podCidrPerNodePrefix: 24 | null;
  /** Largest cluster AKS supports in this mode (all pools, at surge); null: bounded only by the subnets. */
  maxNodes: number | null;
  supportsCiliumDataplane: boolean;
  supportsAzureNetworkPolicy: boolean;
  supportsDualStack: boolean;
  supportsStaticBlock: boolean;
  /** Subnet, VNet and VNet resource-group names must be ≤ 63 characters. */
  shortNames: boolean;
  /** Set when AKS has announced the mode's retirement. */
  retiring: { code: string; message: string } | null;
}

export const modeTraits: Record<NetworkMode, ModeTraits> = {
  "pod-subnet": {
    plugin: "azure",
    pluginMode: null,
    podIpSource: "pod-subnet",
    usesPodCidr: false,
    usesPodSubnet: true,
    maxPods: { min: 10, max: 250, default: 30 },
    nodeSubnetIpsPerNode: () => 1,
    podCidrPerNodePrefix: null,
    maxNodes: null,
    supportsCiliumDataplane: true,
    supportsAzureNetworkPolicy: true,
    supportsDualStack: false,
    supportsStaticBlock: true,
    shortNames: true,
    retiring: null,
  },
  "node-subnet": {
    plugin: "azure",
    pluginMode: null,
    podIpSource: "node-subnet",
    usesPodCidr: false,
    usesPodSubnet: false,
    maxPods: { min: 10, max: 250, default: 30 },
    // Every node pre-allocates maxPods IPs in the node subnet, plus its own.
    nodeSubnetIpsPerNode: (maxPods) => maxPods + 1,
    podCidrPerNodePrefix: null,
    maxNodes: null,
    supportsCiliumDataplane: true,
    supportsAzureNetworkPolicy: true,
    supportsDualStack: false,
    supportsStaticBlock: false,
    shortNames: false,
    retiring: null,
  },
  kubenet: {
    plugin: "kubenet",
    pluginMode: null,
    podIpSource: "pod-cidr",
    usesPodCidr: true,
    usesPodSubnet: false,
    maxPods: { min: 10, max: 250, default: 110 },
    nodeSubnetIpsPerNode: () => 1,
    podCidrPerNodePrefix: 24,
    // The route table holds one route per node.
    maxNodes: 400,
    supportsCiliumDataplane: false,
    supportsAzureNetworkPolicy: false,
    // AKS still has a legacy kubenet dual-stack variant; new dual-stack clusters should use overlay.
    supportsDualStack: false,
    supportsStaticBlock: false,
    shortNames: false,
    retiring: {
      code: "kubenet-retiring",
      message:
        "kubenet retires on 2028-03-31 (AKS announcement, Azure/AKS#4859); prefer overlay, which also keeps pods off the VNet",
    },
  },
  overlay: {
    plugin: "azure",
    pluginMode: "overlay",
    podIpSource: "pod-cidr",
    usesPodCidr: true,
    usesPodSubnet: false,
    maxPods: { min: 10, max: 250, default: 250 },
    nodeSubnetIpsPerNode: () => 1,
    podCidrPerNodePrefix: 24,
    maxNodes: 5000,
    supportsCiliumDataplane: true,
    supportsAzureNetworkPolicy: true,
    supportsDualStack: true,
    supportsStaticBlock: false,
    shortNames: true,
    retiring: null,
  },
};

export function isNetworkMode(value: unknown): value is NetworkMode {
  return networkModes.some((mode) => mode === value);
}

/** Nodes whose /24 fits in a pod CIDR of this prefix length. */
export function podCidrNodeCapacity(prefixLength: number, perNodePrefix: number): number {
  return prefixLength > perNodePrefix ? 0 : 2 ** (perNodePrefix - prefixLength);
}

const podIpBatch = 16;

/**
 * Pod-subnet addresses one node can hold. Dynamic allocation hands out batches of 16 (and asks for 16 more when fewer
 * than 8 are free), so a node holds at most ceil(maxPods/16)×16. StaticBlock reserves /28 blocks up front, one address
 * per node reserved, so ceil((maxPods+1)/16) blocks (aks-docs configure-azure-cni-static-block-allocation.md).
 */
export function podSubnetIpsPerNode(maxPods: number, allocation: PodIpAllocation): number {
  return allocation === "staticBlock"
    ? Math.ceil((maxPods + 1) / podIpBatch) * podIpBatch
    : Math.ceil(maxPods / podIpBatch) * podIpBatch;
}

export const dataplanes = ["azure", "cilium"] as const;
export type Dataplane = (typeof dataplanes)[number];

export const networkPolicies = ["none", "calico", "azure", "cilium"] as const;
export type NetworkPolicy = (typeof networkPolicies)[number];

export const podIpAllocations = ["dynamic", "staticBlock"] as const;
export type PodIpAllocation = (typeof podIpAllocations)[number];

export const outboundTypes = ["loadBalancer", "userAssignedNATGateway", "userDefinedRouting", "none"] as const;
export type OutboundType = (typeof outboundTypes)[number];

/** NAT gateway SKUs (network 2026-01-01): a StandardV2 gateway is zone-redundant and takes only StandardV2 IPs. */
export const natGatewaySkus = ["Standard", "StandardV2"] as const;
export type NatGatewaySku = (typeof natGatewaySkus)[number];

export const ipFamilyNames = ["IPv4", "IPv6"] as const;
export type IpFamilyName = (typeof ipFamilyNames)[number];
