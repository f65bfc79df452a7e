/**
 * Microsoft.Resources as ARM serves it (arm-resources 2025-04-01, azure-cli's subscription client): subscriptions,
 * tenants, resource groups (synchronous PUT, DELETE as 202 + Location polled 202 → 200 empty, recording
 * js/sdk/resources/arm-resources/recordings/.../recording_resourcegroups_delete_test.json) and provider registration
 * (Registering → Registered with the provider's resource types).
 */
import { armError, json, route, type Route, type SimRequest, type SimResponse } from "../http.js";
import { ArmContext, lowerEq, props, rgId, RG, SUB, NAME } from "./context.js";

const deleteGroupMs = 30_000;

/**
 * Resource types per provider namespace, as GET /providers/{ns} lists them (trimmed to the types modelled here), the
 * versions the product speaks first.
 */
const providerTypes: Record<string, { resourceType: string; locations: string[]; apiVersions: string[] }[]> = {
  "microsoft.containerservice": [
    {
      resourceType: "managedClusters",
      locations: ["East US", "West Europe"],
      apiVersions: ["2026-10-01", "2026-04-01", "2025-10-01", "2024-10-01"],
    },
    {
      resourceType: "locations/operations",
      locations: ["East US", "West Europe"],
      apiVersions: ["2026-10-01", "2026-04-01", "2017-08-31"],
    },
  ],
  "microsoft.network": [
    {
      resourceType: "virtualNetworks",
      locations: ["East US", "West Europe"],
      apiVersions: ["2026-01-01", "2025-05-01", "2024-05-01", "2023-11-01"],
    },
    {
      resourceType: "routeTables",
      locations: ["East US", "West Europe"],
      apiVersions: ["2026-01-01", "2025-05-01", "2023-11-01"],
    },
  ],
  "microsoft.managedidentity": [
    {
      resourceType: "userAssignedIdentities",
      locations: ["East US", "West Europe"],
      apiVersions: ["2024-11-30", "2023-01-31"],
    },
  ],
};

const displayNames: Record<string, string> = {
  "microsoft.containerservice": "Microsoft.ContainerService",
  "microsoft.network": "Microsoft.Network",
  "microsoft.managedidentity": "Microsoft.ManagedIdentity",
};

export function resourceRoutes(ctx: ArmContext): Route[] {
  const { state } = ctx;
  ctx.onComplete("resources.removeGroup", (groupId) => removeGroup(ctx, groupId));

  const subscription = (id: string) => ({
    id: `/subscriptions/${id}`,
    authorizationSource: "RoleBased",
    managedByTenants: [],
    subscriptionId: id,
    tenantId: state.tenantId,
    displayName: id === state.defaultSubscriptionId ? "Azure simulator" : `Azure simulator ${id.slice(0, 8)}`,
    state: "Enabled",
    subscriptionPolicies: {
      locationPlacementId: "Public_2014-09-01",
      quotaId: "PayAsYouGo_2014-09-01",
      spendingLimit: "Off",
    },
  });

  const provider = (sub: string, namespace: string) => {
    const key = `${sub}/${namespace}`.toLowerCase();
    const startedAt = state.providers.get(key);
    const registrationState =
      startedAt === undefined
        ? "NotRegistered"
        : state.now() - startedAt >= state.scaled(state.config.providerRegistrationMs)
          ? "Registered"
          : "Registering";
    return {
      id: `/subscriptions/${sub}/providers/${displayNames[namespace.toLowerCase()] ?? namespace}`,
      namespace: displayNames[namespace.toLowerCase()] ?? namespace,
      registrationState,
      registrationPolicy: "RegistrationRequired",
      resourceTypes: providerTypes[namespace.toLowerCase()] ?? [],
    };
  };

  return [
    route("GET", "/subscriptions", () => {
      const value = state.subscriptions().map(subscription);
      return json(200, { value, count: { type: "Total", value: value.length } });
    }),
    route("GET", SUB, (r) => json(200, subscription(r.params[0] ?? ""))),
    route("GET", "/tenants", () =>
      json(200, {
        value: [
          {
            id: `/tenants/${state.tenantId}`,
            tenantId: state.tenantId,
            countryCode: "US",
            displayName: "Azure simulator",
            domains: ["azuresim.onmicrosoft.com"],
            tenantCategory: "Home",
            defaultDomain: "azuresim.onmicrosoft.com",
            tenantType: "AAD",
          },
        ],
      }),
    ),
    route("GET", `${SUB}/resourcegroups`, (r) => {
      const prefix = `/subscriptions/${r.params[0] ?? ""}/resourcegroups/`;
      return json(200, {
        value: state
          .ofType("Microsoft.Resources/resourceGroups")
          .filter((g) => g.id.toLowerCase().startsWith(prefix.toLowerCase()))
          .map((g) => g.body),
      });
    }),
    route("PUT", RG, (r) => putGroup(ctx, r)),
    route("GET", RG, (r) => {
      const [sub = "", rg = ""] = r.params;
      const group = state.get(rgId(sub, rg));
      return group === undefined ? ctx.missingGroup(rg) : json(200, group.body);
    }),
    // A group being deleted still exists (204) until the delete completes.
    route("HEAD", RG, (r) => ({
      status: state.get(rgId(r.params[0] ?? "", r.params[1] ?? "")) === undefined ? 404 : 204,
    })),
    route("DELETE", RG, (r) => deleteGroup(ctx, r)),
    route("GET", `${SUB}/operationresults/([^/]+)`, (r) => {
      const operation = ctx.operation(r.params[1] ?? "");
      if (operation === undefined) return armError(404, "NotFound", "Operation not found.");
      return operation.done
        ? { status: 200 }
        : { status: 202, headers: { Location: `${r.origin}${r.path}?api-version=2025-04-01`, ...ctx.pollHeaders(15) } };
    }),
    route("POST", `${SUB}/providers/${NAME}/register`, (r) => {
      const [sub = "", namespace = ""] = r.params;
      const key = `${sub}/${namespace}`.toLowerCase();
      if (!state.providers.has(key)) state.providers.set(key, state.now());
      state.changed();
      return json(200, provider(sub, namespace));
    }),
    route("GET", `${SUB}/providers/${NAME}`, (r) => json(200, provider(r.params[0] ?? "", r.params[1] ?? ""))),
  ];
}

function putGroup(ctx: ArmContext, r: SimRequest): SimResponse {
  const { state } = ctx;
  const [sub = "", rg = ""] = r.params;
  const body = (r.body ?? {}) as { location?: string; tags?: Record<string, string> };
  const existing = state.get(rgId(sub, rg));
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
    createdAt: existing?.createdAt ?? state.now(),
    body: {
      id: rgId(sub, rg),
      name: rg,
      type: "Microsoft.Resources/resourceGroups",
      location: body.location,
      ...(body.tags === undefined ? {} : { tags: body.tags }),
      properties: { provisioningState: "Succeeded" },
    },
  };
  state.put(group);
  return json(existing === undefined ? 201 : 200, group.body);
}

function deleteGroup(ctx: ArmContext, r: SimRequest): SimResponse {
  const [sub = "", rg = ""] = r.params;
  const group = ctx.state.get(rgId(sub, rg));
  if (group === undefined) return ctx.missingGroup(rg);
  props(group).provisioningState = "Deleting";
  const operation = ctx.startOperation(deleteGroupMs, "resources.removeGroup", group.id);
  return {
    status: 202,
    headers: {
      Location: `${r.origin}/subscriptions/${sub}/operationresults/${operation.id}?api-version=2025-04-01`,
      ...ctx.pollHeaders(15),
    },
  };
}

function removeGroup(ctx: ArmContext, groupId: string): void {
  for (const hook of ctx.beforeGroupRemoval) hook(groupId);
  ctx.state.deleteUnder(groupId);
}
