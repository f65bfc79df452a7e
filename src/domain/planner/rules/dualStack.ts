/**
 * IPv4/IPv6 dual-stack: overlay only here (AKS's kubenet variant is legacy), IPv4 first, one pod and one service CIDR
 * per family, IPv6 service CIDR /108 or smaller (aks-docs configure-dual-stack.md, azure-cni-overlay.md).
 */
import type { CidrField, RequestView } from "../../requestView.js";
import type { Violation } from "../../violations.js";

export function ipFamiliesValid(view: RequestView): Violation[] {
  const families = view.ipFamilies;
  if (families === null) return [];
  const text = families.join(",");
  if (text === "IPv4" || text === "IPv4,IPv6") return [];
  return [
    {
      path: "network.ipFamilies",
      code: "ip-families-invalid",
      message: `ipFamilies must be ["IPv4"] or ["IPv4","IPv6"]; AKS has no IPv6-only clusters (got ${JSON.stringify(families)})`,
    },
  ];
}

export function dualStackNeedsOverlay(view: RequestView): Violation[] {
  if (!view.dualStack || view.traits === null || view.traits.supportsDualStack) return [];
  return [
    {
      path: "network.ipFamilies",
      code: "dual-stack-needs-overlay",
      message: `dual-stack needs overlay mode, not ${view.mode ?? "this mode"}`,
    },
  ];
}

function familiesMatch(view: RequestView, fields: CidrField[], path: string, what: string): Violation[] {
  const families = view.ipFamilies;
  if (families === null || fields.length === 0 || fields.some((field) => field.cidr === null)) return [];
  const got = fields.map((field) => `IPv${field.cidr?.family ?? "?"}`).join(",");
  return got === families.join(",")
    ? []
    : [
        {
          path,
          code: "cidr-family-mismatch",
          message: `${what} must be one per IP family in ipFamilies order (${families.join(", ")}); got ${got}`,
        },
      ];
}

export function cidrsMatchFamilies(view: RequestView): Violation[] {
  return [
    ...familiesMatch(view, view.podCidrs, "network.podCidrs", "podCidrs"),
    ...familiesMatch(view, view.serviceCidrs, "network.serviceCidrs", "serviceCidrs"),
  ];
}
