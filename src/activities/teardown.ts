import type { AzureClientFactory } from "../azure/clients.js";
import { getOrNull } from "./armHelpers.js";
import type { DeletionInput, DeletionState } from "./contracts.js";

/** Sends the DELETE and returns; the orchestrator polls getDeletionState on durable timers. */
export function beginDeleteCluster(clientsFor: AzureClientFactory) {
  return async (input: DeletionInput): Promise<DeletionState> => {
    const { containerService } = clientsFor(input.subscriptionId);
    const existing = await getOrNull(() =>
      containerService.managedClusters.get(input.resourceGroup, input.clusterName),
    );
    if (existing === null) {
      return { state: "Gone" };
    }
    await containerService.managedClusters.delete(input.resourceGroup, input.clusterName).submitted();
    return { state: "Deleting" };
  };
}

export function beginDeleteResourceGroup(clientsFor: AzureClientFactory) {
  return async (input: DeletionInput): Promise<DeletionState> => {
    const { resources } = clientsFor(input.subscriptionId);
    const exists = await resources.resourceGroups.checkExistence(input.resourceGroup);
    if (!exists.body) {
      return { state: "Gone" };
    }
    await resources.resourceGroups.beginDelete(input.resourceGroup);
    return { state: "Deleting" };
  };
}

export function getDeletionState(clientsFor: AzureClientFactory) {
  return async (input: DeletionInput): Promise<DeletionState> => {
    const clients = clientsFor(input.subscriptionId);
    if (input.scope === "resourceGroup") {
      const exists = await clients.resources.resourceGroups.checkExistence(input.resourceGroup);
      return { state: exists.body ? "Deleting" : "Gone" };
    }
    const cluster = await getOrNull(() =>
      clients.containerService.managedClusters.get(input.resourceGroup, input.clusterName),
    );
    return { state: cluster === null ? "Gone" : "Deleting" };
  };
}
