/**
 * Egress for outbound types AKS does not build itself (aks-docs egress-outboundtype.md, nat-gateway.md, egress-udr.md):
 * a user-assigned NAT gateway with a static public IP of its own SKU, or a route table whose 0.0.0.0/0 route points at the
 * caller's firewall, each attached to the cluster's subnets before the cluster exists, because AKS checks them at
 * create (SubnetNotAssociatedWithNATGateway, ExistingRouteTableNotAssociatedWithSubnet, RouteTableMissingDefaultRouteError).
 * Every operation is an ensure: deterministic names, a GET first, and nothing written when it is already right.
 */
import type { NatGateway, Route, RouteTable, Subnet } from "@azure/arm-network";
import type { AzureClientFactory } from "../azure/clients.js";
import type { NatGatewaySku } from "../domain/networkModes.js";
import { getOrNull } from "./armHelpers.js";
import type {
  EgressRouteTableInput,
  EgressRouteTableOutput,
  NatGatewayInput,
  NatGatewayOutput,
  SubnetEgressInput,
  SubnetEgressOutput,
} from "./contracts.js";
import { ProvisioningError } from "./guard.js";

const ownTag = { "managed-by": "aks-provisioning-api" };
const defaultPrefix = "0.0.0.0/0";
/** The name of the route this API adds to a table it creates. */
export const defaultRouteName = "default-egress";
/** What AKS accepts as the default route's next hop (an NVA or a gateway); Internet is refused (RouteTableInvalidNextHop). */
const allowedNextHops = new Set(["virtualappliance", "virtualnetworkgateway"]);

const sameId = (a: string | undefined, b: string | null) => (a ?? "").toLowerCase() === (b ?? "").toLowerCase();

/** A public IP or prefix on the gateway: AKS refuses a NAT gateway with neither (NATGatewayNotAssociatedWithPublicIPOrIPPrefix). */
function addressesOf(gateway: NatGateway): string[] {
  return [...(gateway.publicIpAddresses ?? []), ...(gateway.publicIpPrefixes ?? [])]
    .map((ref) => ref.id)
    .filter((id): id is string => id !== undefined);
}

/**
 * NRP cannot turn a Standard gateway into a StandardV2 one (or back), nor attach an IP of the other SKU: a gateway
 * or public IP found with another SKU is a conflict to resolve by hand, never something to overwrite.
 */
function checkSku(what: string, name: string, found: string | undefined, wanted: NatGatewaySku): void {
  const sku = found ?? "Standard";
  if (sku.toLowerCase() !== wanted.toLowerCase()) {
    throw new ProvisioningError(
      "NATGatewaySkuConflict",
      `${what} '${name}' has SKU ${sku}, but the request asks for a ${wanted} NAT gateway; the SKU cannot change in place`,
    );
  }
}

/** Creates the NAT gateway and its public IP (or checks the caller's gateway) in the request's location. */
export function ensureNatGateway(clientsFor: AzureClientFactory) {
  return async (input: NatGatewayInput): Promise<NatGatewayOutput> => {
    const ref = input.natGateway;
    const { network } = clientsFor(ref.subscriptionId);
    const existing = await getOrNull(() => network.natGateways.get(ref.resourceGroup, ref.name));
    // The caller's gateway is checked only against a SKU the request named; one of ours always has one.
    const sku = input.sku ?? (ref.existing ? null : "Standard");
    if (existing !== null && sku !== null) checkSku("NAT gateway", ref.name, existing.sku?.name, sku);
    if (ref.existing) {
      if (existing?.id === undefined) {
        throw new ProvisioningError(
          "NATGatewayNotFound",
          `NAT gateway '${ref.name}' was not found in resource group '${ref.resourceGroup}'`,
        );
      }
      const addresses = addressesOf(existing);
      if (addresses.length === 0) {
        throw new ProvisioningError(
          "NATGatewayNotAssociatedWithPublicIPOrIPPrefix",
          `NAT gateway '${ref.name}' has no public IP or public IP prefix, so nodes would have no egress`,
        );
      }
      return { natGatewayId: existing.id, publicIpIds: addresses, created: [] };
    }
    if (existing?.id !== undefined && addressesOf(existing).length > 0) {
      return { natGatewayId: existing.id, publicIpIds: addressesOf(existing), created: [] };
    }

    const created: string[] = [];
    if (sku === null) throw new Error("a NAT gateway to create has no SKU");
    let publicIp = await getOrNull(() => network.publicIPAddresses.get(ref.resourceGroup, input.publicIpName));
    if (publicIp !== null) checkSku("public IP", input.publicIpName, publicIp.sku?.name, sku);
    if (publicIp === null) {
      // A NAT gateway takes static IPv4 addresses of its own SKU (nat-gateway.md, nat-sku.md); a StandardV2 IP is
      // zone-redundant by default, as its gateway is.
      publicIp = await network.publicIPAddresses.createOrUpdate(ref.resourceGroup, input.publicIpName, {
        location: input.location,
        tags: { ...input.tags, ...ownTag },
        sku: { name: sku, tier: "Regional" },
        publicIPAllocationMethod: "Static",
        publicIPAddressVersion: "IPv4",
      });
      created.push(`public IP ${input.publicIpName}`);
    }
    const gateway = await network.natGateways.createOrUpdate(ref.resourceGroup, ref.name, {
      location: input.location,
      tags: { ...input.tags, ...ownTag },
      sku: { name: sku },
      idleTimeoutInMinutes: 4,
      publicIpAddresses: [{ id: publicIp.id }],
    });
    created.push(`NAT gateway ${ref.name}`);
    if (gateway.id === undefined)
      throw new ProvisioningError("NATGatewayNotFound", `NAT gateway '${ref.name}' has no id`);
    return { natGatewayId: gateway.id, publicIpIds: addressesOf(gateway), created };
  };
}

function defaultRouteOf(table: RouteTable): Route | undefined {
  return table.routes?.find((route) => route.addressPrefix === defaultPrefix);
}

/** The checks AKS makes on a UDR cluster's route table, with its codes, so they fail here and not minutes into a create. */
function checkDefaultRoute(table: RouteTable, name: string): string {
  const route = defaultRouteOf(table);
  if (route === undefined) {
    throw new ProvisioningError(
      "RouteTableMissingDefaultRouteError",
      `Default route 0.0.0.0/0 missing from route table '${name}'; userDefinedRouting needs one to your firewall or NVA`,
    );
  }
  const hop = route.nextHopType ?? "";
  if (!allowedNextHops.has(hop.toLowerCase())) {
    throw new ProvisioningError(
      "RouteTableInvalidNextHop",
      `Default route 0.0.0.0/0 in route table '${name}' has a next hop of ${hop || "none"} but only next hops of VirtualAppliance or VirtualNetworkGateway are allowed`,
    );
  }
  return [hop, route.nextHopIpAddress].filter((part) => part !== undefined && part !== "").join(" ");
}

/**
 * Creates the route table with its 0.0.0.0/0 route to nextHopIp, or checks the caller's. A table of ours found again
 * keeps every other route (AKS writes kubenet pod routes into it): only the default route is set, never the list.
 */
export function ensureEgressRouteTable(clientsFor: AzureClientFactory) {
  return async (input: EgressRouteTableInput): Promise<EgressRouteTableOutput> => {
    const ref = input.routeTable;
    const { network } = clientsFor(ref.subscriptionId);
    const existing = await getOrNull(() => network.routeTables.get(ref.resourceGroup, ref.name));
    if (ref.existing || input.nextHopIp === null) {
      if (existing?.id === undefined) {
        throw new ProvisioningError(
          "RouteTableNotFound",
          `route table '${ref.name}' was not found in resource group '${ref.resourceGroup}'`,
        );
      }
      return { routeTableId: existing.id, defaultRoute: checkDefaultRoute(existing, ref.name), created: false };
    }
    const wanted: Route = {
      name: defaultRouteName,
      addressPrefix: defaultPrefix,
      nextHopType: "VirtualAppliance",
      nextHopIpAddress: input.nextHopIp,
    };
    const current = existing === null ? undefined : defaultRouteOf(existing);
    if (
      existing?.id !== undefined &&
      current !== undefined &&
      current.nextHopType === wanted.nextHopType &&
      current.nextHopIpAddress === wanted.nextHopIpAddress
    ) {
      return { routeTableId: existing.id, defaultRoute: checkDefaultRoute(existing, ref.name), created: false };
    }
    const others = (existing?.routes ?? []).filter((route) => route.addressPrefix !== defaultPrefix);
    const table = await network.routeTables.beginCreateOrUpdateAndWait(ref.resourceGroup, ref.name, {
      location: input.location,
      tags: { ...(existing?.tags ?? input.tags), ...ownTag },
      // AKS's UDR guide keeps BGP propagation on; a gateway's routes still reach the nodes.
      disableBgpRoutePropagation: false,
      routes: [
        ...others.map(({ name, addressPrefix, nextHopType, nextHopIpAddress }) => ({
          name,
          addressPrefix,
          nextHopType,
          nextHopIpAddress,
        })),
        wanted,
      ],
    });
    if (table.id === undefined)
      throw new ProvisioningError("RouteTableNotFound", `route table '${ref.name}' has no id`);
    return { routeTableId: table.id, defaultRoute: checkDefaultRoute(table, ref.name), created: existing === null };
  };
}

/**
 * Attaches the NAT gateway or route table to each subnet, keeping everything else the subnet has (a subnet PUT is the
 * whole truth), and takes off what a changed egress no longer uses in the same PUT. A subnet that already has a
 * different one, not named in `detach`, is left alone and refused: replacing another team's egress path would cut
 * off whatever else lives in that subnet.
 */
export function ensureSubnetEgress(clientsFor: AzureClientFactory) {
  return async (input: SubnetEgressInput): Promise<SubnetEgressOutput> => {
    const { network } = clientsFor(input.subscriptionId);
    const associated: string[] = [];
    const alreadyAssociated: string[] = [];
    const detached: string[] = [];
    const detach = input.detach ?? [];
    const wanted = input.natGatewayId ?? input.routeTableId;
    const field = input.natGatewayId !== null ? "natGateway" : input.routeTableId !== null ? "routeTable" : null;
    for (const name of input.subnetNames) {
      const subnet: Subnet = await network.subnets.get(input.vnetResourceGroup, input.vnetName, name);
      const next: Subnet = { ...subnet };
      const dropped = (["natGateway", "routeTable"] as const).filter((key) =>
        detach.some((id) => sameId(subnet[key]?.id, id)),
      );
      for (const key of dropped) delete next[key];
      const current = field === null ? undefined : next[field]?.id;
      const attach = field !== null && !sameId(current, wanted);
      if (attach && current !== undefined) {
        throw new ProvisioningError(
          field === "natGateway" ? "SubnetHasOtherNatGateway" : "SubnetHasOtherRouteTable",
          `subnet '${name}' already uses ${field === "natGateway" ? "NAT gateway" : "route table"} ${current}; the request asks for ${wanted ?? ""}`,
        );
      }
      if (field !== null && !attach) alreadyAssociated.push(name);
      if (!attach && dropped.length === 0) continue;
      if (attach) next[field] = { id: wanted ?? undefined };
      await network.subnets.beginCreateOrUpdateAndWait(input.vnetResourceGroup, input.vnetName, name, next);
      if (attach) associated.push(name);
      if (dropped.length > 0) detached.push(name);
    }
    return { associated, alreadyAssociated, ...(detach.length > 0 ? { detached } : {}) };
  };
}
