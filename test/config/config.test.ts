import { describe, expect, it } from "vitest";
import { ConfigError, loadConfig } from "../../src/config.js";

describe("loadConfig", () => {
  it("applies production defaults when nothing is set", () => {
    const config = loadConfig({});
    expect(config.azure.resourceManagerEndpoint).toBe("https://management.azure.com");
    expect(config.timings).toEqual({
      clusterPollIntervalSeconds: 10,
      clusterFirstPollSeconds: 120,
      featurePollIntervalSeconds: 30,
      roleAssignmentRetrySeconds: 10,
      clusterTimeoutMinutes: 90,
      podReadyTimeoutMinutes: 15,
      transientRetryFirstSeconds: 5,
    });
    expect(config.allowedSubscriptionIds).toEqual([]);
  });

  it("treats empty settings as unset, as local.settings.json and Bicep write them", () => {
    const config = loadConfig({ AZURE_AUTHORITY_HOST: "", AZURE_TENANT_ID: " ", CLUSTER_POLL_INTERVAL_SECONDS: "" });
    expect(config.azure.authorityHost).toBeUndefined();
    expect(config.azure.tenantId).toBeUndefined();
    expect(config.timings.clusterPollIntervalSeconds).toBe(10);
  });

  it("parses allow-lists case-insensitively and trims the endpoint", () => {
    const config = loadConfig({
      ALLOWED_SUBSCRIPTION_IDS: " AAAA-1 , bbbb-2,",
      ALLOWED_LOCATIONS: "EastUS2",
      AZURE_RESOURCE_MANAGER_ENDPOINT: "https://localhost:8443/",
    });
    expect(config.allowedSubscriptionIds).toEqual(["aaaa-1", "bbbb-2"]);
    expect(config.allowedLocations).toEqual(["eastus2"]);
    expect(config.azure.resourceManagerEndpoint).toBe("https://localhost:8443");
  });

  it("names every bad setting at once and refuses plain http for ARM", () => {
    expect(() =>
      loadConfig({ AZURE_RESOURCE_MANAGER_ENDPOINT: "http://localhost:1", CLUSTER_POLL_INTERVAL_SECONDS: "0" }),
    ).toThrow(
      /AZURE_RESOURCE_MANAGER_ENDPOINT.*CLUSTER_POLL_INTERVAL_SECONDS|CLUSTER_POLL_INTERVAL_SECONDS.*AZURE_RESOURCE_MANAGER_ENDPOINT/,
    );
  });

  it("requires tenant and client ids with a client secret", () => {
    expect(() => loadConfig({ AZURE_CLIENT_SECRET: "s" })).toThrow(ConfigError);
  });
});
