import type { TokenCredential } from "@azure/core-auth";
import { AuthorizationManagementClient } from "@azure/arm-authorization";
import { ContainerServiceClient } from "@azure/arm-containerservice";
import { FeatureClient } from "@azure/arm-features";
import { ManagedServiceIdentityClient } from "@azure/arm-msi";
import { NetworkManagementClient } from "@azure/arm-network";
import { ResourceManagementClient } from "@azure/arm-resources";
import type { AzureConnectionConfig } from "../config.js";
import { createCredential, tlsOptionsFor } from "./credential.js";
import { spreadThrottledRetries } from "./retrySpread.js";

/** The SDK clients for one subscription. Activities receive these; nothing else in the product builds a client. */
export interface AzureClients {
  subscriptionId: string;
  resources: ResourceManagementClient;
  features: FeatureClient;
  network: NetworkManagementClient;
  msi: ManagedServiceIdentityClient;
  authorization: AuthorizationManagementClient;
  containerService: ContainerServiceClient;
}

export type AzureClientFactory = (subscriptionId: string) => AzureClients;

/**
 * The managed-clusters api-version on the wire: the newest stable one, ahead of the SDK's own default. The SDK's
 * models carry every field the product sends, and test/contract checks each body against this version's spec.
 */
export const containerServiceApiVersion = "2026-10-01";

/** One credential per process (it caches tokens); clients cached per subscription. */
export function createAzureClientFactory(
  config: AzureConnectionConfig,
  credential?: TokenCredential,
): AzureClientFactory {
  const sharedCredential = credential ?? createCredential(config);
  const options = {
    endpoint: config.resourceManagerEndpoint,
    // One policy for every client: it keeps its count of refusals per request.
    additionalPolicies: [{ policy: spreadThrottledRetries(), position: "perRetry" as const }],
    ...(config.caCertPath === undefined ? {} : { tlsOptions: tlsOptionsFor(config) }),
  };
  const cache = new Map<string, AzureClients>();
  return (subscriptionId) => {
    const key = subscriptionId.toLowerCase();
    let clients = cache.get(key);
    if (clients === undefined) {
      clients = {
        subscriptionId,
        resources: new ResourceManagementClient(sharedCredential, subscriptionId, options),
        features: new FeatureClient(sharedCredential, subscriptionId, options),
        network: new NetworkManagementClient(sharedCredential, subscriptionId, options),
        msi: new ManagedServiceIdentityClient(sharedCredential, subscriptionId, options),
        authorization: new AuthorizationManagementClient(sharedCredential, subscriptionId, options),
        containerService: new ContainerServiceClient(sharedCredential, subscriptionId, {
          ...options,
          apiVersion: containerServiceApiVersion,
        }),
      };
      cache.set(key, clients);
    }
    return clients;
  };
}
