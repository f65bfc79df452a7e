/**
 * Microsoft.Authorization (2022-04-01): role assignments at any scope (RoleAssignments_CreateForResource example) and
 * the built-in role definitions they name. PrincipalNotFound models Entra replication delay, and — as the error text
 * itself says — only when the request leaves principalType out: with principalType ARM skips the directory lookup.
 */
import { randomUUID } from "node:crypto";
import { armError, json, route, type Route, type SimRequest, type SimResponse } from "../http.js";
import type { StoredResource } from "../state.js";
import { ArmContext, lowerEq, NAME, props } from "./context.js";

const TYPE = "Microsoft.Authorization/roleAssignments";
const SCOPE = "(/subscriptions/.+)";

export const builtInRoles: Record<string, { roleName: string; description: string }> = {
  "b24988ac-6180-42a0-ab88-20f7382dd24c": {
    roleName: "Contributor",
    description: "Grants full access to manage all resources, but does not allow you to assign roles in Azure RBAC.",
  },
  "4d97b98b-1d4f-4787-a291-c67834d212e7": {
    roleName: "Network Contributor",
    description: "Lets you manage networks, but not access to them.",
  },
  "8e3af657-a8ff-443c-a75c-2fe8c4bcb635": {
    roleName: "Owner",
    description: "Grants full access to manage all resources, including the ability to assign roles in Azure RBAC.",
  },
  "acdd72a7-3385-48ef-bd42-f606fba81ae7": {
    roleName: "Reader",
    description: "View all resources, but does not allow you to make any changes.",
  },
  "f1a07417-d97a-45cb-824c-7a7467783830": {
    roleName: "Managed Identity Operator",
    description: "Read and Assign User Assigned Identity",
  },
};

export function roleDefinitionGuid(roleDefinitionId: string): string {
  return roleDefinitionId.split("/").pop()?.toLowerCase() ?? "";
}

export function authorizationRoutes(ctx: ArmContext): Route[] {
  const item = `${SCOPE}/providers/${TYPE}/${NAME}`;
  const definition = (scope: string, guid: string) => {
    const role = builtInRoles[guid];
    return role === undefined
      ? undefined
      : {
          id: `${scope.replace(/\/resourcegroups\/.*$/i, "")}/providers/Microsoft.Authorization/roleDefinitions/${guid}`,
          name: guid,
          type: "Microsoft.Authorization/roleDefinitions",
          properties: {
            roleName: role.roleName,
            type: "BuiltInRole",
            description: role.description,
            assignableScopes: ["/"],
            permissions: [{ actions: ["*"], notActions: [], dataActions: [], notDataActions: [] }],
          },
        };
  };
  return [
    route("PUT", item, (r) => putRoleAssignment(ctx, r)),
    route("GET", item, (r) => {
      const assignment = ctx.state.get(`${r.params[0] ?? ""}/providers/${TYPE}/${r.params[1] ?? ""}`);
      return assignment === undefined
        ? armError(404, "RoleAssignmentNotFound", "The role assignment does not exist.")
        : json(200, assignment.body);
    }),
    route("DELETE", item, (r) => {
      const id = `${r.params[0] ?? ""}/providers/${TYPE}/${r.params[1] ?? ""}`;
      const assignment = ctx.state.get(id);
      if (assignment === undefined) return { status: 204 };
      ctx.state.delete(id);
      return json(200, assignment.body);
    }),
    route("GET", `${SCOPE}/providers/${TYPE}`, (r) => listRoleAssignments(ctx, r)),
    route("GET", `(/subscriptions/[^/]+)/providers/${TYPE}`, (r) => listRoleAssignments(ctx, r)),
    route("GET", `${SCOPE}/providers/Microsoft.Authorization/roleDefinitions/${NAME}`, (r) => {
      const found = definition(r.params[0] ?? "", (r.params[1] ?? "").toLowerCase());
      return found === undefined
        ? armError(404, "RoleDefinitionDoesNotExist", "The specified role definition with ID does not exist.")
        : json(200, found);
    }),
    route("GET", `${SCOPE}/providers/Microsoft.Authorization/roleDefinitions`, (r) => {
      const filter = /roleName\s+eq\s+'([^']+)'/i.exec(r.query.get("$filter") ?? "")?.[1];
      const value = Object.keys(builtInRoles)
        .map((guid) => definition(r.params[0] ?? "", guid))
        .filter((d) => d !== undefined && (filter === undefined || lowerEq(d.properties.roleName, filter)));
      return json(200, { value });
    }),
  ];
}

function putRoleAssignment(ctx: ArmContext, r: SimRequest): SimResponse {
  const { state } = ctx;
  const [scope = "", name = ""] = r.params;
  if (!/^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i.test(name)) {
    return armError(
      400,
      "InvalidRoleAssignmentId",
      `The role assignment ID '${name}' is not valid. The role assignment ID must be a GUID.`,
    );
  }
  const properties =
    ((r.body ?? {}) as { properties?: { roleDefinitionId?: string; principalId?: string; principalType?: string } })
      .properties ?? {};
  const principalId = properties.principalId ?? "";
  if (properties.principalType === undefined) {
    const identity = principal(ctx, principalId);
    if (identity === undefined || state.now() - identity.createdAt < state.config.principalNotFoundWindowMs) {
      return armError(
        400,
        "PrincipalNotFound",
        `Principal ${principalId.replace(/-/g, "")} does not exist in the directory ${state.tenantId}. Check that you have the correct principal ID. If you are creating this principal and then immediately assigning a role, this error might be related to a replication delay. In this case, set the role assignment principalType property to a value, such as ServicePrincipal, User, or Group.  See https://aka.ms/docs-principaltype`,
      );
    }
  }
  const role = roleDefinitionGuid(properties.roleDefinitionId ?? "");
  const id = `${scope}/providers/${TYPE}/${name}`;
  const twin = state.ofType(TYPE).find((assignment) => {
    const p = props(assignment);
    return (
      lowerEq(String(p.scope), scope) &&
      lowerEq(String(p.principalId), principalId) &&
      roleDefinitionGuid(String(p.roleDefinitionId)) === role
    );
  });
  if (twin !== undefined && !lowerEq(twin.id, id)) {
    return armError(
      409,
      "RoleAssignmentExists",
      `The role assignment already exists. The ID of the existing role assignment is ${String(twin.body.name).replace(/-/g, "")}.`,
    );
  }
  const existing = state.get(id);
  if (
    existing !== undefined &&
    (!lowerEq(String(props(existing).principalId), principalId) ||
      roleDefinitionGuid(String(props(existing).roleDefinitionId)) !== role)
  ) {
    return armError(
      400,
      "RoleAssignmentUpdateNotPermitted",
      "Tenant ID, application ID, principal ID, and scope are not allowed to be updated.",
    );
  }
  const assignment = makeAssignment(
    ctx,
    scope,
    name,
    properties.roleDefinitionId ?? "",
    principalId,
    properties.principalType ?? "ServicePrincipal",
    existing?.createdAt,
  );
  state.put(assignment);
  return json(201, assignment.body);
}

function principal(ctx: ArmContext, principalId: string): StoredResource | undefined {
  return ctx.state
    .ofType("Microsoft.ManagedIdentity/userAssignedIdentities")
    .find((identity) => lowerEq(String(props(identity).principalId), principalId));
}

export function makeAssignment(
  ctx: ArmContext,
  scope: string,
  name: string,
  roleDefinitionId: string,
  principalId: string,
  principalType: string,
  createdAt?: number,
): StoredResource {
  const id = `${scope}/providers/${TYPE}/${name}`;
  const stamp = new Date(createdAt ?? ctx.state.now()).toISOString();
  return {
    id,
    type: TYPE,
    createdAt: createdAt ?? ctx.state.now(),
    body: {
      id,
      name,
      type: TYPE,
      properties: {
        roleDefinitionId,
        principalId,
        principalType,
        scope,
        condition: null,
        conditionVersion: null,
        createdOn: stamp,
        updatedOn: stamp,
        createdBy: ctx.state.clientId,
        updatedBy: ctx.state.clientId,
        delegatedManagedIdentityResourceId: null,
        description: null,
      },
    },
  };
}

/** Grants the way AKS's own automation does (not subject to replication delay). */
export function grant(ctx: ArmContext, sub: string, scope: string, role: string, principalId: string): void {
  if (!hasRole(ctx, scope, role, principalId, true))
    ctx.state.put(
      makeAssignment(
        ctx,
        scope,
        randomUUID(),
        `/subscriptions/${sub}/providers/Microsoft.Authorization/roleDefinitions/${role}`,
        principalId,
        "ServicePrincipal",
      ),
    );
}

export function hasRole(ctx: ArmContext, scope: string, role: string, principalId: string, exact = false): boolean {
  const target = scope.toLowerCase();
  return ctx.state.ofType(TYPE).some((assignment) => {
    const p = props(assignment);
    const at = String(p.scope).toLowerCase();
    return (
      (target === at || (!exact && target.startsWith(`${at}/`))) &&
      lowerEq(String(p.principalId), principalId) &&
      roleDefinitionGuid(String(p.roleDefinitionId)) === role
    );
  });
}

function listRoleAssignments(ctx: ArmContext, r: SimRequest): SimResponse {
  const scope = (r.params[0] ?? "").toLowerCase();
  const filter = r.query.get("$filter") ?? "";
  const assignedTo = /assignedTo\('([^']+)'\)/i.exec(filter)?.[1] ?? /principalId\s+eq\s+'([^']+)'/i.exec(filter)?.[1];
  const atScopeOnly = /atScope\(\)/i.test(filter);
  const value = ctx.state.ofType(TYPE).filter((assignment) => {
    const p = props(assignment);
    const at = String(p.scope).toLowerCase();
    const above = scope === at || scope.startsWith(`${at}/`);
    const below = at.startsWith(`${scope}/`);
    if (!(above || (!atScopeOnly && below))) return false;
    return assignedTo === undefined || lowerEq(String(p.principalId), assignedTo);
  });
  return json(200, { value: value.map((assignment) => assignment.body) });
}
