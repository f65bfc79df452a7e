/** Subnets and pod CIDRs big enough for every pool at its autoscaler maximum plus surge; cluster node limits. */
import { podCidrNodeCapacity } from "../../networkModes.js";
import type { RequestView } from "../../requestView.js";
import type { Violation } from "../../violations.js";
import { ipv4, rangesOf } from "../ranges.js";
import { clusterNodesAtSurge, subnetUsage } from "../sizing.js";

/** The smallest subnet Azure allows. */
const smallestSubnetPrefix = 29;

export function subnetsBigEnough(view: RequestView): Violation[] {
  return rangesOf(view).subnets.flatMap((entry): Violation[] => {
    const { cidr } = entry;
    const path = `${entry.subnet.path}.addressPrefix`;
    // The API server subnet has its own, larger minimum (apiServerSubnetValid).
    if (cidr === null || entry.role === "api-server") return [];
    if (cidr.prefixLength > smallestSubnetPrefix) {
      return [
        {
          path,
          code: "subnet-too-small",
          message: `${entry.label} is smaller than /${smallestSubnetPrefix}, the smallest subnet Azure allows`,
        },
      ];
    }
    const usage = subnetUsage(view, entry);
    if (usage === null || usage.consumedAtSurge <= usage.usable) return [];
    return [
      {
        path,
        code: "subnet-too-small",
        message: `${entry.label} has ${usage.usable} usable addresses; ${usage.terms.join(" + ")} need ${usage.consumedAtSurge}`,
      },
    ];
  });
}

function nodesPath(view: RequestView): string {
  const [only] = view.pools;
  return view.pools.length === 1 && only !== undefined ? `${only.path}.count` : view.poolsPath;
}

export function clusterNodeLimit(view: RequestView): Violation[] {
  const limit = view.traits?.maxNodes ?? null;
  const nodes = clusterNodesAtSurge(view);
  if (limit === null || nodes === null || nodes <= limit || view.mode === null) return [];
  return [
    {
      path: nodesPath(view),
      code: `too-many-nodes-for-${view.mode}`,
      message: `${view.mode} supports at most ${limit} nodes; ${nodes} at autoscaler maximum and surge`,
    },
  ];
}

/** Each node takes a /24 of the (IPv4) pod CIDR. */
export function podCidrBigEnough(view: RequestView): Violation[] {
  const perNode = view.traits?.podCidrPerNodePrefix ?? null;
  const first = view.podCidrs[0];
  const podCidr = ipv4(first);
  const nodes = clusterNodesAtSurge(view);
  if (perNode === null || podCidr === null || nodes === null || first === undefined) return [];
  const capacity = podCidrNodeCapacity(podCidr.prefixLength, perNode);
  return nodes <= capacity
    ? []
    : [
        {
          path: first.path,
          code: "pod-cidr-too-small",
          message: `pod CIDR ${podCidr.text} holds ${capacity} per-node /${perNode} ranges; ${nodes} nodes at surge need ${nodes}`,
        },
      ];
}
