/**
 * Deterministic names and ARM ids. Derived only from the request, so a replay or a second run finds what the first
 * created instead of creating it again.
 */
import { createHash } from "node:crypto";

export const builtInRoles = {
  networkContributor: "4d97b98b-1d4f-4787-a291-c67834d212e7",
  contributor: "b24988ac-6180-42a0-ab88-20f7382dd24c",
} as const;

/** The service an API server subnet is delegated to for VNet integration (aks-docs api-server-vnet-integration.md). */
export const aksDelegationService = "Microsoft.ContainerService/managedClusters";

/** Azure names are case-insensitive, so the id is too. */
export function provisioningId(subscriptionId: string, resourceGroup: string, clusterName: string): string {
  const key = `${subscriptionId}/${resourceGroup}/${clusterName}`.toLowerCase();
  return `c${createHash("sha256").update(key).digest("hex").slice(0, 24)}`;
}

/** A name-based (version 5 style) GUID for a role assignment on (scope, principal, role). */
export function roleAssignmentName(scope: string, principalId: string, roleDefinitionGuid: string): string {
  const key = `${scope.replace(/^\/+/, "").toLowerCase()}|${principalId.toLowerCase()}|${roleDefinitionGuid.toLowerCase()}`;
  const bytes = createHash("sha1").update(key).digest().subarray(0, 16);
  bytes[6] = ((bytes[6] ?? 0) & 0x0f) | 0x50;
  bytes[8] = ((bytes[8] ?? 0) & 0x3f) | 0x80;
  const hex = bytes.toString("hex");
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-${hex.slice(12, 16)}-${hex.slice(16, 20)}-${hex.slice(20, 32)}`;
}

/** AKS's default node resource group name (ARM caps resource group names at 90; AKS truncates at 80). */
export function nodeResourceGroupName(resourceGroup: string, clusterName: string, location: string): string {
  return `MC_${resourceGroup}_${clusterName}_${location}`.slice(0, 80);
}

export function resourceGroupId(subscriptionId: string, resourceGroup: string): string {
  return `/subscriptions/${subscriptionId}/resourceGroups/${resourceGroup}`;
}

export function subnetId(subscriptionId: string, resourceGroup: string, vnet: string, subnet: string): string {
  return `${resourceGroupId(subscriptionId, resourceGroup)}/providers/Microsoft.Network/virtualNetworks/${vnet}/subnets/${subnet}`;
}
