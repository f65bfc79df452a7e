/** Service CIDRs and the DNS service IP (aks-docs concepts-network-cni-overview.md, configure-dual-stack.md). */
import { overlaps, type AnyCidr } from "../../cidr.js";
import type { RequestView } from "../../requestView.js";
import type { Violation } from "../../violations.js";
import { ipv4, rangesOf } from "../ranges.js";

/** Kubernetes caps the IPv4 service range at a /12 (2^20 addresses) and the IPv6 one at a /108 on AKS. */
const largestServicePrefix = { 4: 12, 6: 108 } as const;
/** Network address, the API server's address, the DNS service IP and (IPv4) broadcast need four addresses. */
const smallestServicePrefix = { 4: 30, 6: 126 } as const;

const tooSmall = (cidr: AnyCidr) => cidr.prefixLength > smallestServicePrefix[cidr.family];

export function serviceCidrsClear(view: RequestView): Violation[] {
  const { network } = rangesOf(view);
  return view.serviceCidrs.flatMap((field): Violation[] => {
    const cidr = field.cidr;
    if (cidr === null) return [];
    const violations: Violation[] = [];
    const hit = network.find((range) => overlaps(range.cidr, cidr));
    if (hit !== undefined) {
      violations.push({
        path: field.path,
        code: "service-cidr-overlaps-network",
        message: `service CIDR ${cidr.text} overlaps ${hit.label}; AKS rejects this (ServiceCidrOverlapExistingSubnetsCidr)`,
      });
    }
    if (cidr.prefixLength < largestServicePrefix[cidr.family]) {
      violations.push({
        path: field.path,
        code: "service-cidr-too-large",
        message: `service CIDR ${cidr.text} is larger than a /${largestServicePrefix[cidr.family]}, the largest AKS allows for IPv${cidr.family}`,
      });
    }
    if (tooSmall(cidr)) {
      violations.push({
        path: field.path,
        code: "service-cidr-too-small",
        message: `service CIDR ${cidr.text} is smaller than a /${smallestServicePrefix[cidr.family]}: it has no room for the API server and DNS service IPs`,
      });
    }
    return violations;
  });
}

export function dnsServiceIpPlaced(view: RequestView): Violation[] {
  const dns = view.dnsServiceIp;
  const service = ipv4(view.serviceCidrs[0]);
  // A service CIDR too small for any DNS IP is reported on the CIDR itself (serviceCidrsClear).
  if (dns === null || dns.value === null || service === null || tooSmall(service)) return [];
  const at = (code: string, message: string): Violation[] => [{ path: dns.path, code, message }];
  if (dns.value < service.first || dns.value > service.last) {
    return at("dns-ip-outside-service-cidr", `DNS service IP ${dns.text} is not inside service CIDR ${service.text}`);
  }
  if (dns.value === service.first) {
    return at(
      "dns-ip-is-network-address",
      `${dns.text} is the network address of ${service.text}; use e.g. the .10 address`,
    );
  }
  if (dns.value === service.last) {
    return at("dns-ip-is-broadcast-address", `${dns.text} is the broadcast address of ${service.text}`);
  }
  if (dns.value === service.first + 1n) {
    return at(
      "dns-ip-conflicts-api-server",
      `${dns.text} is taken by the Kubernetes API service; use e.g. the .10 address`,
    );
  }
  return [];
}
