import type { EgressDetach } from "../../domain/changes/networkChangeRules.js";
import type { ClusterRequest } from "../../domain/clusterRequest.js";
import { call } from "../activityCalls.js";
import type { Step } from "../runtime.js";
import type { ProvisionScope } from "./scope.js";

/** What the egress step made or found, for the role assignments and the status document. */
export interface EgressResources {
  natGatewayId: string | null;
  publicIpIds: string[];
  routeTableId: string | null;
}

/** ARM caps public IP names at 80 characters; derived from the gateway's, so a re-run finds the same one. */
export const publicIpNameFor = (natGatewayName: string) => `${natGatewayName}-ip`.slice(0, 80);

/**
 * Every subnet the cluster's addresses live in: node subnets, and pod subnets too, because pods in pod-subnet mode
 * send from pod-subnet addresses and so leave through that subnet's NAT gateway or routes.
 */
export function egressSubnetNames(request: ClusterRequest): string[] {
  const names = [
    request.network.nodeSubnet.name,
    ...(request.network.podSubnet === null ? [] : [request.network.podSubnet.name]),
    ...request.nodePools.flatMap((pool) => [
      pool.nodeSubnet.name,
      ...(pool.podSubnet === null ? [] : [pool.podSubnet.name]),
    ]),
  ];
  const seen = new Set<string>();
  return names.filter((name) => {
    const key = name.toLowerCase();
    if (seen.has(key)) return false;
    seen.add(key);
    return true;
  });
}

const networkId = (
  kind: "natGateways" | "routeTables",
  ref: { subscriptionId: string; resourceGroup: string; name: string },
) =>
  `/subscriptions/${ref.subscriptionId}/resourceGroups/${ref.resourceGroup}/providers/Microsoft.Network/${kind}/${ref.name}`;

/** The ids of what a change run takes off the subnets, and the words for its step. */
function detachment(detach: EgressDetach | null): { ids: string[]; what: string[] } {
  if (detach === null) return { ids: [], what: [] };
  return {
    ids: [
      ...(detach.natGateway === null ? [] : [networkId("natGateways", detach.natGateway)]),
      ...(detach.routeTable === null ? [] : [networkId("routeTables", detach.routeTable)]),
    ],
    what: [
      ...(detach.natGateway === null ? [] : [`NAT gateway ${detach.natGateway.name}`]),
      ...(detach.routeTable === null ? [] : [`route table ${detach.routeTable.name}`]),
    ],
  };
}

/**
 * userAssignedNATGateway: the NAT gateway (with its public IP) on every cluster subnet. userDefinedRouting: the route
 * table with its 0.0.0.0/0 route on every cluster subnet. Both before the cluster: AKS refuses the create otherwise.
 * loadBalancer and none need nothing here (AKS's own load balancer, or no egress at all). A change run also takes the
 * old spec's NAT gateway or route table off the subnets, in the PUT that attaches the new one, before the cluster PUT:
 * AKS refuses outboundType loadBalancer on a subnet that still has a NAT gateway.
 */
export function* egressPhase(
  { context, run, request }: ProvisionScope,
  detach: EgressDetach | null = null,
): Step<EgressResources | null> {
  const net = request.network;
  const outbound = net.outbound;
  const subnets = egressSubnetNames(request);
  const old = detachment(detach);
  const associate = (natGatewayId: string | null, routeTableId: string | null) =>
    call(context, "ensureSubnetEgress", {
      subscriptionId: request.subscriptionId,
      vnetResourceGroup: net.vnet.resourceGroup,
      vnetName: net.vnet.name,
      subnetNames: subnets,
      natGatewayId,
      routeTableId,
      ...(old.ids.length > 0 ? { detach: old.ids } : {}),
    });
  const joined = subnets.join(", ");
  const detachedText = (done: { detached?: string[] }) =>
    old.what.length === 0
      ? ""
      : `; ${old.what.join(", ")} taken off ${(done.detached ?? []).length > 0 ? (done.detached ?? []).join(", ") : "no subnet (already off)"}`;

  if (outbound.type === "loadBalancer" || outbound.type === "none") {
    if (old.ids.length === 0) {
      run.skip(
        "egress",
        outbound.type === "none"
          ? "outbound type none: no egress path is created"
          : "outbound type loadBalancer: AKS's load balancer provides egress",
      );
      return null;
    }
    yield* run.step(
      "egress",
      function* () {
        const done = yield* associate(null, null);
        return `outbound type ${outbound.type}${detachedText(done)}`;
      },
      (detail) => detail,
      `${old.what.join(", ")} off ${joined}`,
    );
    return null;
  }

  if (outbound.type === "userAssignedNATGateway") {
    const ref = outbound.natGateway;
    if (ref === null) throw new Error("normalised request has no NAT gateway for userAssignedNATGateway");
    const egress = yield* run.step(
      "egress",
      function* () {
        const gateway = yield* call(context, "ensureNatGateway", {
          location: request.location,
          natGateway: {
            subscriptionId: ref.subscriptionId,
            resourceGroup: ref.resourceGroup,
            name: ref.name,
            existing: ref.existing,
          },
          sku: ref.sku,
          publicIpName: publicIpNameFor(ref.name),
          tags: request.tags,
        });
        run.progress.resources.natGatewayId = gateway.natGatewayId;
        const [publicIpId] = gateway.publicIpIds;
        if (publicIpId !== undefined) run.progress.resources.publicIpId = publicIpId;
        const subnetsDone = yield* associate(gateway.natGatewayId, null);
        const what =
          gateway.created.length > 0 ? `created ${gateway.created.join(", ")}` : `NAT gateway ${ref.name} found`;
        return {
          gateway,
          detail: `${what}; on ${describeSubnets(subnetsDone.associated, joined)}${detachedText(subnetsDone)}`,
        };
      },
      (done) => done.detail,
      `NAT gateway ${ref.name} for ${joined}`,
    );
    return { natGatewayId: egress.gateway.natGatewayId, publicIpIds: egress.gateway.publicIpIds, routeTableId: null };
  }

  const ref = outbound.routeTable;
  if (ref === null) throw new Error("normalised request has no route table for userDefinedRouting");
  const egress = yield* run.step(
    "egress",
    function* () {
      const table = yield* call(context, "ensureEgressRouteTable", {
        location: request.location,
        routeTable: ref,
        nextHopIp: outbound.nextHopIp,
        tags: request.tags,
      });
      run.progress.resources.routeTableId = table.routeTableId;
      const subnetsDone = yield* associate(null, table.routeTableId);
      const what = table.created ? `created route table ${ref.name}` : `route table ${ref.name} found`;
      return {
        table,
        detail:
          `${what} (0.0.0.0/0 → ${table.defaultRoute}); on ${describeSubnets(subnetsDone.associated, joined)}` +
          detachedText(subnetsDone),
      };
    },
    (done) => done.detail,
    `route table ${ref.name} for ${joined}`,
  );
  return { natGatewayId: null, publicIpIds: [], routeTableId: egress.table.routeTableId };
}

function describeSubnets(associated: string[], all: string): string {
  return associated.length > 0 ? `${all} (associated now: ${associated.join(", ")})` : `${all} (already associated)`;
}
