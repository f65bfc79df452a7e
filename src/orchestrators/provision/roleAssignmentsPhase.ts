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

/** Network Contributor for the cluster identity on each subnet, retried on timers while Entra answers PrincipalNotFound. */
export function* roleAssignmentsPhase(scope: ProvisionScope, prerequisites: Prerequisites): Step<void> {
  const { context, run, request, timings } = scope;
  const scopes = subnetScopes(prerequisites);
  const detail = `Network Contributor on ${scopes.length} subnet(s)`;
  yield* run.step(
    "roleAssignments",
    function* () {
      const replicationDeadline = deadline(context, principalReplicationMinutes);
      for (const target of scopes) {
        for (;;) {
          const result = yield* attempt(context, "ensureRoleAssignment", {
            subscriptionId: request.subscriptionId,
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
