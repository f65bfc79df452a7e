/** Allowed but unwise: each becomes a warning beside the plan (and in the 202). */
import type { RequestView } from "../../requestView.js";
import type { Warning } from "../../violations.js";

export function modeRetiring(view: RequestView): Warning[] {
  const retiring = view.traits?.retiring;
  return retiring == null ? [] : [{ path: "network.mode", ...retiring }];
}

/** Azure NPM ends on Windows 2026-09-30 and on Linux 2028-09-30 (aks-docs NPM retirement includes). */
export function azureNetworkPolicyRetiring(view: RequestView): Warning[] {
  return view.networkPolicy !== "azure"
    ? []
    : [
        {
          path: "network.networkPolicy",
          code: "azure-npm-retiring",
          message:
            "Azure Network Policy Manager retires (Linux 2028-09-30); prefer dataplane cilium with networkPolicy cilium",
        },
      ];
}

/** StaticBlock reserves /28 blocks with one address per node kept back: maxPods = 16·N − 1 wastes nothing. */
export function staticBlockMaxPodsWaste(view: RequestView): Warning[] {
  if (view.podIpAllocation !== "staticBlock" || view.traits?.supportsStaticBlock !== true) return [];
  return view.pools.flatMap((pool) => {
    if (pool.maxPods === null || (pool.maxPods + 1) % 16 === 0) return [];
    const blocks = Math.ceil((pool.maxPods + 1) / 16);
    return [
      {
        path: `${pool.path}.maxPods`,
        code: "static-block-max-pods-waste",
        message: `maxPods ${pool.maxPods} takes ${blocks} /28 blocks per node, which hold ${blocks * 16 - 1} pods; use ${blocks * 16 - 1} (16·N − 1)`,
      },
    ];
  });
}

/** Resources referenced in another subscription: planned as given; whether a run may use them is the product's call. */
export function resourcesInOtherSubscriptions(view: RequestView): Warning[] {
  const home = view.subscriptionId;
  if (home === null) return [];
  const refs = [view.vnet, view.outbound.natGateway, view.outbound.routeTable];
  return refs.flatMap((ref) =>
    ref === null || !ref.existing || ref.subscriptionId === home
      ? []
      : [
          {
            path: `${ref.path}.id`,
            code: "resource-in-other-subscription",
            message: `${ref.name} is in subscription ${ref.subscriptionId}, not the request's ${home}; the cluster identity needs access there`,
          },
        ],
  );
}

/**
 * In a cluster without a private or VNet-integrated API server, node-to-API-server traffic leaves through the
 * outbound type (aks-docs egress-outboundtype.md); `none` gives nodes no egress at all unless the network does.
 */
export function egressReachesApiServer(view: RequestView): Warning[] {
  const { type } = view.outbound;
  const publicApi = !view.apiServer.private && !view.apiServer.vnetIntegration;
  const warnings: Warning[] = [];
  if (type === "none") {
    warnings.push({
      path: "network.outbound.type",
      code: "outbound-none-needs-egress",
      message:
        "outbound type none creates no egress: nodes must pull images and reach AKS through paths your network provides (a network-isolated cluster)",
    });
  }
  if (publicApi && (type === "userDefinedRouting" || type === "none")) {
    warnings.push({
      path: "network.outbound.type",
      code: "public-api-server-via-egress",
      message: `with outbound type ${type}, nodes reach the public API server through your egress path; allow it there, or use apiServer.private or vnetIntegration`,
    });
  }
  if (view.apiServer.authorizedIpRanges.length > 0 && type !== "loadBalancer" && type !== null) {
    warnings.push({
      path: "apiServer.authorizedIpRanges",
      code: "authorized-ranges-need-egress-ip",
      message: `with outbound type ${type}, AKS cannot add the cluster's egress IP to authorizedIpRanges for you; include it`,
    });
  }
  return warnings;
}
