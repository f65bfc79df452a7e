import type { AzureClientFactory } from "../azure/clients.js";
import { isRestError } from "@azure/core-rest-pipeline";
import { roleAssignmentName } from "../domain/names.js";
import { collect, getOrNull, scopePath, subscriptionOf } from "./armHelpers.js";
import type { RoleCheck } from "../domain/observations.js";
import type { RoleAssignmentInput, RoleAssignmentOutput, RoleCheckInput } from "./contracts.js";

function roleDefinitionId(subscriptionId: string, guid: string): string {
  return `/subscriptions/${subscriptionId}/providers/Microsoft.Authorization/roleDefinitions/${guid}`;
}

function isRole(roleDefinition: string | undefined, guid: string): boolean {
  return roleDefinition?.toLowerCase().endsWith(`/${guid.toLowerCase()}`) ?? false;
}

/** Deterministic assignment name, so a replay or a second run finds its own assignment instead of adding one. */
export function ensureRoleAssignment(clientsFor: AzureClientFactory) {
  return async (input: RoleAssignmentInput): Promise<RoleAssignmentOutput> => {
    // The assignment and its role definition belong to the scope's subscription, which may not be the run's.
    const subscriptionId = subscriptionOf(input.scope, input.subscriptionId);
    const { authorization } = clientsFor(subscriptionId);
    const scope = scopePath(input.scope);
    const name = roleAssignmentName(input.scope, input.principalId, input.roleDefinitionGuid);
    const existing = await getOrNull(() => authorization.roleAssignments.get(scope, name));
    if (existing?.id !== undefined) {
      return { id: existing.id, created: false };
    }
    try {
      const created = await authorization.roleAssignments.create(scope, name, {
        roleDefinitionId: roleDefinitionId(subscriptionId, input.roleDefinitionGuid),
        principalId: input.principalId,
        // Naming the type lets ARM skip the directory lookup that fails while a new identity replicates.
        principalType: "ServicePrincipal",
      });
      return { id: created.id ?? "", created: true };
    } catch (error) {
      // Someone (a person, or AKS itself) granted the same role under another name: that is what we wanted.
      if (isRestError(error) && error.code === "RoleAssignmentExists") {
        const assignments = await collect(
          authorization.roleAssignments.listForScope(scope, {
            filter: `atScope() and assignedTo('${input.principalId}')`,
          }),
        );
        const match = assignments.find((assignment) => isRole(assignment.roleDefinitionId, input.roleDefinitionGuid));
        return { id: match?.id ?? "", created: false };
      }
      throw error;
    }
  };
}

/** Reads back who holds which role where; an assignment inherited from a parent scope counts. */
export function checkRoleAssignments(clientsFor: AzureClientFactory) {
  return async (input: RoleCheckInput): Promise<RoleCheck[]> => {
    const results: RoleCheck[] = [];
    for (const check of input.checks) {
      const { authorization } = clientsFor(subscriptionOf(check.scope, input.subscriptionId));
      const assignments = await collect(
        authorization.roleAssignments.listForScope(scopePath(check.scope), {
          filter: `atScope() and assignedTo('${check.principalId}')`,
        }),
      );
      results.push({
        role: check.role,
        scope: check.scope,
        principalId: check.principalId,
        present: assignments.some(
          (assignment) =>
            isRole(assignment.roleDefinitionId, check.roleDefinitionGuid) &&
            assignment.principalId?.toLowerCase() === check.principalId.toLowerCase(),
        ),
      });
    }
    return results;
  };
}
