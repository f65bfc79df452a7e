/**
 * IPv4/IPv6 dual-stack: overlay only here (AKS's kubenet variant is legacy), IPv4 first, one pod and one service CIDR
 * per family, IPv6 service CIDR /108 or smaller (aks-docs configure-dual-stack.md, azure-cni-overlay.md).
 */
import { contains, overlaps } from "../../cidr.js";
import type { CidrField, RequestView } from "../../requestView.js";
import type { Violation } from "../../violations.js";
import { rangesOf } from "../ranges.js";

const validFamilies = (families: string[]) => ["IPv4", "IPv4,IPv6"].includes(families.join(","));

export function ipFamiliesValid(view: RequestView): Violation[] {
  const families = view.ipFamilies;
  if (families === null || validFamilies(families)) return [];
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
  if (
    families === null ||
    !validFamilies(families) ||
    fields.length === 0 ||
    fields.some((field) => field.cidr === null)
  ) {
    return [];
  }
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

/** Azure IPv6 subnets are exactly /64. */
const ipv6SubnetPrefix = 64;

/**
 * Dual-stack nodes take an IPv4 and an IPv6 address from their subnet, so the VNet and every node subnet need an IPv6
 * range too ("when using a dual-stack Azure virtual network", aks-docs configure-dual-stack.md).
 */
export function dualStackNetwork(view: RequestView): Violation[] {
  const { vnet6, subnets } = rangesOf(view);
  const withV6 = subnets.filter((entry) => entry.subnet.prefixV6 !== null);
  // Unsupported or misspelt dual-stack is reported once, by dualStackNeedsOverlay or ipFamiliesValid.
  if (view.dualStack && view.traits?.supportsDualStack !== true) return [];
  if (view.ipFamilies === null || !validFamilies(view.ipFamilies)) return [];
  if (!view.dualStack) {
    return withV6.map((entry) => ({
      path: `${entry.subnet.path}.ipv6AddressPrefix`,
      code: "ipv6-not-supported",
      message: 'an IPv6 subnet range is only for a dual-stack cluster (ipFamilies ["IPv4","IPv6"])',
    }));
  }
  const violations: Violation[] = [];
  const vnetKnown = view.vnet !== null && view.vnet.prefixes !== null;
  if (vnetKnown && vnet6.length === 0) {
    violations.push({
      path: "network.vnet.addressPrefixes",
      code: "dual-stack-needs-ipv6-network",
      message: "a dual-stack cluster needs a dual-stack VNet: add an IPv6 prefix (e.g. fd00:10::/48)",
    });
  }
  const seen: { label: string; cidr: NonNullable<CidrField["cidr"]> }[] = [];
  for (const entry of subnets.filter((candidate) => candidate.role === "node")) {
    const field = entry.subnet.prefixV6;
    const path = `${entry.subnet.path}.ipv6AddressPrefix`;
    const cidr = field?.cidr ?? null;
    if (field === null) {
      violations.push({
        path,
        code: "dual-stack-needs-ipv6-network",
        message: `dual-stack nodes take an IPv6 address from their subnet: give ${entry.subnet.name} an ipv6AddressPrefix (a /64)`,
      });
    } else if (cidr !== null && cidr.family !== 6) {
      violations.push({ path, code: "cidr-family-mismatch", message: `${cidr.text} is not an IPv6 range` });
    } else if (cidr !== null && cidr.prefixLength !== ipv6SubnetPrefix) {
      violations.push({ path, code: "ipv6-subnet-not-64", message: `Azure IPv6 subnets are /64; got ${cidr.text}` });
    } else if (cidr !== null) {
      if (vnetKnown && vnet6.length > 0 && !vnet6.some((prefix) => contains(prefix.cidr, cidr))) {
        violations.push({
          path,
          code: "subnet-outside-vnet",
          message: `${cidr.text} is not inside the VNet's IPv6 prefixes`,
        });
      }
      const hit = seen.find((other) => overlaps(other.cidr, cidr));
      if (hit !== undefined) {
        violations.push({ path, code: "ranges-overlap", message: `${cidr.text} overlaps ${hit.label}` });
      }
      seen.push({ label: `${entry.subnet.name} ${cidr.text}`, cidr });
    }
  }
  return violations;
}
