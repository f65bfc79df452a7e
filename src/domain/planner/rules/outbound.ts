/**
 * Egress prerequisites per outbound type (aks-docs egress-outboundtype.md, egress-udr.md): a NAT gateway goes with
 * userAssignedNATGateway only; userDefinedRouting needs a route table whose 0.0.0.0/0 route points at a next hop
 * (an existing one by id, or one this API creates towards nextHopIp).
 */
import { overlaps } from "../../cidr.js";
import type { RequestView } from "../../requestView.js";
import type { Violation } from "../../violations.js";
import { rangesOf } from "../ranges.js";

export function outboundFieldsMatchType(view: RequestView): Violation[] {
  const { type, natGatewayGiven, routeTableGiven, nextHopIp } = view.outbound;
  if (type === null) return [];
  const stray = (field: string, wanted: string): Violation => ({
    path: `network.outbound.${field}`,
    code: "outbound-field-not-allowed",
    message: `${field} is only for outbound type ${wanted}, not ${type}`,
  });
  return [
    ...(natGatewayGiven && type !== "userAssignedNATGateway" ? [stray("natGateway", "userAssignedNATGateway")] : []),
    ...(routeTableGiven && type !== "userDefinedRouting" ? [stray("routeTable", "userDefinedRouting")] : []),
    ...(nextHopIp !== null && type !== "userDefinedRouting" ? [stray("nextHopIp", "userDefinedRouting")] : []),
  ];
}

export function routeTableHasNextHop(view: RequestView): Violation[] {
  const { type, routeTable, nextHopIp } = view.outbound;
  if (type !== "userDefinedRouting" || routeTable === null) return [];
  if (!routeTable.existing && nextHopIp === null) {
    return [
      {
        path: "network.outbound",
        code: "outbound-next-hop-required",
        message:
          "userDefinedRouting needs routeTable.id (an existing table with a 0.0.0.0/0 route to your firewall) or nextHopIp (to create one)",
      },
    ];
  }
  const next = nextHopIp?.value ?? null;
  if (nextHopIp === null || next === null) return [];
  // The next hop is a firewall or NVA address on the network, never a pod or service address.
  const clusterRanges = [...view.podCidrs, ...view.serviceCidrs].flatMap((field) =>
    field.cidr === null ? [] : [field.cidr],
  );
  const point = { family: 4 as const, first: next, last: next };
  const hit = clusterRanges.find((cidr) => overlaps(cidr, point));
  const insideNodes = rangesOf(view).subnets.find(
    (entry) => entry.role !== "node" && entry.cidr !== null && overlaps(entry.cidr, point),
  );
  if (hit === undefined && insideNodes === undefined) return [];
  return [
    {
      path: nextHopIp.path,
      code: "next-hop-in-cluster-range",
      message: `next hop ${nextHopIp.text} lies in ${hit?.text ?? insideNodes?.label ?? "a cluster range"}; it must be your firewall or NVA`,
    },
  ];
}
