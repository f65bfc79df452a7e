import { builtInRoles } from "../../domain/names.js";
import { attempt, PermanentFailure } from "../activityCalls.js";
import { deadline, pastDeadline, sleep, type Step } from "../runtime.js";
import type { Prerequisites } from "./prerequisitesPhase.js";
import type { ProvisionScope } from "./scope.js";

/** How long role assignments keep being retried while Entra replicates a brand-new identity. */
const principalReplicationMinutes = 10;

/**
 * The scopes the cluster identity must join: each subnet any pool uses, not the whole VNet (least privilege). The API
 * server subnet too, for VNet integration: AKS places the API server's internal load balancer there with the cluster
 * identity.
 */
export function subnetScopes({ network }: Prerequisites): string[] {
  const ids = [
    network.nodeSubnetId,
    ...(network.podSubnetId === null ? [] : [network.podSubnetId]),
    ...Object.values(network.subnetIds ?? {}),
    ...(network.apiServerSubnetId === null ? [] : [network.apiServerSubnetId]),
  ];
  return ids.filter((id, i) => ids.findIndex((other) => other.toLowerCase() === id.toLowerCase()) === i);
}

/**
 * Every scope the identity needs Network Contributor on: the subnets, a userDefinedRouting route table (AKS writes it:
 * kubenet pod routes, and its checks of the default route; aks-docs egress-udr.md, configure-kubenet.md), and a
 * userAssignedNATGateway gateway (AKS reads it and its IPs when it checks the subnets' egress; the AKS production
 * pattern of Azure Verified Modules grants the identity Network Contributor on it, as the role a subnet has does not
 * reach the gateway).
 */
export function networkScopes(prerequisites: Prerequisites): string[] {
  const routeTableId = prerequisites.egress?.routeTableId ?? null;
  const natGatewayId = prerequisites.egress?.natGatewayId ?? null;
  return [
    ...subnetScopes(prerequisites),
    ...(routeTableId === null ? [] : [routeTableId]),
    ...(natGatewayId === null ? [] : [natGatewayId]),
  ];
}

/** Network Contributor for the cluster identity on each subnet (and route table), retried on timers while Entra answers PrincipalNotFound. */
export function* roleAssignmentsPhase(scope: ProvisionScope, prerequisites: Prerequisites): Step<void> {
  const { context, run, request, timings } = scope;
  const scopes = networkScopes(prerequisites);
  const subnets = subnetScopes(prerequisites).length;
  const egress = [
    ...(prerequisites.egress?.routeTableId == null ? [] : ["the route table"]),
    ...(prerequisites.egress?.natGatewayId == null ? [] : ["the NAT gateway"]),
  ];
  const detail = `Network Contributor on ${subnets} subnet(s)${egress.length > 0 ? ` and ${egress.join(" and ")}` : ""}`;
  yield* run.step(
    "roleAssignments",
    function* () {
      const replicationDeadline = deadline(context, principalReplicationMinutes);
      for (const target of scopes) {
        for (;;) {
          const result = yield* attempt(context, "ensureRoleAssignment", {
            // A referenced route table may live in another subscription: the assignment is made there.
            subscriptionId: subscriptionOf(target) ?? request.subscriptionId,
            scope: target,
            principalId: prerequisites.identity.principalId,
            roleDefinitionGuid: builtInRoles.networkContributor,
          });
          if (result.ok) break;
          if (result.error.code !== "PrincipalNotFound" || pastDeadline(context, replicationDeadline)) {
            throw new PermanentFailure(result.error);
          }
          run.retry("roleAssignments", "waiting for Entra ID to replicate the new identity (PrincipalNotFound)");
          yield* sleep(context, timings.roleAssignmentRetrySeconds);
        }
      }
    },
    () => detail,
    detail,
  );
}

export function subscriptionOf(armId: string): string | null {
  return /^\/subscriptions\/([^/]+)/i.exec(armId)?.[1] ?? null;
}
