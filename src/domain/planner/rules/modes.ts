/** What each network mode takes: pod subnet or pod CIDR, dataplane and network policy, pod IP allocation, maxPods. */
import type { RequestView } from "../../requestView.js";
import type { Violation } from "../../violations.js";

export function podRangesForMode(view: RequestView): Violation[] {
  const { mode, traits } = view;
  if (mode === null || traits === null) return [];
  const violations: Violation[] = [];
  if (traits.usesPodSubnet) {
    for (const pool of view.pools) {
      if (pool.podSubnet === null) {
        const path =
          view.pools.length === 1 || view.podSubnet === null ? "network.podSubnet" : `${pool.path}.podSubnet`;
        if (!violations.some((v) => v.path === path)) {
          violations.push({ path, code: "pod-subnet-required", message: `${mode} mode needs a podSubnet for pod IPs` });
        }
      }
    }
  } else {
    const given = [
      ...(view.podSubnet === null ? [] : ["network.podSubnet"]),
      ...view.pools.filter((pool) => pool.ownPodSubnet).map((pool) => `${pool.path}.podSubnet`),
    ];
    for (const path of given) {
      violations.push({
        path,
        code: "pod-subnet-not-allowed",
        message: `${mode} mode does not use a pod subnet; remove podSubnet`,
      });
    }
  }
  for (const path of view.strayPodCidrs) {
    violations.push({
      path,
      code: "pod-cidr-not-allowed",
      message: `pod CIDRs are only for kubenet and overlay; ${mode} pods take VNet IPs`,
    });
  }
  if (traits.usesPodCidr && view.podCidrExplicitlyNull) {
    violations.push({ path: "network.podCidr", code: "pod-cidr-required", message: `${mode} mode needs a podCidr` });
  }
  return violations;
}

/**
 * Cilium is a dataplane independent of the IP mode: overlay, pod-subnet and node-subnet, not kubenet; network policy
 * `cilium` needs it, and it enforces policy itself, so Calico and Azure NPM do not run beside it
 * (aks-docs azure-cni-powered-by-cilium.md).
 */
export function dataplaneAndPolicy(view: RequestView): Violation[] {
  const { mode, traits, dataplane, networkPolicy } = view;
  if (mode === null || traits === null) return [];
  const violations: Violation[] = [];
  if (dataplane === "cilium" && !traits.supportsCiliumDataplane) {
    violations.push(
      view.dataplaneGiven
        ? {
            path: "network.dataplane",
            code: "dataplane-not-supported",
            message: `the Cilium dataplane needs overlay, pod-subnet or node-subnet mode, not ${mode}`,
          }
        : {
            path: "network.networkPolicy",
            code: "network-policy-not-supported",
            message: `Cilium needs overlay, pod-subnet or node-subnet mode, not ${mode}`,
          },
    );
  }
  if (networkPolicy === "azure" && !traits.supportsAzureNetworkPolicy) {
    violations.push({
      path: "network.networkPolicy",
      code: "network-policy-not-supported",
      message: "Azure network policy needs Azure CNI; use calico with kubenet",
    });
  }
  if (networkPolicy === "cilium" && dataplane === "azure") {
    violations.push({
      path: "network.networkPolicy",
      code: "network-policy-requires-cilium-dataplane",
      message: "networkPolicy cilium needs dataplane cilium",
    });
  }
  if (dataplane === "cilium" && (networkPolicy === "calico" || networkPolicy === "azure")) {
    violations.push({
      path: "network.networkPolicy",
      code: "network-policy-not-supported",
      message: `the Cilium dataplane enforces network policy itself; use networkPolicy cilium (or none), not ${networkPolicy}`,
    });
  }
  return violations;
}

/** StaticBlock is a pod-subnet allocation mode (GA 2025-07, aks-docs configure-azure-cni-static-block-allocation.md). */
export function podIpAllocationForMode(view: RequestView): Violation[] {
  if (view.traits === null || view.podIpAllocation !== "staticBlock" || view.traits.supportsStaticBlock) return [];
  return [
    {
      path: "network.podIpAllocation",
      code: "static-block-needs-pod-subnet",
      message: `podIpAllocation staticBlock allocates /28 blocks from a pod subnet; ${view.mode ?? "this"} mode has none`,
    },
  ];
}

export function maxPodsInRange(view: RequestView): Violation[] {
  const { traits, mode } = view;
  if (traits === null || mode === null) return [];
  const { min, max } = traits.maxPods;
  return view.pools.flatMap((pool) =>
    pool.maxPods !== null && (pool.maxPods < min || pool.maxPods > max)
      ? [
          {
            path: `${pool.path}.maxPods`,
            code: "max-pods-out-of-range",
            message: `maxPods must be ${min}-${max} in ${mode} mode`,
          },
        ]
      : [],
  );
}
