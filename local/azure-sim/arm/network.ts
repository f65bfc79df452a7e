/**
 * Microsoft.Network (2025-05-01): VNets and subnets as NRP serves them — PUT answers 201/200 with provisioningState
 * Updating, Azure-AsyncOperation and Retry-After, the poll goes InProgress → Succeeded (recording
 * js/sdk/network/arm-network/recordings/node/network_test/recording_subnets_get_test.json); a VNet PUT is the whole
 * truth about its subnets, and a subnet PUT about its NAT gateway and route table (their resources: egress.ts).
 * Dual-stack: a VNet's addressSpace may
 * hold IPv6 prefixes and a subnet takes `addressPrefixes` with one prefix per family (specs' Subnet.addressPrefixes,
 * as `az network vnet subnet create --address-prefixes 10.0.0.0/24 ace:cab:deca:deed::/64` sends it); such a subnet is
 * answered with `addressPrefixes` only, as NRP does.
 */
import { randomUUID } from "node:crypto";
import { Address6 } from "ip-address";
import { armError, json, route, type Route, type SimRequest, type SimResponse } from "../http.js";
import { rangeOf } from "../kube/model.js";
import type { StoredResource } from "../state.js";
import { ArmContext, etag, lowerEq, NAME, props, RG, rgId, text } from "./context.js";

export const vnetCreateMs = 3_000;

interface FamilyRange {
  family: 4 | 6;
  first: bigint;
  last: bigint;
}

/** A CIDR of either family as a bigint range (IPv6 ranges are far beyond a JavaScript number). */
export function familyRange(cidr: string): FamilyRange {
  if (cidr.includes(":")) {
    const address = new Address6(cidr);
    return { family: 6, first: address.startAddress().bigInt(), last: address.endAddress().bigInt() };
  }
  const range = rangeOf(cidr);
  return { family: 4, first: BigInt(range.first), last: BigInt(range.first + range.size - 1) };
}

export function within(inner: string, outer: string): boolean {
  const a = familyRange(inner);
  const b = familyRange(outer);
  return a.family === b.family && a.first >= b.first && a.last <= b.last;
}

export function overlap(x: string, y: string): boolean {
  const a = familyRange(x);
  const b = familyRange(y);
  return a.family === b.family && a.first <= b.last && b.first <= a.last;
}

export function validCidr6(value: unknown): value is string {
  return typeof value === "string" && /^[0-9a-fA-F:]+\/\d{1,3}$/.test(value) && Address6.isValid(value);
}

/** Every prefix of a subnet: `addressPrefixes` when it has several (dual-stack), else `addressPrefix`. */
export function subnetPrefixes(properties: Record<string, unknown>): string[] {
  const list = properties.addressPrefixes;
  if (Array.isArray(list)) return list.map(String);
  return typeof properties.addressPrefix === "string" ? [properties.addressPrefix] : [];
}

/** A subnet's IPv4 prefix (the one AKS sizes node IPs against). */
export function ipv4Prefix(properties: Record<string, unknown>): string {
  return subnetPrefixes(properties).find((prefix) => !prefix.includes(":")) ?? "";
}

/** A subnet's IPv6 prefix, when it is dual-stack. */
export function ipv6Prefix(properties: Record<string, unknown>): string | null {
  return subnetPrefixes(properties).find((prefix) => prefix.includes(":")) ?? null;
}

export function validCidr(value: unknown): value is string {
  if (typeof value !== "string" || !/^\d{1,3}(\.\d{1,3}){3}\/\d{1,2}$/.test(value)) return false;
  try {
    rangeOf(value);
    return Number(value.split("/")[1]) <= 32;
  } catch {
    return false;
  }
}

export function subnetsOf(ctx: ArmContext, vnetId: string): StoredResource[] {
  const prefix = `${vnetId.toLowerCase()}/subnets/`;
  return ctx.state
    .ofType("Microsoft.Network/virtualNetworks/subnets")
    .filter((subnet) => subnet.id.toLowerCase().startsWith(prefix));
}

function vnetId(r: SimRequest): string {
  return `${rgId(r.params[0] ?? "", r.params[1] ?? "")}/providers/Microsoft.Network/virtualNetworks/${r.params[2] ?? ""}`;
}

function vnetBody(ctx: ArmContext, vnet: StoredResource): Record<string, unknown> {
  return {
    ...vnet.body,
    properties: { ...props(vnet), subnets: subnetsOf(ctx, vnet.id).map((subnet) => subnet.body) },
  };
}

export function networkRoutes(ctx: ArmContext): Route[] {
  ctx.onComplete("network.settle", (id) => {
    const resource = ctx.state.get(id);
    if (resource !== undefined) props(resource).provisioningState = "Succeeded";
  });
  const vnetPath = `${RG}/providers/Microsoft.Network/virtualNetworks/${NAME}`;
  return [
    route("PUT", vnetPath, (r) => putVnet(ctx, r)),
    route("GET", vnetPath, (r) => {
      const vnet = ctx.state.get(vnetId(r));
      return vnet === undefined
        ? armError(
            404,
            "ResourceNotFound",
            `The Resource 'Microsoft.Network/virtualNetworks/${r.params[2] ?? ""}' under resource group '${r.params[1] ?? ""}' was not found.`,
          )
        : json(200, vnetBody(ctx, vnet), { ETag: String(vnet.body.etag) });
    }),
    route("GET", `${vnetPath}/subnets`, (r) => json(200, { value: subnetsOf(ctx, vnetId(r)).map((s) => s.body) })),
    route("PUT", `${vnetPath}/subnets/${NAME}`, (r) => putSubnet(ctx, r)),
    route("GET", `${vnetPath}/subnets/${NAME}`, (r) => {
      const subnet = ctx.state.get(`${vnetId(r)}/subnets/${r.params[3] ?? ""}`);
      return subnet === undefined
        ? armError(404, "NotFound", `Resource ${r.path} not found.`, { details: [] })
        : json(200, subnet.body, { ETag: String(subnet.body.etag) });
    }),
    route("GET", `/subscriptions/[^/]+/providers/Microsoft.Network/locations/[^/]+/operations/([^/]+)`, (r) => {
      const operation = ctx.operation(r.params[0] ?? "");
      if (operation === undefined)
        return armError(404, "OperationNotFound", `The operation '${r.params[0] ?? ""}' could not be found.`);
      const { status, body } = ctx.operationBody(operation);
      return json(200, body, status === "InProgress" ? ctx.pollHeaders() : {});
    }),
    route("GET", `${RG}/providers/Microsoft.Network/routeTables`, (r) => {
      const prefix = rgId(r.params[0] ?? "", r.params[1] ?? "").toLowerCase();
      return json(200, {
        value: ctx.state
          .ofType("Microsoft.Network/routeTables")
          .filter((t) => t.id.toLowerCase().startsWith(`${prefix}/`))
          .map((t) => t.body),
      });
    }),
  ];
}

/** Each of a subnet's prefixes (one per family) checked as NRP checks the single one. */
function validateSubnet(
  properties: Record<string, unknown>,
  name: string,
  vnetPrefixes: string[],
  siblings: { name: string; prefix: string }[],
): SimResponse | null {
  const prefixes = properties.addressPrefixes === undefined ? [properties.addressPrefix] : properties.addressPrefixes;
  if (!Array.isArray(prefixes) || prefixes.length === 0) return validatePrefix(undefined, name, vnetPrefixes, siblings);
  const families = prefixes.map((prefix) => (String(prefix).includes(":") ? 6 : 4));
  if (new Set(families).size !== families.length)
    return armError(
      400,
      "InvalidAddressPrefixFormat",
      `Subnet '${name}' can have at most one address prefix per IP family, got ${prefixes.map(String).join(",")}.`,
      { details: [] },
    );
  for (const prefix of prefixes as unknown[]) {
    const invalid = validatePrefix(prefix, name, vnetPrefixes, siblings);
    if (invalid !== null) return invalid;
  }
  return null;
}

function validatePrefix(
  prefix: unknown,
  name: string,
  vnetPrefixes: string[],
  siblings: { name: string; prefix: string }[],
): SimResponse | null {
  if (!validCidr(prefix) && !validCidr6(prefix))
    return armError(
      400,
      "InvalidCIDRNotation",
      `The address prefix ${String(prefix)} in resource subnets/${name} has an invalid CIDR notation.`,
      { details: [] },
    );
  if (!vnetPrefixes.some((outer) => within(prefix, outer)))
    return armError(
      400,
      "NetcfgSubnetRangeOutsideVnet",
      `Subnet '${name}' is not valid because its IP address range is outside the IP address range of virtual network.`,
      { details: [] },
    );
  const clash = siblings.find(
    (sibling) => sibling.name.toLowerCase() !== name.toLowerCase() && overlap(sibling.prefix, prefix),
  );
  if (clash !== undefined)
    return armError(
      400,
      "NetcfgSubnetRangesOverlap",
      `Subnet '${name}' is not valid because its IP address range overlaps with that of an existing subnet '${clash.name}' in virtual network.`,
      { details: [] },
    );
  return null;
}

function subnetResource(
  ctx: ArmContext,
  parent: string,
  name: string,
  properties: Record<string, unknown>,
  existing?: StoredResource,
): StoredResource {
  const id = `${parent}/subnets/${name}`;
  const previous = existing === undefined ? {} : props(existing);
  const prefixes = subnetPrefixes(properties);
  return {
    id,
    type: "Microsoft.Network/virtualNetworks/subnets",
    createdAt: existing?.createdAt ?? ctx.state.now(),
    body: {
      name,
      id,
      etag: etag(),
      type: "Microsoft.Network/virtualNetworks/subnets",
      properties: {
        provisioningState: "Succeeded",
        ...(prefixes.length > 1 ? { addressPrefixes: prefixes } : { addressPrefix: prefixes[0] }),
        delegations: properties.delegations ?? previous.delegations ?? [],
        // A subnet PUT is the whole truth: a route table it leaves out is detached, as in real NRP.
        ...(properties.routeTable === undefined ? {} : { routeTable: properties.routeTable }),
        ...(properties.natGateway === undefined ? {} : { natGateway: properties.natGateway }),
        privateEndpointNetworkPolicies: "Disabled",
        privateLinkServiceNetworkPolicies: "Enabled",
      },
    },
  };
}

/** NRP: a PUT answers 201/200 with provisioningState Updating and an Azure-AsyncOperation to poll. */
export function completeLater(
  ctx: ArmContext,
  r: SimRequest,
  location: string,
  resource: StoredResource,
  created: boolean,
): SimResponse {
  props(resource).provisioningState = "Updating";
  const operation = ctx.startOperation(vnetCreateMs, "network.settle", resource.id);
  const apiVersion = r.query.get("api-version") ?? "2025-05-01";
  const body = resource.type === "Microsoft.Network/virtualNetworks" ? vnetBody(ctx, resource) : resource.body;
  return json(created ? 201 : 200, body, {
    "Azure-AsyncOperation": `${r.origin}/subscriptions/${r.params[0] ?? ""}/providers/Microsoft.Network/locations/${location}/operations/${operation.id}?api-version=${apiVersion}&t=${Date.now()}`,
    ...ctx.pollHeaders(),
  });
}

function putVnet(ctx: ArmContext, r: SimRequest): SimResponse {
  const { state } = ctx;
  const [sub = "", rg = "", name = ""] = r.params;
  if (ctx.groupExists(sub, rg) === undefined) return ctx.missingGroup(rg);
  const body = (r.body ?? {}) as {
    location?: string;
    tags?: Record<string, string>;
    properties?: {
      addressSpace?: { addressPrefixes?: string[] };
      subnets?: { name?: string; properties?: Record<string, unknown> }[];
    };
  };
  const prefixes = body.properties?.addressSpace?.addressPrefixes ?? [];
  if (
    prefixes.length === 0 ||
    !prefixes.every((prefix) => validCidr(prefix) || validCidr6(prefix)) ||
    !prefixes.some((prefix) => validCidr(prefix))
  )
    return armError(
      400,
      "InvalidAddressPrefixFormat",
      `Address prefix ${prefixes.join(",")} of resource ${name} is not formatted correctly.`,
      { details: [] },
    );
  const subnets = (body.properties?.subnets ?? []).map((subnet) => ({
    name: subnet.name ?? "",
    properties: subnet.properties ?? {},
  }));
  const seen: { name: string; prefix: string }[] = [];
  for (const subnet of subnets) {
    const invalid =
      validateSubnet(subnet.properties, subnet.name, prefixes, seen) ??
      checkSubnetReferences(ctx, `${vnetId(r)}/subnets/${subnet.name}`, subnet.properties);
    if (invalid !== null) return invalid;
    seen.push(...subnetPrefixes(subnet.properties).map((prefix) => ({ name: subnet.name, prefix })));
  }
  const id = vnetId(r);
  const existing = state.get(id);
  const vnet: StoredResource = {
    id,
    type: "Microsoft.Network/virtualNetworks",
    createdAt: existing?.createdAt ?? state.now(),
    body: {
      name,
      id,
      etag: etag(),
      type: "Microsoft.Network/virtualNetworks",
      location: body.location,
      ...(body.tags === undefined ? {} : { tags: body.tags }),
      properties: {
        provisioningState: "Updating",
        resourceGuid: existing === undefined ? randomUUID() : props(existing).resourceGuid,
        addressSpace: { addressPrefixes: prefixes },
        virtualNetworkPeerings: [],
        enableDdosProtection: false,
      },
    },
  };
  state.put(vnet);
  // A VNet PUT is the whole truth: subnets it does not list are removed, as in real ARM.
  for (const old of subnetsOf(ctx, id)) {
    if (!subnets.some((subnet) => lowerEq(subnet.name, String(old.body.name)))) state.delete(old.id);
  }
  for (const subnet of subnets)
    state.put(subnetResource(ctx, id, subnet.name, subnet.properties, state.get(`${id}/subnets/${subnet.name}`)));
  return completeLater(ctx, r, String(body.location ?? "eastus"), vnet, existing === undefined);
}

function putSubnet(ctx: ArmContext, r: SimRequest): SimResponse {
  const { state } = ctx;
  const vnet = state.get(vnetId(r));
  const name = r.params[3] ?? "";
  if (vnet === undefined) return armError(404, "NotFound", `Resource ${vnetId(r)} not found.`, { details: [] });
  const properties = ((r.body ?? {}) as { properties?: Record<string, unknown> }).properties ?? {};
  const prefixes = (props(vnet).addressSpace as { addressPrefixes: string[] }).addressPrefixes;
  const siblings = subnetsOf(ctx, vnet.id).flatMap((subnet) =>
    subnetPrefixes(props(subnet)).map((prefix) => ({ name: String(subnet.body.name), prefix })),
  );
  const invalid =
    validateSubnet(properties, name, prefixes, siblings) ??
    checkSubnetReferences(ctx, `${vnet.id}/subnets/${name}`, properties);
  if (invalid !== null) return invalid;
  const existing = state.get(`${vnet.id}/subnets/${name}`);
  const subnet = subnetResource(ctx, vnet.id, name, properties, existing);
  state.put(subnet);
  return completeLater(ctx, r, text(vnet.body.location, "eastus"), subnet, existing === undefined);
}

/** The id in an ARM reference (`{ id }`), or null. */
export const refId = (ref: unknown): string | null => {
  const id = (ref as { id?: unknown } | undefined)?.id;
  return typeof id === "string" ? id : null;
};

/**
 * NRP refuses a subnet that points at a NAT gateway or route table that does not exist, and a NAT gateway is Standard
 * only on subnets (the reference must resolve when the subnet is written).
 */
export function checkSubnetReferences(
  ctx: ArmContext,
  subnetId: string,
  properties: Record<string, unknown>,
): SimResponse | null {
  for (const field of ["natGateway", "routeTable"] as const) {
    const target = refId(properties[field]);
    if (target !== null && ctx.state.get(target) === undefined)
      return armError(
        400,
        "InvalidResourceReference",
        `Resource ${target} referenced by resource ${subnetId} was not found. Please make sure that the referenced resource exists, and that both resources are in the same region.`,
        { details: [] },
      );
  }
  return null;
}

/**
 * The VNet AKS builds in the node resource group when a cluster PUT names no node subnet (aks-docs
 * configure-kubenet.md and concepts-network.md: `aks-vnet-<number>` 10.224.0.0/12 with `aks-subnet` 10.224.0.0/16),
 * written before the cluster is validated and removed again if the PUT is refused.
 */
export function putAksManagedVnet(
  ctx: ArmContext,
  sub: string,
  nodeResourceGroup: string,
  location: string,
  clusterId: string,
): { subnetId: string; remove: () => void } {
  const digits = [...clusterId.toLowerCase()].reduce((sum, char) => (sum * 31 + char.charCodeAt(0)) % 90_000_000, 7);
  const id = `${rgId(sub, nodeResourceGroup)}/providers/Microsoft.Network/virtualNetworks/aks-vnet-${10_000_000 + digits}`;
  const existing = ctx.state.get(id);
  const subnetId = `${id}/subnets/aks-subnet`;
  if (existing !== undefined) return { subnetId, remove: () => undefined };
  ctx.state.put({
    id,
    type: "Microsoft.Network/virtualNetworks",
    createdAt: ctx.state.now(),
    body: {
      name: id.split("/").pop(),
      id,
      etag: etag(),
      type: "Microsoft.Network/virtualNetworks",
      location,
      properties: {
        provisioningState: "Succeeded",
        resourceGuid: randomUUID(),
        addressSpace: { addressPrefixes: ["10.224.0.0/12"] },
        virtualNetworkPeerings: [],
        enableDdosProtection: false,
      },
    },
  });
  ctx.state.put(subnetResource(ctx, id, "aks-subnet", { addressPrefix: "10.224.0.0/16" }));
  return {
    subnetId,
    remove: () => {
      ctx.state.delete(subnetId);
      ctx.state.delete(id);
    },
  };
}
