/**
 * Whether the API's own identity may create and assign what this request needs, from Microsoft.Authorization
 * permissions at the cluster's and the VNet's resource groups (their subscription when a group does not exist yet).
 * Only what the run really does is asked for: creating the VNet or only its missing subnets, the identity, the
 * cluster, the role assignments on the subnets, the egress resources, user pools and run command when it uses them.
 */
import type { ClusterRequest } from "../../clusterRequest.js";
import { scopeKey } from "../../requestScopes.js";
import { actionAllowed } from "../permissions.js";
import { readFailed, type LiveCheck, type LiveFacts, type PermissionsAt } from "../facts.js";
import { requestedSubnets } from "./network.js";
import { containerServiceNamespace } from "./registration.js";

export interface NeededAction {
  action: string;
  target: PermissionsAt["target"];
  path: string;
  why: string;
}

/** What the run will do, and so which actions it needs, given what already exists. */
export function neededActions(request: ClusterRequest, facts: LiveFacts): NeededAction[] {
  const needs: NeededAction[] = [];
  const cluster = scopeKey(request);
  const vnetScope = scopeKey(request.network.vnet);
  const add = (action: string, target: NeededAction["target"], path: string, why: string) =>
    needs.push({ action, target, path, why });
  if (facts.resourceGroupExists.ok && !facts.resourceGroupExists.value) {
    add(
      "Microsoft.Resources/subscriptions/resourceGroups/write",
      cluster,
      "resourceGroup",
      "create the resource group",
    );
  }
  const vnet = facts.vnet.ok ? facts.vnet.value : null;
  const vnetPath = request.network.vnet.existing ? "network.vnet.id" : "network.vnet";
  if (vnet === null && !request.network.vnet.existing) {
    add("Microsoft.Network/virtualNetworks/write", vnetScope, vnetPath, "create the VNet");
  } else if (
    vnet !== null &&
    requestedSubnets(request).some(
      ({ subnet }) => !vnet.subnets.some((s) => s.name.toLowerCase() === subnet.name.toLowerCase()),
    )
  ) {
    add("Microsoft.Network/virtualNetworks/subnets/write", vnetScope, vnetPath, "add the missing subnets");
  }
  add("Microsoft.Network/virtualNetworks/subnets/join/action", vnetScope, vnetPath, "place the cluster in its subnets");
  add(
    "Microsoft.Authorization/roleAssignments/write",
    vnetScope,
    vnetPath,
    "grant the cluster identity Network Contributor on its subnets",
  );
  add(
    "Microsoft.ManagedIdentity/userAssignedIdentities/write",
    cluster,
    "identity.name",
    "create the cluster identity",
  );
  add(
    "Microsoft.ManagedIdentity/userAssignedIdentities/assign/action",
    cluster,
    "identity.name",
    "assign the identity to the cluster",
  );
  add("Microsoft.ContainerService/managedClusters/write", cluster, "clusterName", "create the cluster");
  needs.push(...egressActions(request));
  if (request.nodePools.length > 1) {
    add(
      "Microsoft.ContainerService/managedClusters/agentPools/write",
      cluster,
      "nodePools",
      "create the user pools after the cluster",
    );
  }
  if (request.apiServer.private) {
    add(
      "Microsoft.ContainerService/managedClusters/runCommand/action",
      cluster,
      "apiServer.private",
      "verify a private cluster's IPs through run command",
    );
  }
  if (facts.provider.ok && facts.provider.value.toLowerCase() !== "registered") {
    add(
      `${containerServiceNamespace}/register/action`,
      cluster,
      "subscriptionId",
      `register ${containerServiceNamespace}`,
    );
  }
  return needs;
}

/** The NAT gateway (and its public IP) or route table the outbound type needs: created, or only joined when given. */
function egressActions(request: ClusterRequest): NeededAction[] {
  const { outbound } = request.network;
  const at = (ref: { subscriptionId: string; resourceGroup: string }): NeededAction["target"] => scopeKey(ref);
  const path = "network.outbound";
  if (outbound.type === "userAssignedNATGateway" && outbound.natGateway !== null) {
    const gateway = outbound.natGateway;
    return [
      ...(gateway.existing
        ? []
        : [
            {
              action: "Microsoft.Network/publicIPAddresses/write",
              target: at(gateway),
              path,
              why: "create the NAT gateway's public IP",
            },
            { action: "Microsoft.Network/natGateways/write", target: at(gateway), path, why: "create the NAT gateway" },
          ]),
      {
        action: "Microsoft.Network/natGateways/join/action",
        target: at(gateway),
        path,
        why: "attach the NAT gateway to the subnets",
      },
    ];
  }
  if (outbound.type === "userDefinedRouting" && outbound.routeTable !== null) {
    const table = outbound.routeTable;
    return [
      ...(table.existing
        ? []
        : [{ action: "Microsoft.Network/routeTables/write", target: at(table), path, why: "create the route table" }]),
      {
        action: "Microsoft.Network/routeTables/join/action",
        target: at(table),
        path,
        why: "attach the route table to the subnets",
      },
    ];
  }
  return [];
}

export function identityMayCreate(request: ClusterRequest, facts: LiveFacts): LiveCheck[] {
  const reported = new Set<string>();
  return neededActions(request, facts).flatMap((need): LiveCheck[] => {
    const at = facts.permissions.find((permissions) => permissions.target === need.target);
    if (at === undefined) return [];
    if (!at.read.ok) {
      // One warning per scope that could not be read, not one per action.
      if (reported.has(at.scope)) return [];
      reported.add(at.scope);
      return [{ ...readFailed("permission", need.path, `permissions at ${at.scope}`, at.read), scope: at.scope }];
    }
    const allowed = actionAllowed(need.action, at.read.value);
    return [
      {
        code: "permission",
        path: need.path,
        status: allowed ? "ok" : "error",
        action: need.action,
        scope: at.scope,
        message: allowed
          ? `the API's identity may ${need.why} (${need.action})`
          : `the API's identity lacks ${need.action} at ${at.scope}: it could not ${need.why}`,
      },
    ];
  });
}
