/**
 * The azure-cli commands that point az at a local stack's simulated Azure and log in, as a user pastes them (or runs
 * them with `eval "$(npm run -s az-login)"`). Debian's azure-cli 2.45 is the one they are written for:
 * - the cloud comes from the simulator's /metadata/endpoints (2019-05-01 shape, as az maps Azure's own), because
 *   `az cloud register --endpoint-resource-manager` reads only the 2015 shape, which has no Microsoft Graph endpoint;
 * - the `2020-09-01-hybrid` profile, because with the default profile that package's network commands
 *   (`az network vnet subnet list`) fail before they send a request;
 * - AZURE_CONFIG_DIR inside the stack's state folder keeps the user's own az profile apart.
 */
import type { SimulatorLogin } from "./stackState.js";

export const azCloudName = "AzureSim";
export const azProfile = "2020-09-01-hybrid";

/** One cloud of ARM's /metadata/endpoints?api-version=2019-05-01 answer (the fields az maps). */
export interface ArmCloudMetadata {
  resourceManager: string;
  graphAudience?: string;
  microsoftGraphResourceId?: string;
  authentication: { loginEndpoint: string; audiences: string[] };
  suffixes?: { storage?: string; keyVaultDns?: string };
}

/** azure-cli's cloud configuration (`az cloud register --cloud-config`) for that metadata. */
export function azCloudConfig(metadata: ArmCloudMetadata): Record<string, unknown> {
  const audience = metadata.authentication.audiences[0] ?? metadata.resourceManager;
  return {
    endpoints: {
      resourceManager: metadata.resourceManager,
      management: audience,
      activeDirectory: metadata.authentication.loginEndpoint,
      activeDirectoryResourceId: audience,
      ...(metadata.graphAudience === undefined ? {} : { activeDirectoryGraphResourceId: metadata.graphAudience }),
      ...(metadata.microsoftGraphResourceId === undefined
        ? {}
        : { microsoftGraphResourceId: metadata.microsoftGraphResourceId }),
    },
    suffixes: {
      storageEndpoint: metadata.suffixes?.storage ?? "core.windows.net",
      keyvaultDns: `.${(metadata.suffixes?.keyVaultDns ?? "vault.azure.net").replace(/^\./, "")}`,
    },
    profile: azProfile,
  };
}

/** A word as POSIX shells read it back unchanged. */
export function shellQuote(word: string): string {
  return /^[\w@%+=:,./-]+$/.test(word) ? word : `'${word.replaceAll("'", `'"'"'`)}'`;
}

/** The lines to paste: environment, cloud (registered, or updated when it already is), then the login. */
export function azLoginCommands(login: SimulatorLogin, metadata: ArmCloudMetadata, configDir: string): string[] {
  return [
    `# az against the local stack's simulated Azure at ${login.url} (your own az profile stays untouched)`,
    `export AZURE_CONFIG_DIR=${shellQuote(configDir)} REQUESTS_CA_BUNDLE=${shellQuote(login.caCertPath)}`,
    `cloud=${shellQuote(JSON.stringify(azCloudConfig(metadata)))}`,
    `az cloud register -n ${azCloudName} --cloud-config "$cloud" 2>/dev/null ||` +
      ` az cloud update -n ${azCloudName} --cloud-config "$cloud"`,
    `az cloud set -n ${azCloudName}`,
    `az login --service-principal -u ${login.clientId} -p ${shellQuote(login.clientSecret)}` +
      ` --tenant ${login.tenantId} -o table`,
  ];
}
