/**
 * ARM as azure-cli sees it (audit §3: az 2.45 calls these before any command): subscriptions and tenants, the
 * unauthenticated metadata endpoint `az cloud register` reads, an ADFS-shaped authority MSAL accepts without instance
 * discovery, api-version checked per resource type, provider registration Registering → Registered, and
 * PrincipalNotFound only without principalType.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startAzureSimulator, type AzureSimulator } from "../../local/azure-sim/index.js";
import { armToken, call } from "./seedCluster.js";
import { containerServiceApiVersion } from "../../src/azure/clients.js";

let sim: AzureSimulator;
let token: string;
const sub = "44444444-5555-6666-7777-888888888888";

beforeAll(async () => {
  sim = await startAzureSimulator({
    timeScale: 0.001,
    emitRetryAfter: false,
    principalNotFoundWindowMs: 60_000,
    providerRegistrationMs: 100_000,
  });
  token = await armToken(sim);
});

afterAll(async () => {
  await sim?.close();
});

describe("what az login and az cloud register call", () => {
  it("serves /metadata/endpoints without a token, in the 2015-01-01 shape azure-cli reads", async () => {
    const response = await call(sim, "", "GET", "/metadata/endpoints?api-version=2015-01-01");
    expect(response.status).toBe(200);
    expect(response.body.authentication).toEqual({
      loginEndpoint: `${sim.url}/adfs`,
      audiences: expect.arrayContaining([`${sim.url}/`]),
    });
  });

  it("issues tokens through the ADFS-shaped authority (no instance discovery at login.microsoftonline.com)", async () => {
    const metadata = await call(sim, "", "GET", "/adfs/.well-known/openid-configuration");
    expect(metadata.body.token_endpoint).toBe(`${sim.url}/adfs/oauth2/v2.0/token`);
    const form = new URLSearchParams({
      grant_type: "client_credentials",
      client_id: sim.clientId,
      client_secret: sim.clientSecret,
      scope: `${sim.url}/.default`,
    });
    const issued = await call(
      sim,
      "",
      "POST",
      "/adfs/oauth2/v2.0/token",
      form.toString(),
      "application/x-www-form-urlencoded",
    );
    expect(issued.body).toMatchObject({ token_type: "Bearer" });
  });

  it("lists subscriptions (default + any used) and the tenant; GET /subscriptions/{id}", async () => {
    await call(sim, token, "PUT", `/subscriptions/${sub}/resourceGroups/rg1?api-version=2025-04-01`, {
      location: "eastus",
    });
    const list = await call(sim, token, "GET", "/subscriptions?api-version=2022-12-01");
    expect(list.body.value.map((s: { subscriptionId: string }) => s.subscriptionId)).toEqual([sim.subscriptionId, sub]);
    expect(list.body.value[0]).toMatchObject({
      state: "Enabled",
      tenantId: sim.tenantId,
      authorizationSource: "RoleBased",
    });
    const one = await call(sim, token, "GET", `/subscriptions/${sub}?api-version=2022-12-01`);
    expect(one.body).toMatchObject({ id: `/subscriptions/${sub}`, subscriptionId: sub });
    const tenants = await call(sim, token, "GET", "/tenants?api-version=2022-12-01");
    expect(tenants.body.value).toEqual([expect.objectContaining({ tenantId: sim.tenantId, tenantCategory: "Home" })]);
  });
});

describe("api-version checked per resource type", () => {
  it("answers NoRegisteredProviderFound for a provider type with an unknown version", async () => {
    const response = await call(
      sim,
      token,
      "GET",
      `/subscriptions/${sub}/resourceGroups/rg1/providers/Microsoft.ContainerService/managedClusters/x?api-version=1999-01-01`,
    );
    expect(response.status).toBe(400);
    expect(response.body.error.code).toBe("NoRegisteredProviderFound");
    expect(response.body.error.message).toMatch(
      /^No registered resource provider found for location '.+' and API version '1999-01-01' for type 'managedClusters'\. The supported api-versions are '.*2026-04-01.*'/,
    );
  });

  it("answers InvalidApiVersionParameter for ARM's own types", async () => {
    const response = await call(sim, token, "GET", `/subscriptions/${sub}/resourceGroups/rg1?api-version=1999-01-01`);
    expect(response.status).toBe(400);
    expect(response.body.error.code).toBe("InvalidApiVersionParameter");
  });

  it("judges a nested resource by its own provider (role assignment under a VNet)", async () => {
    const response = await call(
      sim,
      token,
      "GET",
      `/subscriptions/${sub}/resourceGroups/rg1/providers/Microsoft.Network/virtualNetworks/v/providers/Microsoft.Authorization/roleAssignments?api-version=2022-04-01`,
    );
    expect(response.status).toBe(200);
  });
});

describe("providers and role assignments", () => {
  it("registers a provider Registering → Registered and lists its resource types", async () => {
    // arm-api.md §4: register answers the Provider with registrationState Registering until done.
    const registered = await call(
      sim,
      token,
      "POST",
      `/subscriptions/${sub}/providers/Microsoft.ContainerService/register?api-version=2025-04-01`,
    );
    expect(registered.body).toMatchObject({
      namespace: "Microsoft.ContainerService",
      registrationState: "Registering",
    });
    expect(registered.body.resourceTypes.map((t: { resourceType: string }) => t.resourceType)).toContain(
      "managedClusters",
    );
    sim.control.setConfig({ providerRegistrationMs: 0 });
    const later = await call(
      sim,
      token,
      "GET",
      `/subscriptions/${sub}/providers/Microsoft.ContainerService?api-version=2025-04-01`,
    );
    expect(later.body.registrationState).toBe("Registered");
    // The api-versions the product speaks are among those the provider lists.
    const clusters = later.body.resourceTypes.find(
      (t: { resourceType: string }) => t.resourceType === "managedClusters",
    );
    expect(clusters.apiVersions).toContain(containerServiceApiVersion);
  });

  it("raises PrincipalNotFound for a new principal only when principalType is left out", async () => {
    const identity = (
      await call(
        sim,
        token,
        "PUT",
        `/subscriptions/${sub}/resourceGroups/rg1/providers/Microsoft.ManagedIdentity/userAssignedIdentities/fresh?api-version=2024-11-30`,
        { location: "eastus" },
      )
    ).body;
    const assign = (name: string, principalType?: string) =>
      call(
        sim,
        token,
        "PUT",
        `/subscriptions/${sub}/resourceGroups/rg1/providers/Microsoft.Authorization/roleAssignments/${name}?api-version=2022-04-01`,
        {
          properties: {
            roleDefinitionId: `/subscriptions/${sub}/providers/Microsoft.Authorization/roleDefinitions/b24988ac-6180-42a0-ab88-20f7382dd24c`,
            principalId: identity.properties.principalId,
            ...(principalType === undefined ? {} : { principalType }),
          },
        },
      );
    // The error text itself (aka.ms/docs-principaltype) says principalType avoids the replication-delay failure.
    const without = await assign("11111111-0000-4000-8000-000000000001");
    expect(without.status).toBe(400);
    expect(without.body.error.code).toBe("PrincipalNotFound");
    const withType = await assign("11111111-0000-4000-8000-000000000002", "ServicePrincipal");
    expect(withType.status).toBe(201);
  });
});
