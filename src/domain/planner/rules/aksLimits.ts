/** Combinations AKS documents as refused (the AKS docs pages named beside each rule). */
import type { RequestView } from "../../requestView.js";
import type { Violation } from "../../violations.js";
import { ipv4 } from "../ranges.js";

/** Overlay does not support DCsv2 VMs (aks-docs azure-cni-overlay.md, limitations). */
const dcsv2 = /^Standard_DC\d+s?_v2$/i;

export function vmSizesForMode(view: RequestView): Violation[] {
  if (view.mode !== "overlay") return [];
  return view.pools.flatMap((pool) =>
    pool.vmSize !== null && dcsv2.test(pool.vmSize)
      ? [
          {
            path: `${pool.path}.vmSize`,
            code: "vm-size-not-supported",
            message: `overlay mode does not support DCsv2 VMs (${pool.vmSize})`,
          },
        ]
      : [],
  );
}

/** API Server VNet Integration is GA in every public region except qatarcentral (aks-docs api-server-vnet-integration.md). */
const regionsWithoutVnetIntegration = new Set(["qatarcentral"]);

export function vnetIntegrationInRegion(view: RequestView): Violation[] {
  return view.apiServer.vnetIntegration && view.location !== null && regionsWithoutVnetIntegration.has(view.location)
    ? [
        {
          path: "apiServer.vnetIntegration",
          code: "not-available-in-region",
          message: `API server VNet integration is not available in ${view.location}`,
        },
      ]
    : [];
}

/** StaticBlock needs Kubernetes 1.28+ and pod subnets no larger than /12 (configure-azure-cni-static-block-allocation.md). */
export function staticBlockLimits(view: RequestView): Violation[] {
  if (view.podIpAllocation !== "staticBlock" || view.traits?.supportsStaticBlock !== true) return [];
  const violations: Violation[] = [];
  const [major, minor] = (view.kubernetesVersion ?? "").split(".").map(Number);
  if (major !== undefined && minor !== undefined && (major < 1 || (major === 1 && minor < 28))) {
    violations.push({
      path: "kubernetesVersion",
      code: "static-block-needs-newer-kubernetes",
      message: `podIpAllocation staticBlock needs Kubernetes 1.28 or later, not ${view.kubernetesVersion ?? ""}`,
    });
  }
  const podSubnets = [view.podSubnet, ...view.pools.filter((pool) => pool.ownPodSubnet).map((pool) => pool.podSubnet)];
  for (const subnet of podSubnets) {
    const cidr = ipv4(subnet?.prefix);
    if (subnet !== null && cidr !== null && cidr.prefixLength < 12) {
      violations.push({
        path: `${subnet.path}.addressPrefix`,
        code: "static-block-subnet-too-large",
        message: `StaticBlock pod subnets can be at most a /12; ${cidr.text} is larger`,
      });
    }
  }
  return violations;
}
