/**
 * API server access: VNet integration needs its own delegated subnet of at least /28 (AKS reserves 9+ addresses);
 * authorized IP ranges apply to a public endpoint only (aks-docs api-server-vnet-integration.md,
 * api-server-authorized-ip-ranges.md).
 */
import type { RequestView } from "../../requestView.js";
import type { Violation } from "../../violations.js";
import { ipv4 } from "../ranges.js";

const largestApiServerSubnetPrefix = 28;

export function apiServerSubnetValid(view: RequestView): Violation[] {
  const subnet = view.apiServerSubnet;
  if (view.apiServer.vnetIntegration && subnet === null) {
    return [
      {
        path: "network.apiServerSubnet",
        code: "api-server-subnet-required",
        message: "apiServer.vnetIntegration needs network.apiServerSubnet (a /28 or larger, delegated to AKS)",
      },
    ];
  }
  if (!view.apiServer.vnetIntegration && subnet !== null) {
    return [
      {
        path: "network.apiServerSubnet",
        code: "api-server-subnet-not-allowed",
        message: "network.apiServerSubnet is only for apiServer.vnetIntegration: true",
      },
    ];
  }
  const cidr = ipv4(subnet?.prefix);
  return cidr !== null && cidr.prefixLength > largestApiServerSubnetPrefix
    ? [
        {
          path: "network.apiServerSubnet.addressPrefix",
          code: "api-server-subnet-too-small",
          message: `API server subnet ${cidr.text} is smaller than /${largestApiServerSubnetPrefix}; AKS reserves at least 9 addresses in it`,
        },
      ]
    : [];
}

export function authorizedRangesNeedPublicEndpoint(view: RequestView): Violation[] {
  if (!view.apiServer.private || view.apiServer.authorizedIpRanges.length === 0) return [];
  return [
    {
      path: "apiServer.authorizedIpRanges",
      code: "authorized-ip-ranges-not-supported",
      message: "authorized IP ranges restrict a public API server; a private cluster has none",
    },
  ];
}
