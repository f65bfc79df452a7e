/**
 * Which subscriptions and resource groups a normalised request touches: the cluster's own, and every place a resource
 * it creates or references lives (the VNet with all its subnets, a NAT gateway or route table given by id). The
 * access policy, the subscription allow-list and the live permission check all ask this one function, so a field
 * added later that points elsewhere is checked by all three once it is listed here.
 */
import type { ClusterRequest, NetworkResourceRef } from "./clusterRequest.js";

export interface TouchedScope {
  subscriptionId: string;
  resourceGroup: string;
  /** The request fields that put something here, first the one a refusal names. */
  fields: string[];
  /** The ARM scope: /subscriptions/{id}/resourceGroups/{name}. */
  scope: string;
}

/** Subscription ids and group names compare without case, as ARM compares them. */
export function scopeKey(at: { subscriptionId: string; resourceGroup: string }): string {
  return `${at.subscriptionId.toLowerCase()}/${at.resourceGroup.toLowerCase()}`;
}

export function armScope(at: { subscriptionId: string; resourceGroup: string }): string {
  return `/subscriptions/${at.subscriptionId}/resourceGroups/${at.resourceGroup}`;
}

/** The field that says where a network resource lives: its id when it exists, else the field that placed it. */
function vnetField(request: ClusterRequest): string {
  const { vnet } = request.network;
  if (vnet.existing) return "network.vnet.id";
  return vnet.resourceGroup.toLowerCase() === request.resourceGroup.toLowerCase()
    ? "network.vnet"
    : "network.vnet.resourceGroup";
}

function egressRefs(request: ClusterRequest): { ref: NetworkResourceRef; field: string }[] {
  const { natGateway, routeTable } = request.network.outbound;
  return [
    ...(natGateway === null ? [] : [{ ref: natGateway, field: "network.outbound.natGateway" }]),
    ...(routeTable === null ? [] : [{ ref: routeTable, field: "network.outbound.routeTable" }]),
  ].map(({ ref, field }) => ({ ref, field: ref.existing ? `${field}.id` : field }));
}

/** Every scope the request touches, the cluster's first; fields naming the same scope are merged. */
export function requestScopes(request: ClusterRequest): TouchedScope[] {
  const { vnet } = request.network;
  const placed: { at: { subscriptionId: string; resourceGroup: string }; fields: string[] }[] = [
    // The cluster, its identity and (when created) the egress resources without an id.
    { at: request, fields: ["resourceGroup"] },
    // Every subnet (node, pod, API server, each pool's) and the role assignments on them live in the VNet's group.
    { at: vnet, fields: [vnetField(request)] },
    ...egressRefs(request).map(({ ref, field }) => ({ at: ref, fields: [field] })),
  ];
  const scopes = new Map<string, TouchedScope>();
  for (const { at, fields } of placed) {
    const key = scopeKey(at);
    const known = scopes.get(key);
    if (known === undefined) {
      scopes.set(key, {
        subscriptionId: at.subscriptionId,
        resourceGroup: at.resourceGroup,
        fields,
        scope: armScope(at),
      });
    } else {
      known.fields.push(...fields.filter((field) => !known.fields.includes(field)));
    }
  }
  return [...scopes.values()];
}
