import type { Subnet } from "@azure/arm-network";
import type { AzureClientFactory } from "../azure/clients.js";
import { aksDelegationService } from "../domain/names.js";
import { getOrNull } from "./armHelpers.js";
import type {
  NetworkInput,
  NetworkOutput,
  SubnetDelegationCheck,
  SubnetDelegationInput,
  SubnetSpec,
} from "./contracts.js";
import { ProvisioningError } from "./guard.js";

function prefixesOf(subnet: Subnet): string[] {
  return subnet.addressPrefixes ?? (subnet.addressPrefix === undefined ? [] : [subnet.addressPrefix]);
}

const aksDelegation = { name: "aks-apiserver", serviceName: aksDelegationService };

/**
 * What to PUT for a subnet: both families in `addressPrefixes` for a dual-stack subnet (as NRP takes them), else the
 * one; the API server subnet carries its delegation from the start, so AKS never sees it bare.
 */
function subnetBody(subnet: SubnetSpec, apiServer: boolean): Subnet {
  return {
    ...(subnet.ipv6AddressPrefix === undefined
      ? { addressPrefix: subnet.addressPrefix }
      : { addressPrefixes: [subnet.addressPrefix, subnet.ipv6AddressPrefix] }),
    ...(apiServer ? { delegations: [aksDelegation] } : {}),
  };
}

function wantedPrefixes(subnet: SubnetSpec): string[] {
  return [subnet.addressPrefix, ...(subnet.ipv6AddressPrefix === undefined ? [] : [subnet.ipv6AddressPrefix])];
}

const delegatedServices = (subnet: Subnet) =>
  (subnet.delegations ?? []).map((delegation) => delegation.serviceName ?? "").filter((name) => name !== "");

function findSubnet(subnets: Subnet[] | undefined, name: string): Subnet | undefined {
  return subnets?.find((subnet) => subnet.name?.toLowerCase() === name.toLowerCase());
}

/** A pool that shares the cluster's subnet names it again: each subnet is created (and checked) once. */
function uniqueByName(subnets: SubnetSpec[]): SubnetSpec[] {
  const seen = new Set<string>();
  return subnets.filter((subnet) => {
    const key = subnet.name.toLowerCase();
    if (seen.has(key)) return false;
    seen.add(key);
    return true;
  });
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
    const wanted = uniqueByName([
      input.nodeSubnet,
      ...(input.podSubnet === null ? [] : [input.podSubnet]),
      ...(input.poolSubnets ?? []),
      ...(input.apiServerSubnet === null ? [] : [input.apiServerSubnet]),
    ]);
    const isApiServer = (subnet: SubnetSpec) =>
      input.apiServerSubnet !== null && subnet.name.toLowerCase() === input.apiServerSubnet.name.toLowerCase();
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
        subnets: wanted.map((subnet) => ({ name: subnet.name, ...subnetBody(subnet, isApiServer(subnet)) })),
      });
      created.push(`VNet ${name}`, ...wanted.map((subnet) => `subnet ${subnet.name}`));
    } else {
      for (const subnet of wanted) {
        const found = findSubnet(vnet.subnets, subnet.name);
        if (found === undefined) {
          await network.subnets.beginCreateOrUpdateAndWait(
            resourceGroup,
            name,
            subnet.name,
            subnetBody(subnet, isApiServer(subnet)),
          );
          created.push(`subnet ${subnet.name}`);
        } else if (!wantedPrefixes(subnet).every((prefix) => prefixesOf(found).includes(prefix))) {
          throw new ProvisioningError(
            "SubnetPrefixMismatch",
            `subnet '${subnet.name}' exists with ${prefixesOf(found).join(", ")}, the request says ${wantedPrefixes(subnet).join(", ")}`,
          );
        }
      }
      const apiServerSubnet =
        input.apiServerSubnet === null ? undefined : findSubnet(vnet.subnets, input.apiServerSubnet.name);
      if (apiServerSubnet !== undefined && input.apiServerSubnet !== null) {
        const services = delegatedServices(apiServerSubnet);
        if (services.some((service) => service.toLowerCase() !== aksDelegationService.toLowerCase())) {
          throw new ProvisioningError(
            "ApiServerSubnetDelegatedElsewhere",
            `API server subnet '${input.apiServerSubnet.name}' is delegated to ${services.join(", ")}; AKS needs it delegated to ${aksDelegationService} only`,
          );
        }
        if (services.length === 0) {
          // An existing subnet (ours from a run that stopped, or the caller's): add the delegation, keep its other settings.
          await network.subnets.beginCreateOrUpdateAndWait(resourceGroup, name, input.apiServerSubnet.name, {
            ...apiServerSubnet,
            delegations: [aksDelegation],
          });
          created.push(`delegation of subnet ${input.apiServerSubnet.name} to AKS`);
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
    const subnetIds: Record<string, string> = {};
    for (const subnet of wanted) {
      const found = findSubnet(vnet.subnets, subnet.name);
      if (found?.id === undefined) {
        throw new ProvisioningError("SubnetNotFound", `subnet '${subnet.name}' is missing from VNet '${name}'`);
      }
      subnetIds[subnet.name] = found.id;
    }
    const apiServerSubnet =
      input.apiServerSubnet === null ? undefined : findSubnet(vnet.subnets, input.apiServerSubnet.name);
    return {
      vnetId: vnet.id ?? "",
      nodeSubnetId: nodeSubnet.id,
      podSubnetId: podSubnet?.id ?? null,
      apiServerSubnetId: apiServerSubnet?.id ?? null,
      addressPrefixes: vnet.addressSpace?.addressPrefixes ?? [],
      created,
      subnetIds,
    };
  };
}

/** Reads a subnet back after the cluster exists: VNet integration needs its delegation to stay in place. */
export function checkSubnetDelegation(clientsFor: AzureClientFactory) {
  return async (input: SubnetDelegationInput): Promise<SubnetDelegationCheck> => {
    const { network } = clientsFor(input.subscriptionId);
    const parts =
      /\/resourceGroups\/([^/]+)\/providers\/Microsoft\.Network\/virtualNetworks\/([^/]+)\/subnets\/([^/]+)$/i.exec(
        input.subnetId,
      );
    if (parts === null) throw new ProvisioningError("InvalidSubnetId", `'${input.subnetId}' is not a subnet id`);
    const [, resourceGroup = "", vnet = "", name = ""] = parts;
    const subnet = await getOrNull(() => network.subnets.get(resourceGroup, vnet, name));
    if (subnet === null) throw new ProvisioningError("SubnetNotFound", `subnet '${input.subnetId}' was not found`);
    const delegations = delegatedServices(subnet);
    return {
      subnetId: input.subnetId,
      serviceName: input.serviceName,
      present: delegations.some((service) => service.toLowerCase() === input.serviceName.toLowerCase()),
      delegations,
    };
  };
}
