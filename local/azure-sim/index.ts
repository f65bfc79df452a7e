/**
 * The Azure simulator: one HTTPS server on loopback speaking the ARM subset the product uses, an Entra token endpoint
 * good enough for ClientSecretCredential, a Kubernetes API per simulated cluster, and a control API under /_sim/.
 */
import { mkdtempSync, mkdirSync, writeFileSync } from "node:fs";
import { createServer, type Server } from "node:https";
import { randomBytes } from "node:crypto";
import { tmpdir } from "node:os";
import { join } from "node:path";
import type { AddressInfo } from "node:net";
import { ArmSimulator } from "./arm.js";
import { createCertificates } from "./certificates.js";
import { armError, json, readRequest, route, send, type Route, type SimRequest, type SimResponse } from "./http.js";
import {
  SimulatorState,
  type FaultRule,
  type RequestLogEntry,
  type SimulatorConfig,
  type StoredFault,
} from "./state.js";

export type { FaultRule, RequestLogEntry, SimulatorConfig } from "./state.js";

export interface AzureSimulatorOptions extends Partial<SimulatorConfig> {
  port?: number;
  host?: string;
  certDir?: string;
  log?: (line: string) => void;
}

export interface SimulatorControl {
  reset(): void;
  requestLog(): RequestLogEntry[];
  inventory(): { id: string; type: string; provisioningState: string | null }[];
  addFault(rule: FaultRule): string;
  clearFaults(): void;
  config(): SimulatorConfig;
  setConfig(patch: Partial<SimulatorConfig>): void;
}

export interface AzureSimulator {
  url: string;
  armEndpoint: string;
  authorityHost: string;
  tenantId: string;
  clientId: string;
  clientSecret: string;
  subscriptionId: string;
  caCertPem: string;
  caCertPath: string;
  control: SimulatorControl;
  close(): Promise<void>;
}

function tokenRoutes(state: SimulatorState): Route[] {
  const metadata = (request: SimRequest): SimResponse => {
    const tenant = request.params[0] ?? state.tenantId;
    const base = `${request.origin}/${tenant}`;
    return json(200, {
      token_endpoint: `${base}/oauth2/v2.0/token`,
      token_endpoint_auth_methods_supported: ["client_secret_post", "private_key_jwt", "client_secret_basic"],
      jwks_uri: `${request.origin}/${tenant}/discovery/v2.0/keys`,
      response_modes_supported: ["query", "fragment", "form_post"],
      subject_types_supported: ["pairwise"],
      id_token_signing_alg_values_supported: ["RS256"],
      response_types_supported: ["code", "id_token", "code id_token", "id_token token"],
      scopes_supported: ["openid", "profile", "email", "offline_access"],
      issuer: `${request.origin}/${tenant}/v2.0`,
      request_uri_parameter_supported: false,
      userinfo_endpoint: `${request.origin}/oidc/userinfo`,
      authorization_endpoint: `${base}/oauth2/v2.0/authorize`,
      device_authorization_endpoint: `${base}/oauth2/v2.0/devicecode`,
      http_logout_supported: true,
      frontchannel_logout_supported: true,
      end_session_endpoint: `${base}/oauth2/v2.0/logout`,
      claims_supported: ["sub", "iss", "aud", "exp", "iat", "tid"],
      kerberos_endpoint: `${base}/kerberos`,
      tenant_region_scope: "NA",
      cloud_instance_name: "microsoftonline.com",
      cloud_graph_host_name: "graph.windows.net",
      msgraph_host: "graph.microsoft.com",
      rbac_url: "https://pas.windows.net",
    });
  };
  return [
    route("GET", "/([^/]+)/v2\\.0/\\.well-known/openid-configuration", metadata),
    route("GET", "/([^/]+)/\\.well-known/openid-configuration", metadata),
    route("POST", "/([^/]+)/oauth2/v2\\.0/token", (request) => {
      const form = new URLSearchParams(request.rawBody);
      if (form.get("client_id") !== state.clientId || form.get("client_secret") !== state.clientSecret) {
        return json(401, {
          error: "invalid_client",
          error_description: "AADSTS7000215: Invalid client secret provided.",
          error_codes: [7000215],
        });
      }
      const token = `sim.${randomBytes(24).toString("base64url")}`;
      state.issuedTokens.add(token);
      return json(200, { token_type: "Bearer", expires_in: 3599, ext_expires_in: 3599, access_token: token });
    }),
  ];
}

function controlRoutes(state: SimulatorState, control: SimulatorControl): Route[] {
  return [
    route("POST", "/_sim/reset", () => {
      control.reset();
      return { status: 204 };
    }),
    route("GET", "/_sim/requests", () => json(200, control.requestLog())),
    route("GET", "/_sim/inventory", () => json(200, control.inventory())),
    route("GET", "/_sim/faults", () => json(200, state.faults)),
    route("POST", "/_sim/faults", (request) => {
      const rule = request.body as FaultRule;
      if (typeof rule?.path !== "string" || typeof rule.status !== "number")
        return json(400, { error: "a fault needs path (regex) and status" });
      return json(201, { id: control.addFault(rule) });
    }),
    route("DELETE", "/_sim/faults", () => {
      control.clearFaults();
      return { status: 204 };
    }),
    route("GET", "/_sim/config", () => json(200, control.config())),
    route("PATCH", "/_sim/config", (request) => {
      control.setConfig(request.body as Partial<SimulatorConfig>);
      return json(200, control.config());
    }),
  ];
}

function matchFault(state: SimulatorState, request: SimRequest): StoredFault | undefined {
  return state.faults.find((fault) => {
    if (fault.count !== undefined && fault.fired >= fault.count) return false;
    if (fault.method !== undefined && fault.method.toUpperCase() !== request.method) return false;
    if (!new RegExp(fault.path, "i").test(request.path)) return false;
    return fault.probability === undefined || Math.random() < fault.probability;
  });
}

function faultResponse(fault: StoredFault): SimResponse {
  const headers: Record<string, string> = {};
  if (fault.retryAfterSeconds !== undefined) headers["Retry-After"] = String(fault.retryAfterSeconds);
  if (fault.retryAfterMs !== undefined) headers["retry-after-ms"] = String(fault.retryAfterMs);
  if (fault.status === 429) headers["x-ms-ratelimit-remaining-subscription-writes"] = "0";
  return armError(
    fault.status,
    fault.code ?? "InjectedFault",
    fault.message ?? `Injected fault ${fault.code ?? fault.status}.`,
    {},
    headers,
  );
}

export async function startAzureSimulator(options: AzureSimulatorOptions = {}): Promise<AzureSimulator> {
  const { port = 0, host = "127.0.0.1", certDir, log, ...config } = options;
  const state = new SimulatorState(config);
  const certificates = createCertificates();
  const directory = certDir ?? mkdtempSync(join(tmpdir(), "azure-sim-"));
  mkdirSync(directory, { recursive: true });
  const caCertPath = join(directory, "ca.pem");
  writeFileSync(caCertPath, certificates.caCertPem);
  const arm = new ArmSimulator(state, () => certificates.caCertPem);

  const control: SimulatorControl = {
    reset: () => {
      state.reset();
      arm.reset();
    },
    requestLog: () => [...state.log],
    inventory: () => state.inventory(),
    addFault: (rule) => {
      const fault = { ...rule, id: randomBytes(6).toString("hex"), fired: 0 };
      state.faults.push(fault);
      return fault.id;
    },
    clearFaults: () => {
      state.faults.length = 0;
    },
    config: () => ({ ...state.config }),
    setConfig: (patch) => {
      state.config = { ...state.config, ...patch };
    },
  };

  const publicRoutes = [...tokenRoutes(state), ...controlRoutes(state, control)];
  const armRoutes = arm.routes();

  const dispatch = async (request: SimRequest): Promise<SimResponse> => {
    for (const candidate of publicRoutes) {
      const match = candidate.method === request.method ? candidate.pattern.exec(request.path) : null;
      if (match !== null) return candidate.handler({ ...request, params: match.slice(1) });
    }
    const k8s = /^\/k8s\/([^/]+)\//.exec(request.path);
    if (k8s !== null) {
      const cluster = arm.kubernetes.get(k8s[1] ?? "");
      if (cluster === undefined)
        return json(404, {
          kind: "Status",
          status: "Failure",
          reason: "NotFound",
          code: 404,
          message: "no such cluster",
        });
      if (request.headers.authorization !== `Bearer ${cluster.token}`) {
        return json(401, {
          kind: "Status",
          apiVersion: "v1",
          metadata: {},
          status: "Failure",
          message: "Unauthorized",
          reason: "Unauthorized",
          code: 401,
        });
      }
      for (const candidate of cluster.routes()) {
        const match = candidate.method === request.method ? candidate.pattern.exec(request.path) : null;
        if (match !== null) return candidate.handler({ ...request, params: match.slice(1) });
      }
      return json(404, {
        kind: "Status",
        status: "Failure",
        reason: "NotFound",
        code: 404,
        message: `the server could not find the requested resource (${request.method} ${request.path})`,
      });
    }
    const token = /^Bearer (.+)$/.exec(request.headers.authorization ?? "")?.[1];
    if (token === undefined || !state.issuedTokens.has(token)) {
      return armError(
        401,
        token === undefined ? "AuthenticationFailed" : "InvalidAuthenticationToken",
        token === undefined
          ? "Authentication failed. The 'Authorization' header is missing."
          : "The access token is invalid.",
      );
    }
    if (request.query.get("api-version") === null) {
      return armError(
        400,
        "MissingApiVersionParameter",
        "The api-version query parameter (?api-version=) is required for all requests.",
      );
    }
    for (const candidate of armRoutes) {
      const match = candidate.method === request.method ? candidate.pattern.exec(request.path) : null;
      if (match !== null) return candidate.handler({ ...request, params: match.slice(1) });
    }
    return armError(
      404,
      "InvalidResourceType",
      `The resource type could not be found for ${request.method} ${request.path}.`,
    );
  };

  const server: Server = createServer(
    { key: certificates.serverKeyPem, cert: certificates.serverCertPem },
    (incoming, outgoing) => {
      void (async () => {
        const request = { ...(await readRequest(incoming)), params: [] };
        const isControl = request.path.startsWith("/_sim/");
        const fault = isControl ? undefined : matchFault(state, request);
        let result: SimResponse;
        if (fault !== undefined) {
          fault.fired += 1;
          if (fault.delayMs !== undefined) await new Promise((resolve) => setTimeout(resolve, fault.delayMs));
          if (fault.reset === true) {
            state.log.push({
              method: request.method,
              path: request.path,
              apiVersion: request.query.get("api-version"),
              status: 0,
              time: new Date().toISOString(),
            });
            incoming.socket.destroy();
            return;
          }
          result = faultResponse(fault);
        } else {
          try {
            result = await dispatch(request);
          } catch (error) {
            result = armError(500, "InternalServerError", error instanceof Error ? error.message : String(error));
          }
        }
        if (!isControl) {
          state.log.push({
            method: request.method,
            path: request.path,
            apiVersion: request.query.get("api-version"),
            status: result.status,
            time: new Date().toISOString(),
          });
          log?.(`${request.method} ${request.path} → ${result.status}`);
        }
        send(outgoing, result);
      })();
    },
  );

  await new Promise<void>((resolve, reject) => {
    server.once("error", reject);
    server.listen(port, host, () => resolve());
  });
  const address = server.address() as AddressInfo;
  const url = `https://localhost:${address.port}`;
  return {
    url,
    armEndpoint: url,
    authorityHost: url,
    tenantId: state.tenantId,
    clientId: state.clientId,
    clientSecret: state.clientSecret,
    subscriptionId: state.defaultSubscriptionId,
    caCertPem: certificates.caCertPem,
    caCertPath,
    control,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

/** The product's ordinary app settings that point it at this simulator: endpoint, authority, credential and CA. */
export function simulatorAppSettings(sim: AzureSimulator): Record<string, string> {
  return {
    AZURE_RESOURCE_MANAGER_ENDPOINT: sim.armEndpoint,
    AZURE_AUTHORITY_HOST: sim.authorityHost,
    AZURE_TENANT_ID: sim.tenantId,
    AZURE_CLIENT_ID: sim.clientId,
    AZURE_CLIENT_SECRET: sim.clientSecret,
    AZURE_DISABLE_INSTANCE_DISCOVERY: "true",
    AZURE_CA_CERT_PATH: sim.caCertPath,
  };
}
