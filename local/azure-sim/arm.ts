/**
 * The ARM subset the product uses, with the status codes, headers, bodies and long-running-operation styles real ARM
 * uses per provider (see shared/research/arm-api.md): resource groups, providers, features, VNets and subnets, route
 * tables, user-assigned identities, role assignments and managed clusters.
 */
import { randomUUID } from "node:crypto";
import { armError, json, route, type Route, type SimRequest, type SimResponse } from "./http.js";
import { SimCluster, ipText, kubeconfigFor, rangeOf, type ClusterNetwork, type SimNetworkMode } from "./kubernetes.js";
import type { AsyncOperation, SimulatorState, StoredResource } from "./state.js";

const SUB = "/subscriptions/([^/]+)";
const RG = `${SUB}/resourcegroups/([^/]+)`;
const NAME = "([^/]+)";
const networkContributor = "4d97b98b-1d4f-4787-a291-c67834d212e7";
const contributor = "b24988ac-6180-42a0-ab88-20f7382dd24c";

/** AKS create phases as recordings show them, with their share of the ~3.5 minute create. */
const aksPhases: [number, string][] = [
  [0, "InProgress"],
  [0.15, "ProvisioningControlPlane"],
  [0.35, "ReconcilingDNS"],
  [0.45, "CreatingAgentPools: 0/{n} nodes completed"],
  [0.85, "ReconcilingAddons"],
];
const aksCreateMs = 210_000;
const vnetCreateMs = 3_000;
const deleteClusterMs = 60_000;
const deleteGroupMs = 30_000;

interface ClusterRecord {
  cluster: SimCluster | null;
  operationEndsAt: number;
  failure: { code: string; message: string } | null;
  finished: boolean;
}

const lowerEq = (a: string | undefined, b: string | undefined) => (a ?? "").toLowerCase() === (b ?? "").toLowerCase();

/** A string field of a loosely typed request body, or the fallback. */
function text(value: unknown, fallback: string): string {
  return typeof value === "string" ? value : fallback;
}

function rgId(sub: string, rg: string): string {
  return `/subscriptions/${sub}/resourceGroups/${rg}`;
}

function props(resource: StoredResource): Record<string, unknown> {
  return resource.body.properties as Record<string, unknown>;
}

function etag(): string {
  return `W/"${randomUUID()}"`;
}

function within(inner: string, outer: string): boolean {
  const a = rangeOf(inner);
  const b = rangeOf(outer);
  return a.first >= b.first && a.first + a.size <= b.first + b.size;
}

function overlap(x: string, y: string): boolean {
  const a = rangeOf(x);
  const b = rangeOf(y);
  return a.first < b.first + b.size && b.first < a.first + a.size;
}

function validCidr(text: unknown): text is string {
  if (typeof text !== "string" || !/^\d{1,3}(\.\d{1,3}){3}\/\d{1,2}$/.test(text)) return false;
  try {
    rangeOf(text);
    return Number(text.split("/")[1]) <= 32;
  } catch {
    return false;
  }
}

export class ArmSimulator {
  private readonly clusters = new Map<string, ClusterRecord>();
  private readonly featureRegisteredAt = new Map<string, number>();
  readonly kubernetes = new Map<string, SimCluster>();

  constructor(
    private readonly state: SimulatorState,
    private readonly caCertPem: () => string,
  ) {}

  reset(): void {
    this.clusters.clear();
    this.featureRegisteredAt.clear();
    this.kubernetes.clear();
  }

  private asyncHeaders(request: SimRequest, operationPath: string, apiVersion: string): Record<string, string> {
    const headers: Record<string, string> = {
      "Azure-AsyncOperation": `${request.origin}${operationPath}?api-version=${apiVersion}&t=${Date.now()}`,
    };
    if (this.state.config.emitRetryAfter) headers["Retry-After"] = this.retryAfter(10);
    return headers;
  }

  private pollHeaders(): Record<string, string> {
    return this.state.config.emitRetryAfter ? { "Retry-After": this.retryAfter(10) } : {};
  }

  /** Real ARM's Retry-After seconds on the simulated clock (at least 1: the SDK ignores 0). */
  private retryAfter(seconds: number): string {
    return String(Math.max(1, Math.round(seconds * this.state.config.timeScale)));
  }

  private groupExists(sub: string, rg: string): StoredResource | undefined {
    const group = this.state.get(rgId(sub, rg));
    return group !== undefined && props(group).provisioningState !== "Deleting" ? group : undefined;
  }

  private missingGroup(rg: string): SimResponse {
    return armError(404, "ResourceGroupNotFound", `Resource group '${rg}' could not be found.`);
  }

  private notFound(type: string, name: string, rg: string): SimResponse {
    return armError(
      404,
      "ResourceNotFound",
      `The Resource '${type}/${name}' under resource group '${rg}' was not found. For more details please go to https://aka.ms/ARMResourceNotFoundFix`,
    );
  }

  routes(): Route[] {
    return [
      // Resource groups (arm-resources 2025-04-01): synchronous PUT, DELETE as 202 + Location.
      route("PUT", RG, (r) => this.putGroup(r)),
      route("GET", RG, (r) => {
        const [sub = "", rg = ""] = r.params;
        const group = this.state.get(rgId(sub, rg));
        return group === undefined ? this.missingGroup(rg) : json(200, group.body);
      }),
      // A group being deleted still exists (204) until the delete completes.
      route("HEAD", RG, (r) => ({
        status: this.state.get(rgId(r.params[0] ?? "", r.params[1] ?? "")) === undefined ? 404 : 204,
      })),
      route("DELETE", RG, (r) => this.deleteGroup(r)),
      route("GET", `${SUB}/operationresults/([^/]+)`, (r) => {
        const operation = this.state.operations.get(r.params[1] ?? "");
        if (operation === undefined) return armError(404, "NotFound", "Operation not found.");
        const { status } = operation.status();
        return status === "Succeeded"
          ? { status: 200 }
          : {
              status: 202,
              headers: { Location: `${r.origin}${r.path}?api-version=2025-04-01`, ...this.pollHeaders() },
            };
      }),
      // Providers and features.
      route("POST", `${SUB}/providers/${NAME}/register`, (r) =>
        json(200, this.provider(r.params[0] ?? "", r.params[1] ?? "")),
      ),
      route("GET", `${SUB}/providers/${NAME}`, (r) => json(200, this.provider(r.params[0] ?? "", r.params[1] ?? ""))),
      route("POST", `${SUB}/providers/Microsoft.Features/providers/${NAME}/features/${NAME}/register`, (r) =>
        this.feature(r, true),
      ),
      route("GET", `${SUB}/providers/Microsoft.Features/providers/${NAME}/features/${NAME}`, (r) =>
        this.feature(r, false),
      ),
      // Network (2025-05-01): PUT 201 + Azure-AsyncOperation, final GET on the resource.
      route("PUT", `${RG}/providers/Microsoft.Network/virtualNetworks/${NAME}`, (r) => this.putVnet(r)),
      route("GET", `${RG}/providers/Microsoft.Network/virtualNetworks/${NAME}`, (r) => {
        const vnet = this.state.get(this.vnetId(r));
        return vnet === undefined
          ? armError(
              404,
              "ResourceNotFound",
              `The Resource 'Microsoft.Network/virtualNetworks/${r.params[2] ?? ""}' under resource group '${r.params[1] ?? ""}' was not found.`,
            )
          : json(200, this.vnetBody(vnet), { ETag: String(vnet.body.etag) });
      }),
      route("PUT", `${RG}/providers/Microsoft.Network/virtualNetworks/${NAME}/subnets/${NAME}`, (r) =>
        this.putSubnet(r),
      ),
      route("GET", `${RG}/providers/Microsoft.Network/virtualNetworks/${NAME}/subnets/${NAME}`, (r) => {
        const subnet = this.state.get(`${this.vnetId(r)}/subnets/${r.params[3] ?? ""}`);
        return subnet === undefined
          ? armError(404, "NotFound", `Resource ${r.path} not found.`, { details: [] })
          : json(200, subnet.body);
      }),
      route("GET", `/subscriptions/[^/]+/providers/Microsoft.Network/locations/[^/]+/operations/([^/]+)`, (r) =>
        this.operationStatus(r.params[0] ?? ""),
      ),
      route("GET", `${RG}/providers/Microsoft.Network/routeTables`, (r) => {
        const prefix = rgId(r.params[0] ?? "", r.params[1] ?? "").toLowerCase();
        return json(200, {
          value: this.state
            .ofType("Microsoft.Network/routeTables")
            .filter((t) => t.id.toLowerCase().startsWith(`${prefix}/`))
            .map((t) => t.body),
        });
      }),
      route("GET", `${RG}/providers/Microsoft.Network/routeTables/${NAME}`, (r) => {
        const table = this.state.get(
          `${rgId(r.params[0] ?? "", r.params[1] ?? "")}/providers/Microsoft.Network/routeTables/${r.params[2] ?? ""}`,
        );
        return table === undefined
          ? armError(
              404,
              "ResourceNotFound",
              `The Resource 'Microsoft.Network/routeTables/${r.params[2] ?? ""}' was not found.`,
            )
          : json(200, table.body);
      }),
      // Managed identities (2024-11-30): synchronous.
      route("PUT", `${RG}/providers/Microsoft.ManagedIdentity/userAssignedIdentities/${NAME}`, (r) =>
        this.putIdentity(r),
      ),
      route("GET", `${RG}/providers/Microsoft.ManagedIdentity/userAssignedIdentities/${NAME}`, (r) => {
        const identity = this.state.get(this.identityId(r.params[0] ?? "", r.params[1] ?? "", r.params[2] ?? ""));
        return identity === undefined
          ? this.notFound("Microsoft.ManagedIdentity/userAssignedIdentities", r.params[2] ?? "", r.params[1] ?? "")
          : json(200, identity.body);
      }),
      route("DELETE", `${RG}/providers/Microsoft.ManagedIdentity/userAssignedIdentities/${NAME}`, (r) => ({
        status: this.state.delete(this.identityId(r.params[0] ?? "", r.params[1] ?? "", r.params[2] ?? "")) ? 200 : 204,
      })),
      // Role assignments (2022-04-01) at any scope.
      route("PUT", `(/subscriptions/.+)/providers/Microsoft.Authorization/roleAssignments/${NAME}`, (r) =>
        this.putRoleAssignment(r),
      ),
      route("GET", `(/subscriptions/.+)/providers/Microsoft.Authorization/roleAssignments/${NAME}`, (r) => {
        const assignment = this.state.get(
          `${r.params[0] ?? ""}/providers/Microsoft.Authorization/roleAssignments/${r.params[1] ?? ""}`,
        );
        return assignment === undefined
          ? armError(404, "RoleAssignmentNotFound", "The role assignment does not exist.")
          : json(200, assignment.body);
      }),
      route("DELETE", `(/subscriptions/.+)/providers/Microsoft.Authorization/roleAssignments/${NAME}`, (r) => {
        const id = `${r.params[0] ?? ""}/providers/Microsoft.Authorization/roleAssignments/${r.params[1] ?? ""}`;
        const assignment = this.state.get(id);
        if (assignment === undefined) return { status: 204 };
        this.state.delete(id);
        return json(200, assignment.body);
      }),
      route("GET", `(/subscriptions/.+)/providers/Microsoft.Authorization/roleAssignments`, (r) =>
        this.listRoleAssignments(r),
      ),
      // Managed clusters (2026-04-01).
      route("PUT", `${RG}/providers/Microsoft.ContainerService/managedClusters/${NAME}`, (r) => this.putCluster(r)),
      route("GET", `${RG}/providers/Microsoft.ContainerService/managedClusters/${NAME}`, (r) => {
        const cluster = this.state.get(this.clusterId(r));
        return cluster === undefined
          ? this.notFound("Microsoft.ContainerService/managedClusters", r.params[2] ?? "", r.params[1] ?? "")
          : json(200, this.clusterBody(cluster));
      }),
      route("DELETE", `${RG}/providers/Microsoft.ContainerService/managedClusters/${NAME}`, (r) =>
        this.deleteCluster(r),
      ),
      route(
        "POST",
        `${RG}/providers/Microsoft.ContainerService/managedClusters/${NAME}/listClusterAdminCredential`,
        (r) => this.credentials(r, "clusterAdmin"),
      ),
      route(
        "POST",
        `${RG}/providers/Microsoft.ContainerService/managedClusters/${NAME}/listClusterUserCredential`,
        (r) => this.credentials(r, "clusterUser"),
      ),
      route(
        "GET",
        `/subscriptions/[^/]+/providers/Microsoft.ContainerService/locations/[^/]+/operations/([^/]+)`,
        (r) => this.operationStatus(r.params[0] ?? ""),
      ),
      route(
        "GET",
        `/subscriptions/[^/]+/providers/Microsoft.ContainerService/locations/[^/]+/operationresults/([^/]+)`,
        (r) => {
          const operation = this.state.operations.get(r.params[0] ?? "");
          return operation === undefined || operation.status().status !== "Succeeded"
            ? { status: 202, headers: this.pollHeaders() }
            : { status: 204 };
        },
      ),
    ];
  }

  // --- resource groups ---

  private putGroup(r: SimRequest): SimResponse {
    const [sub = "", rg = ""] = r.params;
    const body = (r.body ?? {}) as { location?: string; tags?: Record<string, string> };
    const existing = this.state.get(rgId(sub, rg));
    if (existing !== undefined && props(existing).provisioningState === "Deleting") {
      return armError(
        409,
        "ResourceGroupBeingDeleted",
        `The resource group '${rg}' is in deprovisioning state and cannot perform this operation.`,
      );
    }
    if (typeof body.location !== "string")
      return armError(400, "LocationRequired", "The location property is required for this definition.");
    if (existing !== undefined && !lowerEq(String(existing.body.location), body.location)) {
      return armError(
        409,
        "InvalidResourceGroupLocation",
        `Invalid resource group location '${body.location}'. The Resource group already exists in location '${String(existing.body.location)}' in resource group '${rg}'. A resource group cannot change location.`,
      );
    }
    const group = {
      id: rgId(sub, existing === undefined ? rg : String(existing.body.name)),
      type: "Microsoft.Resources/resourceGroups",
      createdAt: existing?.createdAt ?? this.state.now(),
      body: {
        id: rgId(sub, rg),
        name: rg,
        type: "Microsoft.Resources/resourceGroups",
        location: body.location,
        ...(body.tags === undefined ? {} : { tags: body.tags }),
        properties: { provisioningState: "Succeeded" },
      },
    };
    this.state.put(group);
    return json(existing === undefined ? 201 : 200, group.body);
  }

  private deleteGroup(r: SimRequest): SimResponse {
    const [sub = "", rg = ""] = r.params;
    const group = this.state.get(rgId(sub, rg));
    if (group === undefined) return this.missingGroup(rg);
    props(group).provisioningState = "Deleting";
    const operation = this.completeOnClock(deleteGroupMs, () => this.removeGroup(group.id));
    return {
      status: 202,
      headers: {
        Location: `${r.origin}/subscriptions/${sub}/operationresults/${operation.id}?api-version=2025-04-01`,
        ...(this.state.config.emitRetryAfter ? { "Retry-After": this.retryAfter(15) } : {}),
      },
    };
  }

  /**
   * An operation that finishes `finish` after `durationMs` on the simulated clock: it completes when due whether or
   * not anyone polls, and a poll that arrives first after the due time completes it too.
   */
  private completeOnClock(durationMs: number, finish: () => void): AsyncOperation {
    const endsAt = this.state.now() + this.state.scaled(durationMs);
    let done = false;
    const complete = () => {
      if (!done && this.state.now() >= endsAt) {
        done = true;
        finish();
      }
    };
    setTimeout(complete, Math.max(0, endsAt - this.state.now())).unref();
    return this.state.addOperation(() => {
      complete();
      return { status: done ? "Succeeded" : "InProgress" };
    });
  }

  private removeGroup(groupId: string): void {
    // Clusters in the group take their node resource group and Kubernetes API with them.
    for (const cluster of this.state.ofType("Microsoft.ContainerService/ManagedClusters")) {
      if (cluster.id.toLowerCase().startsWith(`${groupId.toLowerCase()}/`)) this.removeCluster(cluster);
    }
    this.state.deleteUnder(groupId);
  }

  // --- providers and features ---

  private provider(sub: string, namespace: string): Record<string, unknown> {
    return {
      id: `/subscriptions/${sub}/providers/${namespace}`,
      namespace,
      registrationState: "Registered",
      registrationPolicy: "RegistrationRequired",
      resourceTypes: [],
    };
  }

  private feature(r: SimRequest, register: boolean): SimResponse {
    const [sub = "", namespace = "", name = ""] = r.params;
    const full = `${namespace}/${name}`;
    if (this.state.config.retiredFeatures.some((retired) => lowerEq(retired, full))) {
      return armError(404, "FeatureNotFound", `The feature '${name}' could not be found.`);
    }
    const key = `${sub}/${full}`.toLowerCase();
    if (register && !this.featureRegisteredAt.has(key)) this.featureRegisteredAt.set(key, this.state.now());
    const startedAt = this.featureRegisteredAt.get(key);
    const state =
      startedAt === undefined
        ? "NotRegistered"
        : this.state.now() - startedAt >= this.state.scaled(this.state.config.featureRegistrationMs)
          ? "Registered"
          : "Registering";
    return json(200, {
      properties: { state },
      id: `/subscriptions/${sub}/providers/Microsoft.Features/providers/${namespace}/features/${name}`,
      type: "Microsoft.Features/providers/features",
      name: full,
    });
  }

  // --- network ---

  private vnetId(r: SimRequest): string {
    return `${rgId(r.params[0] ?? "", r.params[1] ?? "")}/providers/Microsoft.Network/virtualNetworks/${r.params[2] ?? ""}`;
  }

  private subnetsOf(vnetId: string): StoredResource[] {
    const prefix = `${vnetId.toLowerCase()}/subnets/`;
    return this.state
      .ofType("Microsoft.Network/virtualNetworks/subnets")
      .filter((subnet) => subnet.id.toLowerCase().startsWith(prefix));
  }

  private vnetBody(vnet: StoredResource): Record<string, unknown> {
    return {
      ...vnet.body,
      properties: { ...props(vnet), subnets: this.subnetsOf(vnet.id).map((subnet) => subnet.body) },
    };
  }

  private validateSubnet(
    prefix: unknown,
    name: string,
    vnetPrefixes: string[],
    siblings: { name: string; prefix: string }[],
  ): SimResponse | null {
    if (!validCidr(prefix))
      return armError(
        400,
        "InvalidCIDRNotation",
        `The address prefix ${String(prefix)} in resource subnets/${name} has an invalid CIDR notation.`,
        { details: [] },
      );
    if (!vnetPrefixes.some((outer) => within(prefix, outer))) {
      return armError(
        400,
        "NetcfgSubnetRangeOutsideVnet",
        `Subnet '${name}' is not valid because its IP address range is outside the IP address range of virtual network.`,
        { details: [] },
      );
    }
    const clash = siblings.find(
      (sibling) => sibling.name.toLowerCase() !== name.toLowerCase() && overlap(sibling.prefix, prefix),
    );
    if (clash !== undefined) {
      return armError(
        400,
        "NetcfgSubnetRangesOverlap",
        `Subnet '${name}' is not valid because its IP address range overlaps with that of an existing subnet '${clash.name}' in virtual network.`,
        { details: [] },
      );
    }
    return null;
  }

  private subnetResource(
    vnetId: string,
    name: string,
    properties: Record<string, unknown>,
    existing?: StoredResource,
  ): StoredResource {
    const id = `${vnetId}/subnets/${name}`;
    const previous = existing === undefined ? {} : props(existing);
    return {
      id,
      type: "Microsoft.Network/virtualNetworks/subnets",
      createdAt: existing?.createdAt ?? this.state.now(),
      body: {
        name,
        id,
        etag: etag(),
        type: "Microsoft.Network/virtualNetworks/subnets",
        properties: {
          provisioningState: "Succeeded",
          addressPrefix: properties.addressPrefix,
          delegations: properties.delegations ?? previous.delegations ?? [],
          ...(properties.routeTable === undefined ? {} : { routeTable: properties.routeTable }),
          privateEndpointNetworkPolicies: "Disabled",
          privateLinkServiceNetworkPolicies: "Enabled",
        },
      },
    };
  }

  /** NRP: a PUT answers 201/200 with provisioningState Updating and an Azure-AsyncOperation to poll. */
  private completeLater(
    r: SimRequest,
    location: string,
    resource: StoredResource,
    created: boolean,
    apiVersion: string,
  ): SimResponse {
    const endsAt = this.state.now() + this.state.scaled(vnetCreateMs);
    props(resource).provisioningState = "Updating";
    const operation = this.state.addOperation(() => {
      if (this.state.now() < endsAt) return { status: "InProgress" };
      props(resource).provisioningState = "Succeeded";
      return { status: "Succeeded" };
    });
    const body = resource.type === "Microsoft.Network/virtualNetworks" ? this.vnetBody(resource) : resource.body;
    return json(
      created ? 201 : 200,
      body,
      this.asyncHeaders(
        r,
        `/subscriptions/${r.params[0] ?? ""}/providers/Microsoft.Network/locations/${location}/operations/${operation.id}`,
        apiVersion,
      ),
    );
  }

  private putVnet(r: SimRequest): SimResponse {
    const [sub = "", rg = "", name = ""] = r.params;
    if (this.groupExists(sub, rg) === undefined) return this.missingGroup(rg);
    const body = (r.body ?? {}) as {
      location?: string;
      tags?: Record<string, string>;
      properties?: {
        addressSpace?: { addressPrefixes?: string[] };
        subnets?: { name?: string; properties?: Record<string, unknown> }[];
      };
    };
    const prefixes = body.properties?.addressSpace?.addressPrefixes ?? [];
    if (prefixes.length === 0 || !prefixes.every(validCidr))
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
      const invalid = this.validateSubnet(subnet.properties.addressPrefix, subnet.name, prefixes, seen);
      if (invalid !== null) return invalid;
      seen.push({ name: subnet.name, prefix: String(subnet.properties.addressPrefix) });
    }
    const id = this.vnetId(r);
    const existing = this.state.get(id);
    const vnet: StoredResource = {
      id,
      type: "Microsoft.Network/virtualNetworks",
      createdAt: existing?.createdAt ?? this.state.now(),
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
    this.state.put(vnet);
    // A VNet PUT is the whole truth: subnets it does not list are removed, as in real ARM.
    for (const old of this.subnetsOf(id)) {
      if (!subnets.some((subnet) => lowerEq(subnet.name, String(old.body.name)))) this.state.delete(old.id);
    }
    for (const subnet of subnets)
      this.state.put(
        this.subnetResource(id, subnet.name, subnet.properties, this.state.get(`${id}/subnets/${subnet.name}`)),
      );
    return this.completeLater(r, String(body.location ?? "eastus"), vnet, existing === undefined, "2025-05-01");
  }

  private putSubnet(r: SimRequest): SimResponse {
    const vnet = this.state.get(this.vnetId(r));
    const name = r.params[3] ?? "";
    if (vnet === undefined) return armError(404, "NotFound", `Resource ${this.vnetId(r)} not found.`, { details: [] });
    const properties = ((r.body ?? {}) as { properties?: Record<string, unknown> }).properties ?? {};
    const prefixes = (props(vnet).addressSpace as { addressPrefixes: string[] }).addressPrefixes;
    const siblings = this.subnetsOf(vnet.id).map((subnet) => ({
      name: String(subnet.body.name),
      prefix: String(props(subnet).addressPrefix),
    }));
    const invalid = this.validateSubnet(properties.addressPrefix, name, prefixes, siblings);
    if (invalid !== null) return invalid;
    const existing = this.state.get(`${vnet.id}/subnets/${name}`);
    const subnet = this.subnetResource(vnet.id, name, properties, existing);
    this.state.put(subnet);
    return this.completeLater(r, text(vnet.body.location, "eastus"), subnet, existing === undefined, "2025-05-01");
  }

  private operationStatus(id: string): SimResponse {
    const operation = this.state.operations.get(id);
    if (operation === undefined) return armError(404, "OperationNotFound", `The operation '${id}' could not be found.`);
    const status = operation.status();
    return json(
      200,
      {
        name: id,
        status: status.status,
        startTime: new Date(operation.startedAt).toISOString(),
        ...(status.error === undefined ? {} : { error: status.error }),
        ...(["Succeeded", "Failed", "Canceled"].includes(status.status) ? { endTime: new Date().toISOString() } : {}),
      },
      status.status === "Succeeded" || status.status === "Failed" ? {} : this.pollHeaders(),
    );
  }

  // --- identities ---

  private identityId(sub: string, rg: string, name: string): string {
    return `/subscriptions/${sub}/resourcegroups/${rg}/providers/Microsoft.ManagedIdentity/userAssignedIdentities/${name}`;
  }

  private putIdentity(r: SimRequest): SimResponse {
    const [sub = "", rg = "", name = ""] = r.params;
    if (this.groupExists(sub, rg) === undefined) return this.missingGroup(rg);
    const id = this.identityId(sub, rg, name);
    const existing = this.state.get(id);
    const body = (r.body ?? {}) as { location?: string; tags?: Record<string, string> };
    const identity: StoredResource = {
      id,
      type: "Microsoft.ManagedIdentity/userAssignedIdentities",
      createdAt: existing?.createdAt ?? this.state.now(),
      body: {
        id,
        name,
        type: "Microsoft.ManagedIdentity/userAssignedIdentities",
        location: body.location,
        tags: body.tags ?? {},
        properties:
          existing === undefined
            ? {
                tenantId: this.state.tenantId,
                principalId: randomUUID(),
                clientId: randomUUID(),
                isolationScope: "None",
              }
            : props(existing),
      },
    };
    this.state.put(identity);
    return json(existing === undefined ? 201 : 200, identity.body);
  }

  private principal(principalId: string): StoredResource | undefined {
    return this.state
      .ofType("Microsoft.ManagedIdentity/userAssignedIdentities")
      .find((identity) => lowerEq(String(props(identity).principalId), principalId));
  }

  // --- role assignments ---

  private roleDefinitionGuid(roleDefinitionId: string): string {
    return roleDefinitionId.split("/").pop()?.toLowerCase() ?? "";
  }

  private putRoleAssignment(r: SimRequest): SimResponse {
    const [scope = "", name = ""] = r.params;
    if (!/^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i.test(name)) {
      return armError(
        400,
        "InvalidRoleAssignmentId",
        `The role assignment ID '${name}' is not valid. The role assignment ID must be a GUID.`,
      );
    }
    const properties =
      ((r.body ?? {}) as { properties?: { roleDefinitionId?: string; principalId?: string; principalType?: string } })
        .properties ?? {};
    const principalId = properties.principalId ?? "";
    const identity = this.principal(principalId);
    const window = this.state.config.principalNotFoundWindowMs * (properties.principalType === undefined ? 3 : 1);
    if (identity === undefined || this.state.now() - identity.createdAt < window) {
      return armError(
        400,
        "PrincipalNotFound",
        `Principal ${principalId.replace(/-/g, "")} does not exist in the directory ${this.state.tenantId}. Check that you have the correct principal ID. If you are creating this principal and then immediately assigning a role, this error might be related to a replication delay. In this case, set the role assignment principalType property to a value, such as ServicePrincipal, User, or Group.  See https://aka.ms/docs-principaltype`,
      );
    }
    const role = this.roleDefinitionGuid(properties.roleDefinitionId ?? "");
    const id = `${scope}/providers/Microsoft.Authorization/roleAssignments/${name}`;
    const twin = this.state.ofType("Microsoft.Authorization/roleAssignments").find((assignment) => {
      const p = props(assignment);
      return (
        lowerEq(String(p.scope), scope) &&
        lowerEq(String(p.principalId), principalId) &&
        this.roleDefinitionGuid(String(p.roleDefinitionId)) === role
      );
    });
    if (twin !== undefined && !lowerEq(twin.id, id)) {
      return armError(
        409,
        "RoleAssignmentExists",
        `The role assignment already exists. The ID of the existing role assignment is ${String(twin.body.name).replace(/-/g, "")}.`,
      );
    }
    const existing = this.state.get(id);
    if (
      existing !== undefined &&
      (!lowerEq(String(props(existing).principalId), principalId) ||
        this.roleDefinitionGuid(String(props(existing).roleDefinitionId)) !== role)
    ) {
      return armError(
        400,
        "RoleAssignmentUpdateNotPermitted",
        "Tenant ID, application ID, principal ID, and scope are not allowed to be updated.",
      );
    }
    const assignment = this.assignment(
      scope,
      name,
      properties.roleDefinitionId ?? "",
      principalId,
      properties.principalType ?? "ServicePrincipal",
      existing?.createdAt,
    );
    this.state.put(assignment);
    return json(201, assignment.body);
  }

  private assignment(
    scope: string,
    name: string,
    roleDefinitionId: string,
    principalId: string,
    principalType: string,
    createdAt?: number,
  ): StoredResource {
    const id = `${scope}/providers/Microsoft.Authorization/roleAssignments/${name}`;
    const stamp = new Date(createdAt ?? this.state.now()).toISOString();
    return {
      id,
      type: "Microsoft.Authorization/roleAssignments",
      createdAt: createdAt ?? this.state.now(),
      body: {
        id,
        name,
        type: "Microsoft.Authorization/roleAssignments",
        properties: {
          roleDefinitionId,
          principalId,
          principalType,
          scope,
          condition: null,
          conditionVersion: null,
          createdOn: stamp,
          updatedOn: stamp,
          createdBy: this.state.clientId,
          updatedBy: this.state.clientId,
          delegatedManagedIdentityResourceId: null,
          description: null,
        },
      },
    };
  }

  /** Grants the way AKS's own automation does (it is not subject to replication delay here). */
  private grant(sub: string, scope: string, role: string, principalId: string): void {
    const exists = this.state
      .ofType("Microsoft.Authorization/roleAssignments")
      .some(
        (a) =>
          lowerEq(String(props(a).scope), scope) &&
          lowerEq(String(props(a).principalId), principalId) &&
          this.roleDefinitionGuid(String(props(a).roleDefinitionId)) === role,
      );
    if (!exists)
      this.state.put(
        this.assignment(
          scope,
          randomUUID(),
          `/subscriptions/${sub}/providers/Microsoft.Authorization/roleDefinitions/${role}`,
          principalId,
          "ServicePrincipal",
        ),
      );
  }

  private hasRole(scope: string, role: string, principalId: string): boolean {
    const target = scope.toLowerCase();
    return this.state.ofType("Microsoft.Authorization/roleAssignments").some((assignment) => {
      const p = props(assignment);
      const at = String(p.scope).toLowerCase();
      return (
        (target === at || target.startsWith(`${at}/`)) &&
        lowerEq(String(p.principalId), principalId) &&
        this.roleDefinitionGuid(String(p.roleDefinitionId)) === role
      );
    });
  }

  private listRoleAssignments(r: SimRequest): SimResponse {
    const scope = (r.params[0] ?? "").toLowerCase();
    const filter = r.query.get("$filter") ?? "";
    const assignedTo =
      /assignedTo\('([^']+)'\)/i.exec(filter)?.[1] ?? /principalId\s+eq\s+'([^']+)'/i.exec(filter)?.[1];
    const atScopeOnly = /atScope\(\)/i.test(filter);
    const value = this.state.ofType("Microsoft.Authorization/roleAssignments").filter((assignment) => {
      const p = props(assignment);
      const at = String(p.scope).toLowerCase();
      const above = scope === at || scope.startsWith(`${at}/`);
      const below = at.startsWith(`${scope}/`);
      if (!(above || (!atScopeOnly && below))) return false;
      return assignedTo === undefined || lowerEq(String(p.principalId), assignedTo);
    });
    return json(200, { value: value.map((assignment) => assignment.body) });
  }

  // --- managed clusters ---

  private clusterId(r: SimRequest): string {
    return `/subscriptions/${r.params[0] ?? ""}/resourcegroups/${r.params[1] ?? ""}/providers/Microsoft.ContainerService/managedClusters/${r.params[2] ?? ""}`;
  }

  private clusterBody(cluster: StoredResource): Record<string, unknown> {
    const record = this.clusters.get(cluster.id.toLowerCase());
    if (record !== undefined && !record.finished && this.state.now() >= record.operationEndsAt)
      this.finishCluster(cluster, record);
    return cluster.body;
  }

  private putCluster(r: SimRequest): SimResponse {
    const [sub = "", rg = "", name = ""] = r.params;
    if (this.groupExists(sub, rg) === undefined) return this.missingGroup(rg);
    const id = this.clusterId(r);
    const existing = this.state.get(id);
    if (existing !== undefined) {
      this.clusterBody(existing);
      const state = String(props(existing).provisioningState);
      if (state === "Creating" || state === "Updating" || state === "Deleting") {
        return armError(
          409,
          "OperationNotAllowed",
          `Operation is not allowed because there's an in progress ${state.toLowerCase().replace(/ing$/, "e")} managed cluster operation on the managed cluster.`,
        );
      }
    }
    const body = (r.body ?? {}) as {
      location?: string;
      tags?: Record<string, string>;
      identity?: { type?: string; userAssignedIdentities?: Record<string, unknown> };
      properties?: Record<string, unknown>;
    };
    const p = body.properties ?? {};
    const validation = this.validateCluster(sub, body, p);
    if ("error" in validation) return validation.error;
    const { network, identity } = validation;
    const location = String(body.location ?? "eastus");
    const nodeResourceGroup = text(p.nodeResourceGroup, `MC_${rg}_${name}_${location}`);
    const pool = ((p.agentPoolProfiles as Record<string, unknown>[] | undefined) ?? [])[0] ?? {};
    const fqdn = `${text(p.dnsPrefix, name)}-${randomUUID().slice(0, 8)}.hcp.${location}.azmk8s.io`;
    const identityId = Object.keys(body.identity?.userAssignedIdentities ?? {})[0] ?? "";
    const version = text(p.kubernetesVersion, "1.33.2");
    const clusterBody: Record<string, unknown> = {
      id,
      location,
      name,
      type: "Microsoft.ContainerService/ManagedClusters",
      tags: body.tags ?? {},
      sku: { name: "Base", tier: "Free" },
      identity: {
        type: "UserAssigned",
        userAssignedIdentities: {
          [identityId]: { clientId: props(identity).clientId, principalId: props(identity).principalId },
        },
      },
      properties: {
        provisioningState: "Creating",
        powerState: { code: "Running" },
        kubernetesVersion: version,
        currentKubernetesVersion: version.split(".").length === 2 ? `${version}.2` : version,
        dnsPrefix: p.dnsPrefix ?? name,
        fqdn,
        azurePortalFQDN: fqdn.replace(".hcp.", "-portal.hcp.").replace(/^([^.]+)\./, "$1."),
        agentPoolProfiles: [
          {
            ...pool,
            provisioningState: "Creating",
            orchestratorVersion: version,
            currentOrchestratorVersion: version.split(".").length === 2 ? `${version}.2` : version,
            nodeImageVersion: "AKSUbuntu-2204gen2containerd-202510.01.0",
            ...(pool.podSubnetID === undefined ? {} : { podIPAllocationMode: "DynamicIndividual" }),
            powerState: { code: "Running" },
          },
        ],
        nodeResourceGroup,
        enableRBAC: true,
        networkProfile: {
          loadBalancerSku: "standard",
          outboundType: "loadBalancer",
          ipFamilies: ["IPv4"],
          serviceCidrs: [network.serviceCidr],
          ...(network.podCidr === null ? {} : { podCidr: network.podCidr, podCidrs: [network.podCidr] }),
          ...(p.networkProfile as Record<string, unknown>),
        },
        maxAgentPools: 100,
      },
    };
    const stored: StoredResource = {
      id,
      type: "Microsoft.ContainerService/ManagedClusters",
      createdAt: existing?.createdAt ?? this.state.now(),
      body: clusterBody,
    };
    this.state.put(stored);
    const record: ClusterRecord = {
      cluster: null,
      operationEndsAt: this.state.now() + this.state.scaled(aksCreateMs),
      failure: validation.asyncFailure,
      finished: false,
    };
    this.clusters.set(id.toLowerCase(), record);
    // The create completes on the clock (node resource group, grants, Kubernetes API) even if nobody polls.
    setTimeout(
      () => {
        if (this.state.get(id) === stored) this.clusterBody(stored);
      },
      Math.max(0, record.operationEndsAt - this.state.now()),
    ).unref();
    const startedAt = this.state.now();
    const total = this.state.scaled(aksCreateMs);
    const operation = this.state.addOperation(() => {
      if (this.state.now() < record.operationEndsAt) {
        const progress = total === 0 ? 1 : (this.state.now() - startedAt) / total;
        const phase = [...aksPhases].reverse().find(([share]) => progress >= share)?.[1] ?? "InProgress";
        return { status: phase.replace("{n}", String(network.nodeCount)) };
      }
      this.clusterBody(stored);
      return record.failure === null
        ? { status: "Succeeded" }
        : { status: "Failed", error: { ...record.failure, details: [] } };
    });
    // Keep the network facts for finishCluster.
    this.pendingNetworks.set(id.toLowerCase(), {
      network,
      sub,
      rg,
      nodeResourceGroup,
      location,
      principalId: String(props(identity).principalId),
    });
    return json(existing === undefined ? 201 : 200, clusterBody, {
      "Azure-AsyncOperation": `${r.origin}/subscriptions/${sub}/providers/Microsoft.ContainerService/locations/${location}/operations/${operation.id}?api-version=2026-04-01&t=${Date.now()}`,
    });
  }

  private readonly pendingNetworks = new Map<
    string,
    {
      network: ClusterNetworkFacts;
      sub: string;
      rg: string;
      nodeResourceGroup: string;
      location: string;
      principalId: string;
    }
  >();

  private validateCluster(
    sub: string,
    body: { identity?: { type?: string; userAssignedIdentities?: Record<string, unknown> } },
    p: Record<string, unknown>,
  ):
    | { error: SimResponse }
    | {
        network: ClusterNetworkFacts;
        identity: StoredResource;
        asyncFailure: { code: string; message: string } | null;
      } {
    const pools = (p.agentPoolProfiles as Record<string, unknown>[] | undefined) ?? [];
    const pool = pools[0];
    if (pool === undefined)
      return {
        error: armError(400, "InvalidParameter", "The value of parameter agentPoolProfiles is invalid.", {
          target: "agentPoolProfiles",
          subcode: "",
        }),
      };
    const identityId = Object.keys(body.identity?.userAssignedIdentities ?? {})[0];
    const identity = identityId === undefined ? undefined : this.state.get(identityId);
    if (identity === undefined)
      return {
        error: armError(400, "InvalidParameter", "The user-assigned identity of the cluster could not be found.", {
          target: "identity",
          subcode: "",
        }),
      };
    const networkProfile = (p.networkProfile ?? {}) as Record<string, string | undefined>;
    const nodeSubnetId = text(pool.vnetSubnetID, "");
    const nodeSubnet = this.state.get(nodeSubnetId);
    if (nodeSubnet === undefined)
      return {
        error: armError(
          400,
          "InvalidResourceReference",
          `Resource ${nodeSubnetId} referenced by resource ${text(p.dnsPrefix, "")} was not found. Please make sure that the referenced resource exists, and that both resources are in the same region.`,
          { subcode: "" },
        ),
      };
    if (((props(nodeSubnet).delegations as unknown[] | undefined) ?? []).length > 0) {
      return {
        error: armError(
          400,
          "SubnetIsDelegated",
          `AgentPoolProfile.VnetSubnetID '${nodeSubnetId}' cannot be used as it's a delegated subnet.`,
          { target: "agentPoolProfile.vnetSubnetID", subcode: "" },
        ),
      };
    }
    const vnetId = nodeSubnetId.replace(/\/subnets\/[^/]+$/i, "");
    const vnet = this.state.get(vnetId);
    const vnetPrefixes =
      vnet === undefined ? [] : (props(vnet).addressSpace as { addressPrefixes: string[] }).addressPrefixes;
    const podSubnetId = typeof pool.podSubnetID === "string" ? pool.podSubnetID : null;
    const podSubnet = podSubnetId === null ? undefined : this.state.get(podSubnetId);
    if (podSubnetId !== null && podSubnet === undefined)
      return {
        error: armError(400, "InvalidResourceReference", `Resource ${podSubnetId} was not found.`, { subcode: "" }),
      };
    const plugin = networkProfile.networkPlugin ?? "kubenet";
    const overlayMode = networkProfile.networkPluginMode === "overlay";
    const mode: SimNetworkMode =
      plugin === "kubenet" ? "kubenet" : overlayMode ? "overlay" : podSubnetId !== null ? "pod-subnet" : "node-subnet";
    const serviceCidr = networkProfile.serviceCidr ?? "10.0.0.0/16";
    const dnsServiceIP = networkProfile.dnsServiceIP ?? "10.0.0.10";
    if (!validCidr(serviceCidr))
      return {
        error: armError(400, "CidrStringParseError", "Cidr is invalid", {
          target: "networkProfile.serviceCIDR",
          subcode: "",
        }),
      };
    if (
      vnetPrefixes.some((prefix) => overlap(prefix, serviceCidr)) ||
      this.subnetsOf(vnetId).some((subnet) => overlap(String(props(subnet).addressPrefix), serviceCidr))
    ) {
      return {
        error: armError(
          400,
          "ServiceCidrOverlapExistingSubnetsCidr",
          `The specified service CIDR ${serviceCidr} is conflicted with an existing subnet CIDR ${String(props(nodeSubnet).addressPrefix)}`,
          { target: "networkProfile.serviceCIDR", subcode: "" },
        ),
      };
    }
    const service = rangeOf(serviceCidr);
    const dns = /^\d{1,3}(\.\d{1,3}){3}$/.test(dnsServiceIP) ? rangeOf(`${dnsServiceIP}/32`).first : NaN;
    if (!(dns >= service.first && dns < service.first + service.size)) {
      return {
        error: armError(
          400,
          "DnsServiceIpOutOfServiceCidr",
          "DNS service IP is not within the specified service CIDR.",
          { target: "networkProfile.dnsServiceIP", subcode: "" },
        ),
      };
    }
    const podCidr = networkProfile.podCidr ?? null;
    if (podCidr !== null && mode !== "kubenet" && mode !== "overlay") {
      return {
        error: armError(
          400,
          "InvalidParameter",
          "Pod CIDR cannot be specified with Azure CNI unless network plugin mode is overlay.",
          { target: "networkProfile.podCIDR", subcode: "" },
        ),
      };
    }
    if (podCidr !== null && vnetPrefixes.some((prefix) => overlap(prefix, podCidr))) {
      return {
        error: armError(
          400,
          "NetworkProfileCIDROverlapVNET",
          `NetworkProfile CIDR ${podCidr} overlaps with reserved VNET CIDR ${vnetPrefixes.join(",")}`,
          { target: "networkProfile.podCIDR", subcode: "" },
        ),
      };
    }
    const principalId = String(props(identity).principalId);
    // Azure CNI places NICs in the subnets: without join rights on them the create is refused up front.
    if (mode !== "kubenet") {
      for (const subnetId of [nodeSubnetId, ...(podSubnetId === null ? [] : [podSubnetId])]) {
        if (!this.hasRole(subnetId, networkContributor, principalId)) {
          return {
            error: armError(
              400,
              "LinkedAuthorizationFailed",
              `The client '${principalId}' has permission to perform action 'Microsoft.ContainerService/managedClusters/write', however, it does not have permission to perform action(s) 'Microsoft.Network/virtualNetworks/subnets/join/action' on the linked scope(s) '${subnetId}'.`,
              { subcode: "" },
            ),
          };
        }
      }
    }
    const count = Number(pool.count ?? 3);
    const maxPods = Number(pool.maxPods ?? (mode === "kubenet" ? 110 : mode === "overlay" ? 250 : 30));
    const surgeText = String((pool.upgradeSettings as { maxSurge?: string } | undefined)?.maxSurge ?? "10%");
    const surge = surgeText.endsWith("%")
      ? Math.ceil((count * Number(surgeText.slice(0, -1))) / 100)
      : Number(surgeText);
    const nodeRange = rangeOf(String(props(nodeSubnet).addressPrefix));
    const nodeUsable = nodeRange.size - 5;
    let asyncFailure: { code: string; message: string } | null = null;
    const needed = mode === "node-subnet" ? (count + surge) * (maxPods + 1) : count + surge;
    if (needed > nodeUsable) {
      asyncFailure = {
        code: "InsufficientSubnetSize",
        message: `Pre-allocated IPs ${needed} exceeds IPs available ${nodeUsable} in Subnet Cidr ${String(props(nodeSubnet).addressPrefix)}, Subnet Name ${String(nodeSubnet.body.name)}. http://aka.ms/aks/insufficientsubnetsize for more details.`,
      };
    }
    const subnetsByName = Object.fromEntries(
      this.subnetsOf(vnetId).map((subnet) => [
        String(subnet.body.name).toLowerCase(),
        String(props(subnet).addressPrefix),
      ]),
    );
    return {
      identity,
      asyncFailure,
      network: {
        mode,
        nodeSubnet: String(props(nodeSubnet).addressPrefix),
        nodeSubnetId,
        podSubnet: podSubnet === undefined ? null : String(props(podSubnet).addressPrefix),
        podSubnetId,
        podCidr: mode === "kubenet" || mode === "overlay" ? (podCidr ?? "10.244.0.0/16") : null,
        serviceCidr,
        maxPods,
        networkPolicy: networkProfile.networkPolicy ?? null,
        nodeCount: count,
        poolName: text(pool.name, "nodepool1"),
        subnetsByName,
        vnetId,
      },
    };
  }

  /** What AKS leaves behind on success: node resource group, its Contributor grant, delegation or route table, a live API. */
  private finishCluster(cluster: StoredResource, record: ClusterRecord): void {
    record.finished = true;
    const facts = this.pendingNetworks.get(cluster.id.toLowerCase());
    const p = props(cluster);
    if (record.failure !== null || facts === undefined) {
      p.provisioningState = "Failed";
      cluster.body.properties = {
        ...p,
        status: {
          provisioningError: {
            ...(record.failure ?? { code: "InternalOperationError", message: "unknown" }),
            details: [],
          },
        },
      };
      return;
    }
    const { network, sub, nodeResourceGroup, location, principalId } = facts;
    const nodeGroupId = rgId(sub, nodeResourceGroup);
    this.state.put({
      id: nodeGroupId,
      type: "Microsoft.Resources/resourceGroups",
      createdAt: this.state.now(),
      body: {
        id: nodeGroupId,
        name: nodeResourceGroup,
        type: "Microsoft.Resources/resourceGroups",
        location,
        managedBy: cluster.id,
        properties: { provisioningState: "Succeeded" },
      },
    });
    this.grant(sub, nodeGroupId, contributor, principalId);
    if (network.mode === "pod-subnet" && network.podSubnetId !== null) {
      const podSubnet = this.state.get(network.podSubnetId);
      if (podSubnet !== undefined) {
        props(podSubnet).delegations = [
          {
            name: "aks-delegation",
            id: `${podSubnet.id}/delegations/aks-delegation`,
            type: "Microsoft.Network/virtualNetworks/subnets/delegations",
            properties: {
              serviceName: "Microsoft.ContainerService/managedClusters",
              actions: ["Microsoft.Network/virtualNetworks/subnets/join/action"],
              provisioningState: "Succeeded",
            },
          },
        ];
      }
    }
    if (network.mode === "kubenet") {
      const tableId = `${nodeGroupId}/providers/Microsoft.Network/routeTables/aks-agentpool-${Math.floor(10_000_000 + Math.random() * 89_999_999)}-routetable`;
      const table: StoredResource = {
        id: tableId,
        type: "Microsoft.Network/routeTables",
        createdAt: this.state.now(),
        body: {
          id: tableId,
          name: tableId.split("/").pop(),
          type: "Microsoft.Network/routeTables",
          location,
          etag: etag(),
          properties: { provisioningState: "Succeeded", disableBgpRoutePropagation: false, routes: [], subnets: [] },
        },
      };
      this.state.put(table);
      // AKS can attach its route table only where its identity may write the subnet (the seed-2 bug otherwise).
      const nodeSubnet = this.state.get(network.nodeSubnetId);
      if (
        nodeSubnet !== undefined &&
        this.state.config.associateRouteTable &&
        this.hasRole(network.nodeSubnetId, networkContributor, principalId)
      ) {
        props(nodeSubnet).routeTable = { id: tableId };
      }
    }
    const simCluster = new SimCluster(this.state, network);
    record.cluster = simCluster;
    this.kubernetes.set(simCluster.key, simCluster);
    if (network.mode === "kubenet") {
      const table = [...this.state.ofType("Microsoft.Network/routeTables")].find((t) =>
        t.id.toLowerCase().startsWith(`${nodeGroupId.toLowerCase()}/`),
      );
      if (table !== undefined) {
        props(table).routes = simCluster.nodes.map((node, i) => ({
          name: node.name,
          properties: {
            addressPrefix: ipText(rangeOf(network.podCidr ?? "10.244.0.0/16").first + i * 256) + "/24",
            nextHopType: "VirtualAppliance",
            nextHopIpAddress: node.ip,
          },
        }));
      }
    }
    p.provisioningState = "Succeeded";
    for (const pool of (p.agentPoolProfiles as Record<string, unknown>[]) ?? []) pool.provisioningState = "Succeeded";
  }

  private removeCluster(cluster: StoredResource): void {
    const record = this.clusters.get(cluster.id.toLowerCase());
    if (record?.cluster !== null && record?.cluster !== undefined) this.kubernetes.delete(record.cluster.key);
    this.clusters.delete(cluster.id.toLowerCase());
    const facts = this.pendingNetworks.get(cluster.id.toLowerCase());
    if (facts !== undefined) {
      this.state.deleteUnder(rgId(facts.sub, facts.nodeResourceGroup));
      const podSubnet = facts.network.podSubnetId === null ? undefined : this.state.get(facts.network.podSubnetId);
      if (podSubnet !== undefined) props(podSubnet).delegations = [];
    }
    this.pendingNetworks.delete(cluster.id.toLowerCase());
    this.state.delete(cluster.id);
  }

  private deleteCluster(r: SimRequest): SimResponse {
    const id = this.clusterId(r);
    const cluster = this.state.get(id);
    if (cluster === undefined) return { status: 204 };
    props(cluster).provisioningState = "Deleting";
    const operation = this.completeOnClock(deleteClusterMs, () => this.removeCluster(cluster));
    const location = text(cluster.body.location, "eastus");
    return {
      status: 202,
      headers: {
        "Azure-AsyncOperation": `${r.origin}/subscriptions/${r.params[0] ?? ""}/providers/Microsoft.ContainerService/locations/${location}/operations/${operation.id}?api-version=2026-04-01`,
        Location: `${r.origin}/subscriptions/${r.params[0] ?? ""}/providers/Microsoft.ContainerService/locations/${location}/operationresults/${operation.id}?api-version=2026-04-01`,
      },
    };
  }

  private credentials(r: SimRequest, name: "clusterAdmin" | "clusterUser"): SimResponse {
    const id = this.clusterId(r);
    const cluster = this.state.get(id);
    if (cluster === undefined)
      return this.notFound("Microsoft.ContainerService/managedClusters", r.params[2] ?? "", r.params[1] ?? "");
    this.clusterBody(cluster);
    const simCluster = this.clusters.get(id.toLowerCase())?.cluster;
    if (simCluster === null || simCluster === undefined) {
      return armError(
        400,
        "BadRequest",
        `Managed cluster '${r.params[2] ?? ""}' is not in a state where credentials can be listed (provisioningState ${String(props(cluster).provisioningState)}).`,
      );
    }
    const kubeconfig = kubeconfigFor(simCluster, r.origin, this.caCertPem(), r.params[2] ?? "", r.params[1] ?? "");
    return json(200, { kubeconfigs: [{ name, value: Buffer.from(kubeconfig).toString("base64") }] });
  }
}

export interface ClusterNetworkFacts extends ClusterNetwork {
  nodeSubnetId: string;
  podSubnetId: string | null;
  vnetId: string;
}
