import type { AzureClientFactory } from "../azure/clients.js";
import { getOrNull } from "./armHelpers.js";
import type { ResourceGroupInput, ResourceGroupOutput } from "./contracts.js";

export function ensureResourceGroup(clientsFor: AzureClientFactory) {
  return async (input: ResourceGroupInput): Promise<ResourceGroupOutput> => {
    const { resources } = clientsFor(input.subscriptionId);
    const existing = await getOrNull(() => resources.resourceGroups.get(input.resourceGroup));
    if (existing?.id !== undefined) {
      return { id: existing.id, created: false };
    }
    const created = await resources.resourceGroups.createOrUpdate(input.resourceGroup, {
      location: input.location,
      tags: { ...input.tags, "managed-by": "aks-provisioning-api" },
    });
    return { id: created.id ?? "", created: true };
  };
}
