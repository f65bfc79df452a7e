/**
 * The seed-2 scenario table ("when to choose kubenet vs Azure CNI") plus what each mode would cost in VNet addresses
 * for a given request, so a portal can show the trade-off.
 */
import { networkModes, maxPodsLimits, type NetworkMode } from "./clusterRequest.js";
import { azureReservedPerSubnet, parseCidr } from "./cidr.js";
import { podBlockPerNode } from "./planner.js";

export const scenarios = {
  "only-public-ips": {
    modes: ["kubenet"],
    reason: "Simplest: no VNet to manage, AKS manages its own network; nodes get the only private IPs.",
  },
  "outside-access-to-pods": {
    modes: ["pod-subnet", "node-subnet"],
    reason:
      "The only way to reach pods from outside the cluster is to give them VNet IPs (Azure CNI); a pod subnet keeps them apart from nodes.",
  },
  "no-outside-access-to-pods": {
    modes: ["kubenet", "overlay"],
    reason:
      "Pods need no VNet IPs: kubenet (or, today, Azure CNI overlay) in an existing VNet still exposes services through internal load balancers.",
  },
  "limited-private-ips": {
    modes: ["overlay", "kubenet"],
    reason: "Networks linked on-premises (ExpressRoute, VPN) cannot spare large ranges: only nodes take VNet IPs.",
  },
} as const satisfies Record<string, { modes: readonly NetworkMode[]; reason: string }>;

export type Scenario = keyof typeof scenarios;

export function recommendNetworkMode(scenario: Scenario): {
  mode: NetworkMode;
  alternatives: NetworkMode[];
  reason: string;
} {
  const [mode, ...alternatives] = scenarios[scenario].modes;
  return { mode: mode ?? "overlay", alternatives: [...alternatives], reason: scenarios[scenario].reason };
}

export interface ModeCost {
  mode: NetworkMode;
  /** Addresses taken from the VNet at upgrade surge, including Azure's 5 reserved per subnet. */
  vnetAddressesConsumedAtSurge: number;
  fitsInRequestedSubnets: boolean;
  notes: string;
}

export interface SizingInput {
  count: number;
  maxSurge: number;
  /** Per-mode maxPods; AKS's defaults when absent. */
  maxPods?: Partial<Record<NetworkMode, number>>;
  nodeSubnet: string;
  podSubnet?: string | null;
}

function usable(cidr: string | null | undefined): number | null {
  if (cidr === null || cidr === undefined) return null;
  const parsed = parseCidr(cidr);
  return parsed.ok ? parsed.cidr.size - azureReservedPerSubnet : null;
}

export function compareModes(input: SizingInput): ModeCost[] {
  const nodes = input.count + input.maxSurge;
  const nodeUsable = usable(input.nodeSubnet) ?? 0;
  const podUsable = usable(input.podSubnet);
  return networkModes.map((mode) => {
    const maxPods = input.maxPods?.[mode] ?? maxPodsLimits[mode].default;
    switch (mode) {
      case "node-subnet": {
        const need = nodes * (maxPods + 1);
        return {
          mode,
          vnetAddressesConsumedAtSurge: need + azureReservedPerSubnet,
          fitsInRequestedSubnets: need <= nodeUsable,
          notes: `every node pre-allocates ${maxPods} pod IPs in the node subnet`,
        };
      }
      case "pod-subnet": {
        const podNeed = nodes * podBlockPerNode(maxPods);
        return {
          mode,
          vnetAddressesConsumedAtSurge: nodes + podNeed + 2 * azureReservedPerSubnet,
          fitsInRequestedSubnets: nodes <= nodeUsable && podUsable !== null && podNeed <= podUsable,
          notes:
            podUsable === null
              ? "needs a pod subnet"
              : `pod IPs in blocks of 16 from the pod subnet (at most ${podBlockPerNode(maxPods)} per node)`,
        };
      }
      default:
        return {
          mode,
          vnetAddressesConsumedAtSurge: nodes + azureReservedPerSubnet,
          fitsInRequestedSubnets: nodes <= nodeUsable,
          notes: "pods take IPs from the pod CIDR, not the VNet",
        };
    }
  });
}
