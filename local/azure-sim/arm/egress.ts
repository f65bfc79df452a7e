/**
 * Microsoft.Network egress resources in user resource groups: natGateways, publicIPAddresses, publicIPPrefixes and
 * routeTables, with
 * the shapes of azure-rest-api-specs' examples (NatGatewayCreateOrUpdate, PublicIpAddressCreateDefaults,
 * RouteTableCreateWithRoute, 2024-05-01): PUT answers 201/200 with provisioningState Updating and an
 * Azure-AsyncOperation like every NRP write; each route gets its id and provisioningState; the back-references ARM
 * computes (a gateway's and a table's `subnets`, a public IP's `natGateway`) are read off the subnets at GET time, so
 * they can never disagree with them. DELETE refuses what is still in use (NRP's InUse… codes), else 200; 204 if absent.
 *
 * AKS's create-time checks of these (AKS RP's error codes: SubnetNotAssociatedWithNATGateway,
 * NATGatewayNotAssociatedWithPublicIPOrIPPrefix, ExistingRouteTableNotAssociatedWithSubnet,
 * RouteTableMissingDefaultRouteError as in MicrosoftDocs/azure-docs#108240, RouteTableInvalidNextHop with the message
 * quoted in hashicorp/terraform-provider-azurerm#8609) live in `validateOutbound`.
 */
import { randomUUID } from "node:crypto";
import { armError, json, route, type Route, type SimRequest, type SimResponse } from "../http.js";
import type { StoredResource } from "../state.js";
import { ArmContext, etag, lowerEq, NAME, props, RG, rgId, text } from "./context.js";
import { completeLater, refId } from "./network.js";

const kinds = {
  natGateways: "Microsoft.Network/natGateways",
  publicIPAddresses: "Microsoft.Network/publicIPAddresses",
  publicIPPrefixes: "Microsoft.Network/publicIPPrefixes",
  routeTables: "Microsoft.Network/routeTables",
} as const;
type Kind = keyof typeof kinds;

type Body = Record<string, unknown> & { properties?: Record<string, unknown> };
const idsOf = (refs: unknown): string[] =>
  Array.isArray(refs)
    ? refs.map((ref) => (ref as { id?: unknown }).id).filter((id): id is string => typeof id === "string")
    : [];

function resourceId(r: SimRequest, kind: Kind): string {
  return `${rgId(r.params[0] ?? "", r.params[1] ?? "")}/providers/${kinds[kind]}/${r.params[2] ?? ""}`;
}

function subnetsReferencing(ctx: ArmContext, field: "natGateway" | "routeTable", id: string): StoredResource[] {
  return ctx.state
    .ofType("Microsoft.Network/virtualNetworks/subnets")
    .filter((subnet) => lowerEq(refId(props(subnet)[field]) ?? "", id));
}

/** The body as ARM reads it back, with the references it derives from other resources. */
function withReferences(ctx: ArmContext, resource: StoredResource): Body {
  const p = props(resource);
  if (resource.type === kinds.natGateways) {
    const subnets = subnetsReferencing(ctx, "natGateway", resource.id).map((subnet) => ({ id: subnet.id }));
    return { ...resource.body, properties: { ...p, ...(subnets.length > 0 ? { subnets } : {}) } };
  }
  if (resource.type === kinds.routeTables) {
    const subnets = subnetsReferencing(ctx, "routeTable", resource.id).map((subnet) => ({ id: subnet.id }));
    return { ...resource.body, properties: { ...p, subnets } };
  }
  const field = resource.type === kinds.publicIPPrefixes ? "publicIpPrefixes" : "publicIpAddresses";
  const gateway = ctx.state
    .ofType(kinds.natGateways)
    .find((candidate) => idsOf(props(candidate)[field]).some((id) => lowerEq(id, resource.id)));
  return {
    ...resource.body,
    properties: { ...p, ...(gateway === undefined ? {} : { natGateway: { id: gateway.id } }) },
  };
}

export function egressRoutes(ctx: ArmContext): Route[] {
  return (Object.keys(kinds) as Kind[]).flatMap((kind) => {
    const path = `${RG}/providers/Microsoft.Network/${kind}/${NAME}`;
    return [
      route("PUT", path, (r) => put(ctx, r, kind)),
      route("GET", path, (r) => {
        const resource = ctx.state.get(resourceId(r, kind));
        return resource === undefined
          ? ctx.notFound(kinds[kind], r.params[2] ?? "", r.params[1] ?? "")
          : json(200, withReferences(ctx, resource), { ETag: String(resource.body.etag) });
      }),
      route("DELETE", path, (r) => remove(ctx, r, kind)),
    ];
  });
}

/** Simulated public addresses, one per IP resource, stable for its life (20.0.0.0/8 is Azure-owned public space). */
function nextPublicAddress(ctx: ArmContext): string {
  const n = ctx.state.ofType(kinds.publicIPAddresses).length + 10;
  return `20.${40 + Math.floor(n / 65_536)}.${Math.floor(n / 256) % 256}.${n % 256}`;
}

const skuOf = (resource: StoredResource): string => (resource.body.sku as { name?: string } | undefined)?.name ?? "";

/**
 * The addresses a NAT gateway may take (nat-sku.md, nat-availability-zones.md): each must exist (else NRP's
 * InvalidResourceReference), none may be Basic, and a StandardV2 gateway takes only StandardV2 addresses and a
 * Standard one only Standard (NRP's code for the mismatch is not published; the simulator names it after the rule).
 */
function checkGatewayAddresses(ctx: ArmContext, id: string, sku: string, references: string[]): SimResponse | null {
  for (const reference of references) {
    const address = ctx.state.get(reference);
    if (address === undefined)
      return armError(
        400,
        "InvalidResourceReference",
        `Resource ${reference} referenced by resource ${id} was not found. Please make sure that the referenced resource exists, and that both resources are in the same region.`,
        { details: [] },
      );
    if (lowerEq(skuOf(address), "Basic"))
      return armError(
        400,
        "NatGatewayCannotBeAssociatedWithBasicSkuPublicIp",
        `Nat Gateway ${id} cannot be associated with Basic SKU public IP ${reference}.`,
        { details: [] },
      );
    if (!lowerEq(skuOf(address), sku))
      return armError(
        400,
        "NatGatewayPublicIpSkuMismatch",
        `Nat Gateway ${id} with SKU ${sku} cannot be associated with ${skuOf(address)} SKU resource ${reference}; a NAT gateway takes public IP addresses and prefixes of its own SKU.`,
        { details: [] },
      );
  }
  return null;
}

/** Simulated public prefixes, from ranges the addresses above never reach. */
function nextPublicPrefix(ctx: ArmContext, version: string, length: number): string {
  const n = ctx.state.ofType(kinds.publicIPPrefixes).length;
  return version === "IPv6"
    ? `2603:1030:${n.toString(16)}::/${length}`
    : `20.60.${Math.floor(n / 16) % 256}.${(n % 16) * 16}/${length}`;
}

function put(ctx: ArmContext, r: SimRequest, kind: Kind): SimResponse {
  const [sub = "", rg = "", name = ""] = r.params;
  if (ctx.groupExists(sub, rg) === undefined) return ctx.missingGroup(rg);
  const id = resourceId(r, kind);
  const body = (r.body ?? {}) as {
    location?: string;
    tags?: Record<string, string>;
    sku?: { name?: string; tier?: string };
    zones?: string[];
    properties?: Record<string, unknown>;
  };
  const given = body.properties ?? {};
  const existing = ctx.state.get(id);
  const location = text(body.location, "");
  if (location === "")
    return armError(400, "LocationRequired", "The location property is required for this definition.");
  const previous = existing === undefined ? {} : props(existing);
  let properties: Record<string, unknown>;
  let sku: Record<string, string> | undefined;
  if (kind === "publicIPAddresses") {
    // Basic public IPs retired on 2025-09-30; Standard is the default, and it and StandardV2 take Static allocation only.
    sku = { name: body.sku?.name ?? "Standard", tier: body.sku?.tier ?? "Regional" };
    const method = text(given.publicIPAllocationMethod, sku.name === "Basic" ? "Dynamic" : "Static");
    if (sku.name !== "Basic" && method !== "Static")
      return armError(
        400,
        "StandardSkuPublicIPAddressesCannotHaveDynamicAllocation",
        `Standard sku publicIp /subscriptions/${sub}/resourceGroups/${rg}/providers/Microsoft.Network/publicIPAddresses/${name} must have AllocationMethod set to Static.`,
        { details: [] },
      );
    properties = {
      provisioningState: "Updating",
      resourceGuid: previous.resourceGuid ?? randomUUID(),
      ipAddress: previous.ipAddress ?? nextPublicAddress(ctx),
      publicIPAddressVersion: text(given.publicIPAddressVersion, "IPv4"),
      publicIPAllocationMethod: method,
      idleTimeoutInMinutes: typeof given.idleTimeoutInMinutes === "number" ? given.idleTimeoutInMinutes : 4,
      ipTags: [],
    };
  } else if (kind === "publicIPPrefixes") {
    sku = { name: body.sku?.name ?? "Standard", tier: body.sku?.tier ?? "Regional" };
    const version = text(given.publicIPAddressVersion, "IPv4");
    const length = typeof given.prefixLength === "number" ? given.prefixLength : version === "IPv4" ? 28 : 124;
    properties = {
      provisioningState: "Updating",
      resourceGuid: previous.resourceGuid ?? randomUUID(),
      publicIPAddressVersion: version,
      prefixLength: length,
      ipPrefix: previous.ipPrefix ?? nextPublicPrefix(ctx, version, length),
      ipTags: [],
    };
  } else if (kind === "natGateways") {
    const skuName = body.sku?.name ?? "Standard";
    sku = { name: skuName };
    if (!["standard", "standardv2"].includes(skuName.toLowerCase()))
      return armError(
        400,
        "InvalidRequestFormat",
        `Cannot parse the request. Value '${skuName}' of sku.name is not one of Standard, StandardV2.`,
        { details: [] },
      );
    const before = existing === undefined ? null : skuOf(existing);
    if (before !== null && !lowerEq(before, skuName))
      return armError(
        400,
        "NatGatewaySkuCannotBeChanged",
        `Nat Gateway ${id} has SKU ${before}; its SKU cannot be changed to ${skuName}. Create a new NAT gateway instead.`,
        { details: [] },
      );
    const addresses = idsOf(given.publicIpAddresses);
    const prefixes = idsOf(given.publicIpPrefixes);
    const refused = checkGatewayAddresses(ctx, id, skuName, [...addresses, ...prefixes]);
    if (refused !== null) return refused;
    properties = {
      provisioningState: "Updating",
      resourceGuid: previous.resourceGuid ?? randomUUID(),
      idleTimeoutInMinutes: typeof given.idleTimeoutInMinutes === "number" ? given.idleTimeoutInMinutes : 4,
      ...(addresses.length > 0 ? { publicIpAddresses: addresses.map((address) => ({ id: address })) } : {}),
      ...(prefixes.length > 0 ? { publicIpPrefixes: prefixes.map((prefix) => ({ id: prefix })) } : {}),
    };
  } else {
    const routes = Array.isArray(given.routes) ? (given.routes as Body[]) : [];
    for (const entry of routes) {
      const rp = entry.properties ?? {};
      if (lowerEq(text(rp.nextHopType, ""), "VirtualAppliance") && text(rp.nextHopIpAddress, "") === "")
        return armError(
          400,
          "InvalidRouteNextHopIpAddress",
          `Route ${text(entry.name, "")} has next hop type VirtualAppliance but no next hop IP address.`,
          { details: [] },
        );
    }
    properties = {
      provisioningState: "Updating",
      resourceGuid: previous.resourceGuid ?? randomUUID(),
      disableBgpRoutePropagation: given.disableBgpRoutePropagation === true,
      routes: routes.map((entry) => ({
        name: entry.name,
        id: `${id}/routes/${text(entry.name, "")}`,
        etag: etag(),
        type: "Microsoft.Network/routeTables/routes",
        properties: { provisioningState: "Succeeded", ...(entry.properties ?? {}) },
      })),
    };
  }
  const resource: StoredResource = {
    id,
    type: kinds[kind],
    createdAt: existing?.createdAt ?? ctx.state.now(),
    body: {
      name,
      id,
      etag: etag(),
      type: kinds[kind],
      location,
      ...(body.tags === undefined ? {} : { tags: body.tags }),
      ...(sku === undefined ? {} : { sku }),
      ...(body.zones === undefined ? {} : { zones: body.zones }),
      properties,
    },
  };
  ctx.state.put(resource);
  return completeLater(ctx, r, location, resource, existing === undefined);
}

function remove(ctx: ArmContext, r: SimRequest, kind: Kind): SimResponse {
  const id = resourceId(r, kind);
  const resource = ctx.state.get(id);
  if (resource === undefined) return { status: 204 };
  const inUse = (code: string, by: string) =>
    armError(400, code, `${kinds[kind].split("/")[1] ?? kind} ${id} is in use by ${by} and cannot be deleted.`, {
      details: [],
    });
  if (kind === "natGateways") {
    const subnet = subnetsReferencing(ctx, "natGateway", id)[0];
    if (subnet !== undefined) return inUse("InUseNatGatewayCannotBeDeleted", subnet.id);
  } else if (kind === "routeTables") {
    const subnet = subnetsReferencing(ctx, "routeTable", id)[0];
    if (subnet !== undefined) return inUse("InUseRouteTableCannotBeDeleted", subnet.id);
  } else {
    const gateway = refId(withReferences(ctx, resource).properties?.natGateway);
    if (gateway !== null)
      return inUse(kind === "publicIPPrefixes" ? "PublicIpPrefixInUse" : "PublicIPAddressInUse", gateway);
  }
  ctx.state.delete(id);
  return { status: 200 };
}

/** What AKS checks about the node subnet's egress for the requested outbound type, at the managedClusters PUT. */
export function validateOutbound(
  ctx: ArmContext,
  outboundType: string,
  nodeSubnet: StoredResource,
  target: string,
): SimResponse | null {
  const invalid = (code: string, message: string) => armError(400, code, message, { target, subcode: "" });
  const p = props(nodeSubnet);
  // The code Azure/azure-service-operator#2273 shows AKS answering: a NAT gateway would take the egress the load
  // balancer is meant to carry, so it must come off the subnet first (an outbound type update included).
  if (outboundType === "loadBalancer" && refId(p.natGateway) !== null)
    return invalid(
      "SubnetsAssociatedWithNATgatewayWhenOutboundTypeIsStandardLoadBalancer",
      `Subnet ${nodeSubnet.id} is associated with NAT gateway ${refId(p.natGateway) ?? ""}; outbound type loadBalancer needs subnets without a NAT gateway. Please see http://aka.ms/aks/outboundtype for more details.`,
    );
  if (outboundType === "userAssignedNATGateway") {
    const gatewayId = refId(p.natGateway);
    if (gatewayId === null)
      return invalid(
        "SubnetNotAssociatedWithNATGateway",
        `Subnet ${nodeSubnet.id} is not associated with a NAT gateway. Outbound type userAssignedNATGateway requires a NAT gateway on every node subnet. Please see http://aka.ms/aks/outboundtype for more details.`,
      );
    const gateway = ctx.state.get(gatewayId);
    if (gateway === undefined) return invalid("NATGatewayNotFound", `NAT gateway ${gatewayId} was not found.`);
    const gp = props(gateway);
    if (idsOf(gp.publicIpAddresses).length + idsOf(gp.publicIpPrefixes).length === 0)
      return invalid(
        "NATGatewayNotAssociatedWithPublicIPOrIPPrefix",
        `NAT gateway ${gatewayId} is not associated with any public IP address or public IP prefix.`,
      );
  }
  if (outboundType === "userDefinedRouting") {
    const tableId = refId(p.routeTable);
    const table = tableId === null ? undefined : ctx.state.get(tableId);
    if (tableId === null || table === undefined)
      return invalid(
        "ExistingRouteTableNotAssociatedWithSubnet",
        `An existing route table has not been associated with subnet ${nodeSubnet.id}. Please update the route table association. Please see http://aka.ms/aks/outboundtype for more details.`,
      );
    const routes = (props(table).routes as Body[] | undefined) ?? [];
    const defaultRoute = routes.find((entry) => entry.properties?.addressPrefix === "0.0.0.0/0");
    if (defaultRoute === undefined)
      return invalid(
        "RouteTableMissingDefaultRouteError",
        `Default route 0.0.0.0/0 missing from route table ${tableId}`,
      );
    const hop = text(defaultRoute.properties?.nextHopType, "");
    if (!["virtualappliance", "virtualnetworkgateway"].includes(hop.toLowerCase()))
      return invalid(
        "RouteTableInvalidNextHop",
        `Default route 0.0.0.0/0 has a next hop of ${hop} but only next hops of VirtualAppliance or VirtualNetworkGateway are allowed. Please see http://aka.ms/aks/outboundtype for more details`,
      );
  }
  return null;
}
