/**
 * The module's settings under `aksProvisioning` in app-config.yaml:
 *
 *   aksProvisioning:
 *     baseUrl: https://func-aks-prov.azurewebsites.net
 *     apiKey: ${AKS_PROVISIONING_KEY}     # a key of the API's CALLER_KEYS
 *     pollIntervalSeconds: 10      # how often a waiting action reads the run
 *     heartbeatSeconds: 30         # the longest the task log stays quiet
 *     timeoutMinutes: 90           # how long create/delete wait for their run
 */
import type { RootConfigService } from "@backstage/backend-plugin-api";
import type { ProvisioningApiOptions } from "./provisioningApi.js";

export interface AksSettings {
  api: ProvisioningApiOptions;
  pollMs: number;
  heartbeatMs: number;
  timeoutMs: number;
}

export function readSettings(config: RootConfigService): AksSettings {
  const section = config.getConfig("aksProvisioning");
  return {
    api: { baseUrl: section.getString("baseUrl"), apiKey: section.getString("apiKey") },
    pollMs: (section.getOptionalNumber("pollIntervalSeconds") ?? 10) * 1000,
    heartbeatMs: (section.getOptionalNumber("heartbeatSeconds") ?? 30) * 1000,
    timeoutMs: (section.getOptionalNumber("timeoutMinutes") ?? 90) * 60_000,
  };
}
