import type { Subnet } from "@azure/arm-network";
import type { AzureClientFactory } from "../azure/clients.js";
import { getOrNull } from "./armHelpers.js";
import type { NetworkInput, NetworkOutput, SubnetSpec } from "./contracts.js";
import { ProvisioningError } from "./guard.js";

function prefixesOf(subnet: Subnet): string[] {
  return subnet.addressPrefixes ?? (subnet.addressPrefix === undefined ? [] : [subnet.addressPrefix]);
}

/** The subnet's body: both families in `addressPrefixes` for a dual-stack subnet (as NRP takes them), else the one. */
function subnetBody(subnet: SubnetSpec): Pick<Subnet, "addressPrefix" | "addressPrefixes"> {
  return subnet.ipv6AddressPrefix === undefined
    ? { addressPrefix: subnet.addressPrefix }
    : { addressPrefixes: [subnet.addressPrefix, subnet.ipv6AddressPrefix] };
}

function wantedPrefixes(subnet: SubnetSpec): string[] {
  return [subnet.addressPrefix, ...(subnet.ipv6AddressPrefix === undefined ? [] : [subnet.ipv6AddressPrefix])];
}

function findSubnet(subnets: Subnet[] | undefined, name: string): Subnet | undefined {
  return subnets?.find((subnet) => subnet.name?.toLowerCase() === name.toLowerCase());
}

/**
 * Creates the VNet with both subnets, or, when it exists (ours from an earlier run, or the caller's), adds only the
 * missing subnets: re-PUTting a VNet with a subnet list would delete subnets other teams put there. A VNet given by id
 * may live in another subscription: it is read and written there, never looked up in the cluster's.
 */
export function ensureNetwork(clientsFor: AzureClientFactory) {
  return async (input: NetworkInput): Promise<NetworkOutput> => {
    const { network } = clientsFor(input.vnet.subscriptionId ?? input.subscriptionId);
    const { resourceGroup, name } = input.vnet;
    const wanted: SubnetSpec[] = [input.nodeSubnet, ...(input.podSubnet === null ? [] : [input.podSubnet])];
    const created: string[] = [];

    let vnet = await getOrNull(() => network.virtualNetworks.get(resourceGroup, name));
    if (vnet === null) {
      if (input.vnet.existing) {
        throw new ProvisioningError(
          "VirtualNetworkNotFound",
          `VNet '${name}' was not found in resource group '${resourceGroup}'`,
        );
      }
      vnet = await network.virtualNetworks.beginCreateOrUpdateAndWait(resourceGroup, name, {
        location: input.location,
        tags: { ...input.tags, "managed-by": "aks-provisioning-api" },
        addressSpace: { addressPrefixes: input.vnet.addressPrefixes },
        subnets: wanted.map((subnet) => ({ name: subnet.name, ...subnetBody(subnet) })),
      });
      created.push(`VNet ${name}`, ...wanted.map((subnet) => `subnet ${subnet.name}`));
    } else {
      for (const subnet of wanted) {
        const found = findSubnet(vnet.subnets, subnet.name);
        if (found === undefined) {
          await network.subnets.beginCreateOrUpdateAndWait(resourceGroup, name, subnet.name, subnetBody(subnet));
          created.push(`subnet ${subnet.name}`);
        } else if (!wantedPrefixes(subnet).every((prefix) => prefixesOf(found).includes(prefix))) {
          throw new ProvisioningError(
            "SubnetPrefixMismatch",
            `subnet '${subnet.name}' exists with ${prefixesOf(found).join(", ")}, the request says ${wantedPrefixes(subnet).join(", ")}`,
          );
        }
      }
      if (created.length > 0) {
        vnet = await network.virtualNetworks.get(resourceGroup, name);
      }
    }

    const nodeSubnet = findSubnet(vnet.subnets, input.nodeSubnet.name);
    if (nodeSubnet?.id === undefined) {
      throw new ProvisioningError("SubnetNotFound", `subnet '${input.nodeSubnet.name}' is missing from VNet '${name}'`);
    }
    // AKS refuses a delegated node subnet (SubnetIsDelegated); say so before the cluster create does, minutes later.
    if ((nodeSubnet.delegations?.length ?? 0) > 0) {
      throw new ProvisioningError(
        "SubnetIsDelegated",
        `node subnet '${input.nodeSubnet.name}' is delegated; AKS cannot place nodes in it`,
      );
    }
    const podSubnet = input.podSubnet === null ? undefined : findSubnet(vnet.subnets, input.podSubnet.name);
    return {
      vnetId: vnet.id ?? "",
      nodeSubnetId: nodeSubnet.id,
      podSubnetId: podSubnet?.id ?? null,
      addressPrefixes: vnet.addressSpace?.addressPrefixes ?? [],
      created,
    };
  };
}
