/**
 * The whole product on one machine for end-to-end tests: the Azure simulator, the local Functions host running the
 * built app (dist/), and plain HTTP calls with a caller key, exactly as a pipeline would make them.
 */
import { createServer } from "node:http";
import type { AddressInfo } from "node:net";
import { fileURLToPath } from "node:url";
import {
  simulatorAppSettings,
  startAzureSimulator,
  type ArmExchange,
  type AzureSimulator,
  type AzureSimulatorOptions,
} from "../../local/azure-sim/index.js";
import { startAzurite, type Azurite } from "../../local/host/azurite.js";
import { startLocalHost, type LocalHost, type LocalHostOptions } from "../../local/host/index.js";
import { checkExchanges } from "../contract/armContract.js";
import { newKey } from "../../local/host/keys.js";
import { localCallerKeys } from "../../local/stack.js";

export const repoRoot = fileURLToPath(new URL("../..", import.meta.url));

export interface TestStack {
  sim: AzureSimulator;
  /** Every ARM exchange of the run, bodies included, in order. */
  exchanges: ArmExchange[];
  host: LocalHost;
  /** The machine caller's key (x-api-key), reaching every group through CALLER_KEYS unless env set its own. */
  apiKey: string;
  api(
    path: string,
    init?: { method?: string; body?: unknown; key?: string | null },
  ): Promise<{ status: number; headers: Headers; body: any }>;
  waitForFinal(id: string, timeoutMs?: number): Promise<any>;
  close(): Promise<void>;
}

export const fastTimings = {
  CLUSTER_POLL_INTERVAL_SECONDS: "1",
  // The simulator's AKS create takes ~0.5 s at this time scale; the production first wait (120 s) is not scaled here.
  CLUSTER_FIRST_POLL_SECONDS: "0",
  FEATURE_POLL_INTERVAL_SECONDS: "1",
  ROLE_ASSIGNMENT_RETRY_SECONDS: "1",
  TRANSIENT_RETRY_FIRST_INTERVAL_SECONDS: "1",
};

type StackStorage = { kind: "memory" } | { kind: "azure-tables"; connectionString: string };
type StackHostOptions = Pick<LocalHostOptions, "easyAuth" | "engine">;

/**
 * A file that imports several suites (sharedStack.extension.test.ts) sets E2E_SHARED_STACK: each suite's default
 * stack is then the same one, started by the first suite and closed by the last, saving a start of the real
 * extension (a .NET host, Azurite, a task hub) per suite. Suites run one after another in a file, so they never
 * share it at the same time; each names its own resource groups.
 */
let shared: { stack: Promise<TestStack>; users: number } | null = null;

export function startTestStack(
  simOptions: AzureSimulatorOptions = {},
  env: Record<string, string> = {},
  storage: StackStorage = { kind: "memory" },
  hostOptions: StackHostOptions = {},
): Promise<TestStack> {
  const isDefault =
    Object.keys(simOptions).length + Object.keys(env).length + Object.keys(hostOptions).length === 0 &&
    storage.kind === "memory";
  if (process.env.E2E_SHARED_STACK !== "1" || !isDefault) return startOwnStack(simOptions, env, storage, hostOptions);
  shared ??= { stack: startOwnStack(simOptions, env, storage, hostOptions), users: 0 };
  const current = shared;
  current.users += 1;
  return current.stack.then((stack) => ({
    ...stack,
    close: async () => {
      current.users -= 1;
      if (current.users > 0) return;
      shared = null;
      await stack.close();
    },
  }));
}

async function startOwnStack(
  simOptions: AzureSimulatorOptions,
  env: Record<string, string>,
  storage: StackStorage,
  hostOptions: StackHostOptions,
): Promise<TestStack> {
  const exchanges: ArmExchange[] = [];
  // vitest's "extension" project runs the same suites on the real Durable extension.
  const engine = hostOptions.engine ?? (process.env.E2E_DURABLE_ENGINE === "extension" ? "extension" : "local");
  hostOptions = { ...hostOptions, engine };
  // The real extension keeps its state in Azure Storage: without a store given, an in-memory Azurite of its own.
  const azurite: Azurite | null = engine === "extension" && storage.kind === "memory" ? await startAzurite({}) : null;
  if (azurite !== null) storage = { kind: "azure-tables", connectionString: azurite.connectionString };
  const sim = await startAzureSimulator({
    onExchange: (exchange) => exchanges.push(exchange),
    port: 0,
    timeScale: 0.002,
    emitRetryAfter: false,
    principalNotFoundWindowMs: 0,
    featureRegistrationMs: 20,
    podStartupMs: 20,
    ...simOptions,
  });
  const apiKey = newKey();
  const host = await startLocalHost({
    appRoot: repoRoot,
    port: 0,
    storage,
    timers: "real",
    ...hostOptions,
    env: {
      ...simulatorAppSettings(sim),
      DURABLE_TASK_HUB: "E2E",
      ...fastTimings,
      CALLER_KEYS: localCallerKeys(apiKey),
      // The tests' webhook receivers listen on this machine.
      NOTIFY_ALLOW_LOOPBACK: "true",
      ...env,
    },
  });

  const api: TestStack["api"] = async (path, init = {}) => {
    const headers: Record<string, string> = {};
    if (init.key !== null) headers["x-api-key"] = init.key ?? apiKey;
    if (init.body !== undefined) headers["content-type"] = "application/json";
    const response = await fetch(`${host.baseUrl}${path}`, {
      method: init.method ?? "GET",
      headers,
      ...(init.body === undefined
        ? {}
        : { body: typeof init.body === "string" ? init.body : JSON.stringify(init.body) }),
    });
    const text = await response.text();
    let body: unknown = text;
    try {
      body = text.length > 0 ? JSON.parse(text) : null;
    } catch {
      // leave as text
    }
    return { status: response.status, headers: response.headers, body };
  };

  const waitForFinal: TestStack["waitForFinal"] = async (id, timeoutMs = 50_000) => {
    const until = Date.now() + timeoutMs;
    for (;;) {
      const { status, body } = await api(`/api/clusters/${id}`);
      if (status !== 200) throw new Error(`status ${status}: ${JSON.stringify(body)}`);
      const whole = body.ipVerification?.omittedRows === undefined;
      if (["Succeeded", "Failed", "Canceled", "Deleted"].includes(body.status) && whole) return body;
      if (Date.now() > until)
        throw new Error(
          `timed out; last status ${JSON.stringify({ status: body.status, steps: body.steps, error: body.error })}`,
        );
      await new Promise((resolve) => setTimeout(resolve, 200));
    }
  };

  return {
    sim,
    exchanges,
    host,
    apiKey,
    api,
    waitForFinal,
    // Every run's ARM traffic is held to Azure's published contract: a call with no spec on record, or a body the
    // spec refuses, fails the test file.
    close: async () => {
      await host.close();
      await sim.close();
      await azurite?.close();
      const { violations } = checkExchanges(exchanges);
      if (violations.length > 0)
        throw new Error(
          `ARM exchanges outside azure-rest-api-specs:\n${violations
            .slice(0, 20)
            .map((v) => `${v.exchange}: ${v.where} ${v.path} ${v.message}`)
            .join("\n")}`,
        );
    },
  };
}

export const subscriptionId = "11111111-2222-3333-4444-555555555555";

/**
 * An overlay cluster's body in a VNet of its own: `more.network` adds to the network section, the rest of `more`
 * to the body (its pools, API server access).
 */
export function overlaySpec(
  name: string,
  vnetPrefix: string,
  nodeSubnet: { name: string; addressPrefix: string },
  more: { network?: Record<string, unknown>; [field: string]: unknown } = {},
): Record<string, any> {
  const { network, ...rest } = more;
  return {
    subscriptionId,
    resourceGroup: `rg-${name}`,
    location: "eastus2",
    clusterName: name,
    network: { mode: "overlay", vnet: { name: "vnet-aks", addressPrefixes: [vnetPrefix] }, nodeSubnet, ...network },
    ...rest,
  };
}

export function requestFor(mode: "pod-subnet" | "node-subnet" | "kubenet" | "overlay", name = `aks-${mode}`): any {
  const base = {
    subscriptionId,
    resourceGroup: `rg-${name}`,
    location: "eastus2",
    clusterName: name,
    nodePool: { count: 3 },
  };
  switch (mode) {
    case "pod-subnet":
      return {
        ...base,
        network: {
          mode,
          vnet: { name: "vnet-aks", addressPrefixes: ["10.240.0.0/12"] },
          nodeSubnet: { name: "snet-nodes", addressPrefix: "10.243.0.0/16" },
          podSubnet: { name: "snet-pods", addressPrefix: "10.242.0.0/16" },
          networkPolicy: "calico",
        },
        features: ["Microsoft.ContainerService/PodSubnetPreview"],
      };
    case "node-subnet":
      return {
        ...base,
        network: {
          mode,
          vnet: { name: "vnet-aks", addressPrefixes: ["10.10.0.0/16"] },
          nodeSubnet: { name: "snet-nodes", addressPrefix: "10.10.0.0/22" },
        },
      };
    case "kubenet":
      return {
        ...base,
        network: {
          mode,
          vnet: { name: "vnet-aks", addressPrefixes: ["172.16.0.0/16"] },
          nodeSubnet: { name: "snet-nodes", addressPrefix: "172.16.0.0/20" },
          podCidr: "10.16.0.0/16",
        },
      };
    case "overlay":
      return {
        ...base,
        network: {
          mode,
          vnet: { name: "vnet-aks", addressPrefixes: ["10.20.0.0/16"] },
          nodeSubnet: { name: "snet-nodes", addressPrefix: "10.20.0.0/24" },
          podCidr: "192.168.0.0/16",
        },
      };
  }
}

/** A webhook receiver on this machine that answers 200 and keeps every event it is sent, in order. */
export interface EventReceiver {
  url: string;
  events: { type: string; data: Record<string, any> }[];
  close(): Promise<void>;
}

export async function startEventReceiver(): Promise<EventReceiver> {
  const events: EventReceiver["events"] = [];
  const server = createServer((request, response) => {
    const chunks: Buffer[] = [];
    request.on("data", (chunk: Buffer) => chunks.push(chunk));
    request.on("end", () => {
      events.push(JSON.parse(Buffer.concat(chunks).toString("utf8")));
      response.writeHead(200).end();
    });
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    events,
    close: () => new Promise((resolve) => server.close(() => resolve())),
  };
}
