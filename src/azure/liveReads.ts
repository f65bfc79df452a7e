/**
 * The reads behind a live what-if (POST /api/plans?live=true): GET, HEAD and list calls only, nothing created. The
 * subscription is probed first (its Microsoft.ContainerService registration), so a bad or unreachable subscription
 * is one clear failure; every later read that fails becomes a warning on the checks that needed it. Transient ARM
 * faults (429, 5xx, dropped connections) are retried by the SDK pipeline's own retry policies.
 *
 * Two endpoints have no client in this app's SDK set: Microsoft.Compute usages (adding @azure/arm-compute for one
 * list call would be the app's largest dependency) and permissions at subscription scope (not in the
 * arm-authorization client). Both go through an existing client's pipeline, with its token, TLS and retry policies.
 */
import type { VirtualNetwork } from "@azure/arm-network";
import { createPipelineRequest, RestError } from "@azure/core-rest-pipeline";
import type { ClusterRequest } from "../domain/clusterRequest.js";
import type {
  ComputeUsage,
  ExistingVnet,
  LiveFacts,
  PermissionSet,
  PermissionsAt,
  Read,
} from "../domain/live/facts.js";
import { containerServiceNamespace } from "../domain/live/checks/registration.js";
import { requestScopes, scopeKey } from "../domain/requestScopes.js";
import type { AzureClientFactory, AzureClients } from "./clients.js";
import { isNotFound, toServiceFailure, type ServiceFailure } from "./serviceFailure.js";

const computeApiVersion = "2024-07-01";
const authorizationApiVersion = "2022-04-01";

/** The subscription itself could not be read: the whole live plan is answered with this. */
export class SubscriptionUnreachable extends Error {
  constructor(readonly failure: ServiceFailure) {
    super(failure.message);
  }
}

async function read<T>(body: () => Promise<T>): Promise<Read<T>> {
  try {
    return { ok: true, value: await body() };
  } catch (error) {
    const failure = toServiceFailure(error);
    return { ok: false, code: failure.code, message: failure.message };
  }
}

/** GET through a client's pipeline, following nextLink; a non-2xx answer throws the RestError the SDK would. */
async function listVia<T>(clients: AzureClients, endpoint: string, path: string): Promise<T[]> {
  const items: T[] = [];
  let url: string | undefined = `${endpoint.replace(/\/+$/, "")}${path}`;
  while (url !== undefined) {
    const request = createPipelineRequest({ url, method: "GET" });
    const response = await clients.resources.sendRequest(request);
    const body: unknown = response.bodyAsText == null ? null : JSON.parse(response.bodyAsText);
    const page = (typeof body === "object" && body !== null ? body : {}) as {
      value?: T[];
      nextLink?: string;
      error?: { code?: string; message?: string };
    };
    if (response.status >= 300) {
      throw new RestError(page.error?.message ?? `HTTP ${response.status}`, {
        code: page.error?.code ?? `Http${response.status}`,
        statusCode: response.status,
        request,
        response,
      });
    }
    items.push(...(page.value ?? []));
    url = page.nextLink ?? undefined;
  }
  return items;
}

interface UsageWire {
  name?: { value?: string; localizedValue?: string };
  currentValue?: number;
  limit?: number;
}

async function computeUsages(clients: AzureClients, endpoint: string, location: string): Promise<ComputeUsage[]> {
  const rows = await listVia<UsageWire>(
    clients,
    endpoint,
    `/subscriptions/${clients.subscriptionId}/providers/Microsoft.Compute/locations/${encodeURIComponent(location)}/usages?api-version=${computeApiVersion}`,
  );
  return rows.map((row) => ({
    name: row.name?.value ?? "",
    localizedName: row.name?.localizedValue ?? "",
    currentValue: row.currentValue ?? 0,
    limit: row.limit ?? 0,
  }));
}

function toPermissionSets(entries: { actions?: string[]; notActions?: string[] }[]): PermissionSet[] {
  return entries.map((entry) => ({ actions: entry.actions ?? [], notActions: entry.notActions ?? [] }));
}

/** Permissions at the resource group when it exists, else at its subscription (where creating the group is decided). */
async function permissionsAt(
  clients: AzureClients,
  endpoint: string,
  target: PermissionsAt["target"],
  resourceGroup: string,
  groupExists: boolean,
): Promise<PermissionsAt> {
  const subscription = `/subscriptions/${clients.subscriptionId}`;
  if (groupExists) {
    const scope = `${subscription}/resourceGroups/${resourceGroup}`;
    const entries = await read(async () => {
      const found: PermissionSet[] = [];
      for await (const entry of clients.authorization.permissions.listForResourceGroup(resourceGroup)) {
        found.push(...toPermissionSets([entry]));
      }
      return found;
    });
    return { target, scope, read: entries };
  }
  const entries = await read(async () =>
    toPermissionSets(
      await listVia(
        clients,
        endpoint,
        `${subscription}/providers/Microsoft.Authorization/permissions?api-version=${authorizationApiVersion}`,
      ),
    ),
  );
  return { target, scope: subscription, read: entries };
}

function toExistingVnet(vnet: VirtualNetwork): ExistingVnet {
  return {
    id: vnet.id ?? "",
    addressPrefixes: vnet.addressSpace?.addressPrefixes ?? [],
    subnets: (vnet.subnets ?? []).map((subnet) => ({
      name: subnet.name ?? "",
      id: subnet.id ?? "",
      addressPrefixes: subnet.addressPrefixes ?? (subnet.addressPrefix === undefined ? [] : [subnet.addressPrefix]),
    })),
  };
}

async function groupExists(clients: AzureClients, resourceGroup: string): Promise<boolean> {
  return (await clients.resources.resourceGroups.checkExistence(resourceGroup)).body;
}

async function featureState(clients: AzureClients, feature: string): Promise<string> {
  const [namespace = "", name = ""] = feature.split("/");
  try {
    const found = await clients.features.features.get(namespace, name);
    return found.properties?.state ?? "Unknown";
  } catch (error) {
    // ARM forgets a preview flag once it is GA (PodSubnetPreview did in 2022): nothing to register.
    if (isNotFound(error)) return "NotNeeded";
    throw error;
  }
}

/** `endpoint` is the ARM endpoint the clients were built for (the SDK clients do not expose it). */
export async function readLiveFacts(
  clientsFor: AzureClientFactory,
  endpoint: string,
  request: ClusterRequest,
): Promise<LiveFacts> {
  const clients = clientsFor(request.subscriptionId);
  let provider: string;
  try {
    provider = (await clients.resources.providers.get(containerServiceNamespace)).registrationState ?? "Unknown";
  } catch (error) {
    throw new SubscriptionUnreachable(toServiceFailure(error));
  }
  const { vnet } = request.network;
  const vnetClients = clientsFor(vnet.subscriptionId || request.subscriptionId);
  const [usages, vnetRead, resourceGroupExists, features] = await Promise.all([
    read(() => computeUsages(clients, endpoint, request.location)),
    read(async () => {
      try {
        return toExistingVnet(await vnetClients.network.virtualNetworks.get(vnet.resourceGroup, vnet.name));
      } catch (error) {
        if (isNotFound(error)) return null;
        throw error;
      }
    }),
    read(() => groupExists(clients, request.resourceGroup)),
    Promise.all(
      request.features.map(async (feature) => ({ feature, state: await read(() => featureState(clients, feature)) })),
    ),
  ]);
  // Every scope the request touches, as the access policy and the allow-list see them: the cluster's first.
  const [home, ...elsewhere] = requestScopes(request);
  const exists = (group: Read<boolean>) => !group.ok || group.value;
  const permissions = await Promise.all([
    ...(home === undefined
      ? []
      : [permissionsAt(clients, endpoint, scopeKey(home), home.resourceGroup, exists(resourceGroupExists))]),
    ...elsewhere.map(async (at) => {
      const atClients = clientsFor(at.subscriptionId);
      const found = await read(() => groupExists(atClients, at.resourceGroup));
      return permissionsAt(atClients, endpoint, scopeKey(at), at.resourceGroup, exists(found));
    }),
  ]);
  return {
    usages,
    vnet: vnetRead,
    resourceGroupExists,
    provider: { ok: true, value: provider },
    features,
    permissions,
  };
}
