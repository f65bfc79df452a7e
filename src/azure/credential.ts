import { readFileSync } from "node:fs";
import type { TokenCredential } from "@azure/core-auth";
import { ClientSecretCredential, DefaultAzureCredential } from "@azure/identity";
import type { AzureConnectionConfig } from "../config.js";

/** TLS settings for every Azure client: trusts the configured extra CA (the local simulator's) when there is one. */
export function tlsOptionsFor(config: AzureConnectionConfig): { ca: string } | undefined {
  return config.caCertPath === undefined ? undefined : { ca: readFileSync(config.caCertPath, "utf8") };
}

/**
 * Standard @azure/identity credentials only: a service principal when a secret is configured (CI, the local stack),
 * otherwise DefaultAzureCredential (managed identity in Azure, developer sign-in on a workstation).
 */
export function createCredential(config: AzureConnectionConfig): TokenCredential {
  const common = {
    ...(config.authorityHost === undefined ? {} : { authorityHost: config.authorityHost }),
    ...(config.caCertPath === undefined ? {} : { tlsOptions: tlsOptionsFor(config) }),
  };
  if (config.clientSecret !== undefined && config.tenantId !== undefined && config.clientId !== undefined) {
    return new ClientSecretCredential(config.tenantId, config.clientId, config.clientSecret, {
      ...common,
      disableInstanceDiscovery: config.disableInstanceDiscovery,
    });
  }
  return new DefaultAzureCredential({
    ...common,
    ...(config.clientId === undefined ? {} : { managedIdentityClientId: config.clientId }),
  });
}
