/**
 * The Azure simulator: one HTTPS server on loopback speaking the ARM subset the product and azure-cli use, an Entra
 * token endpoint, a control API under /_sim/, and a Kubernetes API server per simulated cluster on its own port.
 * With `stateDir` the whole world is persisted and reloaded on the next start (persistence.ts).
 */
import { mkdirSync, writeFileSync } from "node:fs";
import { createServer, type Server } from "node:https";
import { randomBytes } from "node:crypto";
import { mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import type { AddressInfo } from "node:net";
import { armRoutes } from "./arm/index.js";
import { checkApiVersion } from "./arm/apiVersions.js";
import { aksCreateMs } from "./arm/containerservice.js";
import { vnetCreateMs } from "./arm/network.js";
import { ArmContext } from "./arm/context.js";
import { createCertificateAuthority, issueServerCertificate } from "./certificates.js";
import { controlRoutes, faultResponse, matchFault, type SimulatorControl } from "./control.js";
import { fireFault } from "./faults.js";
import { entraRoutes } from "./entra.js";
import { armError, readRequest, send, type Route, type SimRequest, type SimResponse } from "./http.js";
import { kubeconfigFor } from "./kube/kubeconfig.js";
import { KubeServers } from "./kube/server.js";
import { Throttler } from "./throttling.js";
import { applyState, loadState, snapshot, StateWriter } from "./persistence.js";
import { SimulatorState, type Certificates, type SimulatorConfig } from "./state.js";

export type { FaultRule, RequestLogEntry, SimulatorConfig } from "./state.js";
export type { SimulatorControl } from "./control.js";

export interface AzureSimulatorOptions extends Partial<SimulatorConfig> {
  /** 0 = any free port; with a stateDir holding a previous port, that port is tried first. */
  port?: number;
  host?: string;
  /** Where ca.pem is written (default: stateDir, else a temporary folder). */
  certDir?: string;
  /** Persist the whole state here and reload it on start (see persistence.ts). */
  stateDir?: string;
  log?: (line: string) => void;
  /** Told of every ARM exchange with copies of its bodies, as the wire carried them (contract tests check them). */
  onExchange?: (exchange: ArmExchange) => void;
}

export interface ArmExchange {
  method: string;
  path: string;
  apiVersion: string;
  requestBody: unknown;
  status: number;
  responseBody: unknown;
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
  stateDir: string | null;
  control: SimulatorControl;
  /** Writes pending state (if persisted) and stops the ARM and every cluster's server. */
  close(): Promise<void>;
}

function dispatchTo(routes: Route[], request: SimRequest): Promise<SimResponse> | SimResponse | undefined {
  for (const candidate of routes) {
    const match = candidate.method === request.method ? candidate.pattern.exec(request.path) : null;
    if (match !== null) return candidate.handler({ ...request, params: match.slice(1) });
  }
  return undefined;
}

async function listenOn(server: Server, host: string, ports: number[]): Promise<number> {
  for (const [index, port] of ports.entries()) {
    try {
      await new Promise<void>((resolve, reject) => {
        server.once("error", reject);
        server.listen(port, host, () => {
          server.off("error", reject);
          resolve();
        });
      });
      return (server.address() as AddressInfo).port;
    } catch (error) {
      if (index === ports.length - 1) throw error;
    }
  }
  throw new Error("no port to listen on");
}

export async function startAzureSimulator(options: AzureSimulatorOptions = {}): Promise<AzureSimulator> {
  const { port = 0, host = "127.0.0.1", certDir, stateDir, log, onExchange, ...config } = options;
  const state = new SimulatorState(config);
  const saved = stateDir === undefined ? null : loadState(stateDir);
  if (saved !== null) applyState(state, saved);
  let certificates: Certificates;
  if (saved !== null) certificates = saved.certificates;
  else {
    const authority = createCertificateAuthority();
    const server = issueServerCertificate(authority, "localhost");
    certificates = { ...authority, serverCertPem: server.certPem, serverKeyPem: server.keyPem };
  }
  const directory = certDir ?? stateDir ?? mkdtempSync(join(tmpdir(), "azure-sim-"));
  mkdirSync(directory, { recursive: true });
  const caCertPath = join(directory, "ca.pem");
  writeFileSync(caCertPath, certificates.caCertPem);

  const kubeServers = new KubeServers(state, host, log);
  const ctx = new ArmContext(state, () => certificates, kubeServers);
  const armTable = armRoutes(ctx);
  const throttler = new Throttler(state);

  const control: SimulatorControl = {
    reset: () => {
      void kubeServers.stopAll();
      throttler.reset();
      state.reset();
      state.changed();
    },
    requestLog: () => [...state.log],
    inventory: () => state.inventory(),
    addFault: (rule) => {
      const fault = { ...rule, id: randomBytes(6).toString("hex"), fired: 0 };
      state.faults.push(fault);
      return fault.id;
    },
    faults: () => state.faults.map((fault) => ({ ...fault })),
    clearFaults: () => {
      state.faults.length = 0;
    },
    config: () => ({ ...state.config }),
    setConfig: (patch) => {
      state.config = { ...state.config, ...patch };
    },
    kubeconfig: async (resourceGroup, clusterName, subscriptionId) => {
      ctx.settleAll();
      const suffix =
        `/resourcegroups/${resourceGroup}/providers/microsoft.containerservice/managedclusters/${clusterName}`.toLowerCase();
      const record = [...state.aks.values()].find(
        (candidate) =>
          candidate.id.endsWith(suffix) &&
          (subscriptionId === undefined || candidate.sub.toLowerCase() === subscriptionId.toLowerCase()),
      );
      const running =
        record?.kubeKey === null || record === undefined ? undefined : await ctx.kubeRunning(record.kubeKey);
      return running === undefined
        ? null
        : kubeconfigFor(running.cluster.data, certificates.caCertPem, clusterName, resourceGroup, "clusterAdmin");
    },
  };

  const publicRoutes = [...entraRoutes(state), ...controlRoutes(state, control)];

  const dispatch = async (request: SimRequest): Promise<SimResponse> => {
    const open = dispatchTo(publicRoutes, request);
    if (open !== undefined) return open;
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
    const apiVersion = request.query.get("api-version");
    if (apiVersion === null)
      return armError(
        400,
        "MissingApiVersionParameter",
        "The api-version query parameter (?api-version=) is required for all requests.",
      );
    const unsupported = checkApiVersion(request.path, apiVersion);
    if (unsupported !== null) return unsupported;
    const budget = throttler.check(request, state.clientId);
    if ("refused" in budget) return budget.refused;
    // A request never sees a state the clock has passed, whichever route answers it.
    ctx.settleAll();
    const handled = dispatchTo(armTable, request);
    const response =
      handled === undefined
        ? armError(
            404,
            "InvalidResourceType",
            `The resource type could not be found for ${request.method} ${request.path}.`,
          )
        : await handled;
    return { ...response, headers: { ...budget.headers, ...response.headers } };
  };

  // Set once the state folder's writer exists (after the port is bound); until then there is nothing to flush.
  const persist = { flush: (): void => undefined };
  const server: Server = createServer(
    { key: certificates.serverKeyPem, cert: certificates.serverCertPem },
    (incoming, outgoing) => {
      void (async () => {
        const request = { ...(await readRequest(incoming)), params: [] };
        const isControl = request.path.startsWith("/_sim/");
        const fault = isControl ? undefined : matchFault(state, request);
        let result: SimResponse;
        if (fault !== undefined) {
          const answered = await fireFault(fault, incoming, faultResponse);
          if (answered === null) {
            state.log.push({
              method: request.method,
              path: request.path,
              apiVersion: request.query.get("api-version"),
              status: 0,
              time: new Date().toISOString(),
            });
            return;
          }
          result = answered;
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
          const apiVersion = request.query.get("api-version");
          // Copies: a stored body the answer points at changes as its operation goes on.
          if (onExchange !== undefined && apiVersion !== null && result.stream === undefined && result.raw !== true)
            onExchange({
              method: request.method,
              path: request.path,
              apiVersion,
              requestBody: request.rawBody === "" ? undefined : structuredClone(request.body),
              status: result.status,
              responseBody: result.body === undefined ? undefined : structuredClone(result.body),
            });
        }
        if (request.method !== "GET") {
          state.changed();
          // Durable before answered, as Azure is: a caller that saw this write succeed finds it after a crash.
          persist.flush();
        }
        send(outgoing, result);
      })();
    },
  );

  const boundPort = await listenOn(server, host, saved !== null && port === 0 ? [saved.port, 0] : [port]);
  const writer =
    stateDir === undefined ? null : new StateWriter(stateDir, () => snapshot(state, boundPort, certificates));
  persist.flush = () => writer?.flush();
  if (writer !== null) state.onChange = () => writer.schedule();
  // Operations loaded from disk complete on the clock as if the simulator had never stopped.
  for (const operation of state.operations.values()) ctx.arm(operation);
  for (const data of state.kube.values()) ctx.startKube(data, false);
  await Promise.all([...state.kube.keys()].map((key) => ctx.kubeRunning(key)));
  writer?.flush();

  const url = `https://localhost:${boundPort}`;
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
    stateDir: stateDir ?? null,
    control,
    close: async () => {
      writer?.flush();
      state.onChange = () => undefined;
      await kubeServers.stopAll();
      await new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      });
    },
  };
}

/** What a client needs to reach a simulator, in this process or another one (`npm run sim -- --json` prints it). */
export type SimulatorEndpoint = Pick<
  AzureSimulator,
  | "url"
  | "armEndpoint"
  | "authorityHost"
  | "tenantId"
  | "clientId"
  | "clientSecret"
  | "subscriptionId"
  | "caCertPem"
  | "caCertPath"
>;

export function simulatorEndpoint(sim: AzureSimulator): SimulatorEndpoint {
  const { url, armEndpoint, authorityHost, tenantId, clientId, clientSecret, subscriptionId, caCertPem, caCertPath } =
    sim;
  return { url, armEndpoint, authorityHost, tenantId, clientId, clientSecret, subscriptionId, caCertPem, caCertPath };
}

/** The product's ordinary app settings that point it at this simulator: endpoint, authority, credential and CA. */
export function simulatorAppSettings(sim: SimulatorEndpoint): Record<string, string> {
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

/**
 * How long the simulated operations take at time scale 1 (the recordings' durations), and the Retry-After NRP sends
 * with a VNet PUT (a client that honours it cannot see the VNet done sooner), for benchmarks' references.
 */
export function simulatedDurations(): { aksCreateMs: number; vnetCreateMs: number; vnetRetryAfterSeconds: number } {
  return { aksCreateMs, vnetCreateMs, vnetRetryAfterSeconds: 10 };
}
export { scaledRetryAfterSeconds } from "./arm/context.js";
