/**
 * Entra ID as the Azure SDK and azure-cli (MSAL) use it: OpenID metadata and the client-credentials token endpoint, for
 * any tenant path — including `adfs`, the authority shape MSAL accepts without instance discovery against
 * login.microsoftonline.com (which az 2.45 otherwise always does) — and ARM's unauthenticated /metadata/endpoints,
 * which `az cloud register --endpoint-resource-manager` reads.
 */
import { randomBytes } from "node:crypto";
import { json, route, type Route, type SimRequest, type SimResponse } from "./http.js";
import type { SimulatorState } from "./state.js";

export function entraRoutes(state: SimulatorState): Route[] {
  const metadata = (request: SimRequest): SimResponse => {
    const tenant = request.params[0] ?? state.tenantId;
    const base = `${request.origin}/${tenant}`;
    return json(200, {
      token_endpoint: `${base}/oauth2/v2.0/token`,
      token_endpoint_auth_methods_supported: ["client_secret_post", "private_key_jwt", "client_secret_basic"],
      jwks_uri: `${base}/discovery/v2.0/keys`,
      response_modes_supported: ["query", "fragment", "form_post"],
      subject_types_supported: ["pairwise"],
      id_token_signing_alg_values_supported: ["RS256"],
      response_types_supported: ["code", "id_token", "code id_token", "id_token token"],
      scopes_supported: ["openid", "profile", "email", "offline_access"],
      issuer: `${base}/v2.0`,
      request_uri_parameter_supported: false,
      userinfo_endpoint: `${request.origin}/oidc/userinfo`,
      authorization_endpoint: `${base}/oauth2/v2.0/authorize`,
      device_authorization_endpoint: `${base}/oauth2/v2.0/devicecode`,
      http_logout_supported: true,
      frontchannel_logout_supported: true,
      end_session_endpoint: `${base}/oauth2/v2.0/logout`,
      claims_supported: ["sub", "iss", "aud", "exp", "iat", "tid"],
      tenant_region_scope: "NA",
      cloud_instance_name: "microsoftonline.com",
      cloud_graph_host_name: "graph.windows.net",
      msgraph_host: "graph.microsoft.com",
      rbac_url: "https://pas.windows.net",
    });
  };
  const token = (request: SimRequest): SimResponse => {
    const form = new URLSearchParams(request.rawBody);
    if (form.get("client_id") !== state.clientId || form.get("client_secret") !== state.clientSecret) {
      return json(401, {
        error: "invalid_client",
        error_description: "AADSTS7000215: Invalid client secret provided.",
        error_codes: [7000215],
      });
    }
    const issued = `sim.${randomBytes(24).toString("base64url")}`;
    state.issuedTokens.add(issued);
    state.changed();
    return json(200, { token_type: "Bearer", expires_in: 3599, ext_expires_in: 3599, access_token: issued });
  };
  return [
    route("GET", "/([^/]+)/v2\\.0/\\.well-known/openid-configuration", metadata),
    route("GET", "/([^/]+)/\\.well-known/openid-configuration", metadata),
    route("POST", "/([^/]+)/oauth2/v2\\.0/token", token),
    route("POST", "/([^/]+)/oauth2/token", token),
    route("GET", "/metadata/endpoints", (request) => {
      const origin = request.origin;
      // 2015-01-01 shape (azure-cli's cloud register reads authentication.loginEndpoint and audiences[0]).
      const legacy = {
        galleryEndpoint: `${origin}/`,
        graphEndpoint: "https://graph.windows.net/",
        portalEndpoint: `${origin}/`,
        authentication: {
          loginEndpoint: `${origin}/adfs`,
          audiences: [`${origin}/`, "https://management.core.windows.net/"],
        },
      };
      if ((request.query.get("api-version") ?? "2015-01-01") === "2015-01-01") return json(200, legacy);
      return json(200, [
        {
          portal: `${origin}/`,
          authentication: {
            loginEndpoint: `${origin}/adfs`,
            audiences: [`${origin}/`],
            tenant: "adfs",
            identityProvider: "ADFS",
          },
          media: `${origin}/`,
          graphAudience: "https://graph.windows.net/",
          graph: "https://graph.windows.net/",
          // Azure's own document names Microsoft Graph here; azure-cli refuses `role assignment list` without it.
          // The simulator's origin keeps any Graph call az makes on this machine.
          microsoftGraphResourceId: `${origin}/`,
          name: "AzureSimulator",
          suffixes: { storage: "core.windows.net", keyVaultDns: "vault.azure.net", acrLoginServer: "azurecr.io" },
          batch: `${origin}/`,
          resourceManager: `${origin}/`,
          vmImageAliasDoc: `${origin}/`,
          activeDirectoryDataLake: `${origin}/`,
          sqlManagement: `${origin}/`,
          gallery: `${origin}/`,
        },
      ]);
    }),
  ];
}
