import type { AzureClientFactory } from "../azure/clients.js";
import { getOrNull } from "./armHelpers.js";
import type { IdentityInput, IdentityOutput } from "./contracts.js";
import { ProvisioningError } from "./guard.js";

export function ensureManagedIdentity(clientsFor: AzureClientFactory) {
  return async (input: IdentityInput): Promise<IdentityOutput> => {
    const { msi } = clientsFor(input.subscriptionId);
    const existing = await getOrNull(() => msi.userAssignedIdentities.get(input.resourceGroup, input.name));
    const identity =
      existing ??
      (await msi.userAssignedIdentities.createOrUpdate(input.resourceGroup, input.name, {
        location: input.location,
        tags: { ...input.tags, "managed-by": "aks-provisioning-api" },
      }));
    if (identity.id === undefined || identity.principalId === undefined || identity.clientId === undefined) {
      throw new ProvisioningError("IdentityIncomplete", `identity '${input.name}' has no principalId/clientId yet`);
    }
    return {
      id: identity.id,
      principalId: identity.principalId,
      clientId: identity.clientId,
      created: existing === null,
    };
  };
}
