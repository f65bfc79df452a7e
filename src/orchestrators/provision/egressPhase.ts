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

/**
 * userAssignedNATGateway: the NAT gateway (with its public IP) on every cluster subnet. userDefinedRouting: the route
 * table with its 0.0.0.0/0 route on every cluster subnet. Both before the cluster: AKS refuses the create otherwise.
 * loadBalancer and none need nothing here (AKS's own load balancer, or no egress at all).
 */
export function* egressPhase({ context, run, request }: ProvisionScope): Step<EgressResources | null> {
  const net = request.network;
  const outbound = net.outbound;
  if (outbound.type === "loadBalancer" || outbound.type === "none") {
    run.skip(
      "egress",
      outbound.type === "none"
        ? "outbound type none: no egress path is created"
        : "outbound type loadBalancer: AKS's load balancer provides egress",
    );
    return null;
  }
  const subnets = egressSubnetNames(request);
  const associate = (natGatewayId: string | null, routeTableId: string | null) =>
    call(context, "ensureSubnetEgress", {
      subscriptionId: request.subscriptionId,
      vnetResourceGroup: net.vnet.resourceGroup,
      vnetName: net.vnet.name,
      subnetNames: subnets,
      natGatewayId,
      routeTableId,
    });
  const joined = subnets.join(", ");

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
        return { gateway, detail: `${what}; on ${describeSubnets(subnetsDone.associated, joined)}` };
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
        detail: `${what} (0.0.0.0/0 → ${table.defaultRoute}); on ${describeSubnets(subnetsDone.associated, joined)}`,
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
