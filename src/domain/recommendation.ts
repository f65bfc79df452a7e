/**
 * What each mode would cost in VNet addresses for a given request, so a portal can show the trade-off.
 */
import { azureReservedPerSubnet, parseCidr } from "./cidr.js";
import {
  modeTraits,
  networkModes,
  podSubnetIpsPerNode,
  type NetworkMode,
  type PodIpAllocation,
} from "./networkModes.js";

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
  /** Per-mode maxPods; the modes' defaults when absent. */
  maxPods?: Partial<Record<NetworkMode, number>>;
  nodeSubnet: string;
  podSubnet?: string | null;
  podIpAllocation?: PodIpAllocation;
}

function usable(cidr: string | null | undefined): number | null {
  if (cidr === null || cidr === undefined) return null;
  const parsed = parseCidr(cidr);
  return parsed.ok ? parsed.cidr.size - azureReservedPerSubnet : null;
}

/** Per-node costs come from the mode table (networkModes.ts), the same numbers the planner sizes subnets with. */
export function compareModes(input: SizingInput): ModeCost[] {
  const nodes = input.count + input.maxSurge;
  const nodeUsable = usable(input.nodeSubnet) ?? 0;
  const podUsable = usable(input.podSubnet);
  return networkModes.map((mode): ModeCost => {
    const traits = modeTraits[mode];
    const maxPods = input.maxPods?.[mode] ?? traits.maxPods.default;
    const nodeNeed = nodes * traits.nodeSubnetIpsPerNode(maxPods);
    if (!traits.usesPodSubnet) {
      return {
        mode,
        vnetAddressesConsumedAtSurge: nodeNeed + azureReservedPerSubnet,
        fitsInRequestedSubnets: nodeNeed <= nodeUsable,
        notes:
          traits.podIpSource === "node-subnet"
            ? `every node pre-allocates ${maxPods} pod IPs in the node subnet`
            : "pods take IPs from the pod CIDR, not the VNet",
      };
    }
    const perNode = podSubnetIpsPerNode(maxPods, input.podIpAllocation ?? "dynamic");
    const podNeed = nodes * perNode;
    return {
      mode,
      vnetAddressesConsumedAtSurge: nodeNeed + podNeed + 2 * azureReservedPerSubnet,
      fitsInRequestedSubnets: nodeNeed <= nodeUsable && podUsable !== null && podNeed <= podUsable,
      notes:
        podUsable === null
          ? "needs a pod subnet"
          : `pod IPs in blocks of 16 from the pod subnet (at most ${perNode} per node)`,
    };
  });
}
