import type { AzureClientFactory } from "../azure/clients.js";
import { collect } from "./armHelpers.js";
import type { RouteTableInput, RouteTableOutput } from "./contracts.js";

/**
 * kubenet in an existing VNet: AKS creates the route table in the node resource group but may leave it unassociated
 * when its identity cannot write the subnet, and then pods on different nodes cannot talk. Check, and repair.
 */
export function ensureRouteTableAssociation(clientsFor: AzureClientFactory) {
  return async (input: RouteTableInput): Promise<RouteTableOutput> => {
    // The subnet is read and written in the VNet's subscription; the route table AKS made is in the cluster's.
    const { network: vnetNetwork } = clientsFor(input.vnetSubscriptionId ?? input.subscriptionId);
    const { network } = clientsFor(input.subscriptionId);
    const subnet = await vnetNetwork.subnets.get(input.vnetResourceGroup, input.vnetName, input.subnetName);
    if (subnet.routeTable?.id !== undefined) {
      return { routeTableId: subnet.routeTable.id, action: "already-associated" };
    }
    const tables = await collect(network.routeTables.list(input.nodeResourceGroup));
    const table = tables.find((candidate) => candidate.id !== undefined);
    if (table?.id === undefined) {
      return { routeTableId: null, action: "not-found" };
    }
    await vnetNetwork.subnets.beginCreateOrUpdateAndWait(input.vnetResourceGroup, input.vnetName, input.subnetName, {
      ...subnet,
      routeTable: { id: table.id },
    });
    return { routeTableId: table.id, action: "associated" };
  };
}
