/** Every CIDR and IP field that does not parse (whitespace, host bits, IPv6 where only IPv4 goes, non-canonical). */
import type { CidrField, IpField, RequestView } from "../../requestView.js";
import type { Violation } from "../../violations.js";

function fieldsOf(view: RequestView): (CidrField | IpField | null | undefined)[] {
  return [
    ...(view.vnet?.prefixes ?? []),
    ...[view.nodeSubnet, view.podSubnet, view.apiServerSubnet].flatMap((subnet) => [subnet?.prefix, subnet?.prefixV6]),
    ...view.pools.flatMap((pool) => [
      ...(pool.ownNodeSubnet ? [pool.nodeSubnet?.prefix, pool.nodeSubnet?.prefixV6] : []),
      ...(pool.ownPodSubnet ? [pool.podSubnet?.prefix, pool.podSubnet?.prefixV6] : []),
    ]),
    ...view.serviceCidrs,
    ...view.podCidrs,
    view.dnsServiceIp,
    view.outbound.nextHopIp,
    ...view.apiServer.authorizedIpRanges,
  ];
}

export function unparsableAddresses(view: RequestView): Violation[] {
  const seen = new Set<string>();
  return fieldsOf(view).flatMap((field) => {
    if (field?.failure == null || seen.has(field.path)) return [];
    seen.add(field.path);
    return [field.failure];
  });
}

/** The single and the list form of one field, or `nodePool` and `nodePools`, given together. */
export function conflictingForms(view: RequestView): Violation[] {
  return view.conflictingFields.map(({ path, other }) => ({
    path,
    code: "conflicting-fields",
    message: `give either ${other} or ${path}, not both`,
  }));
}
