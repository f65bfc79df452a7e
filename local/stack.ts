/**
 * The whole local stack, wired so nobody edits a file: Azurite (state), the Azure simulator (ARM, Entra, Kubernetes)
 * and the local Functions host running the built app, pointed at the simulator through its ordinary settings.
 */
import { join } from "node:path";
import { loadConfig } from "../src/config.js";
import {
  simulatorAppSettings,
  startAzureSimulator,
  type AzureSimulator,
  type SimulatorConfig,
  type SimulatorEndpoint,
} from "./azure-sim/index.js";
import { claimStateFolder } from "./durable-extension/stateEngine.js";
import type { Azurite } from "./host/azurite.js";
import { startSupervisedAzurite } from "./host/azuriteSupervisor.js";
import { callerKeyHash } from "../src/identity/callerKeys.js";
import { newKey } from "./host/keys.js";
import { createEasyAuthFront, type EasyAuthFront } from "./easyAuthFront.js";
import { startLocalHost, type DurableEngineKind, type LocalHost } from "./host/index.js";
import { keptSecret, repoRoot } from "./stackState.js";

export { repoRoot };

export interface StackOptions {
  port?: number;
  /** Simulated time per real time: 1 = AKS takes its real ~3.5 minutes; the default 0.1 takes ~20 s. */
  timeScale?: number;
  /** Keep orchestration state in Azurite under this folder (default `.azurite/`); `null` = in memory, no Azurite. */
  dataDir?: string | null;
  /**
   * The local caller key (x-api-key): CALLER_KEYS maps it to every subscription and group, a scope written out like any
   * other key's; unless env sets CALLER_KEYS itself. Generated when absent.
   */
  apiKey?: string;
  env?: Record<string, string>;
  /**
   * Play App Service authentication (Easy Auth) in front of the app: a signed test principal in `Authorization: Bearer`
   * becomes the `x-ms-client-principal` header, as the platform adds it. The signing key is kept with the state.
   */
  easyAuth?: boolean;
  /** The Durable engine: the local host's own (default) or the real extension (needs dotnet and Azurite). */
  engine?: DurableEngineKind;
  log?: (line: string) => void;
  /** Lines a developer must see even when not verbose (Azurite exited, restarted); stderr unless given. */
  notice?: (line: string) => void;
}

export interface Stack {
  apiBaseUrl: string;
  apiKey: string;
  simulator: AzureSimulator;
  host: LocalHost;
  azurite: Azurite | null;
  /** The Easy Auth front, when the stack plays it (mint test principals with `sign`). */
  easyAuth: EasyAuthFront | null;
  close(): Promise<void>;
}

/** The API's production poll and retry intervals (config.ts's defaults) × the simulator's time scale. */
export function scaledTimings(timeScale: number): Record<string, string> {
  const production = loadConfig({}).timings;
  const scaled = (productionSeconds: number) =>
    String(Math.max(0.1, Math.round(productionSeconds * timeScale * 1000) / 1000));
  return {
    CLUSTER_POLL_INTERVAL_SECONDS: scaled(production.clusterPollIntervalSeconds),
    CLUSTER_FIRST_POLL_SECONDS: scaled(production.clusterFirstPollSeconds ?? 0),
    FEATURE_POLL_INTERVAL_SECONDS: scaled(production.featurePollIntervalSeconds),
    ROLE_ASSIGNMENT_RETRY_SECONDS: scaled(production.roleAssignmentRetrySeconds),
    TRANSIENT_RETRY_FIRST_INTERVAL_SECONDS: scaled(production.transientRetryFirstSeconds),
  };
}

/** How the local stack's simulated Azure behaves, over the simulator's defaults. */
export const localSimulatorConfig = {
  principalNotFoundWindowMs: 3_000,
  // ARM's and AKS's request buckets at their published rates, refilled on the simulated clock.
  throttling: true,
  featureRegistrationMs: 60_000,
  podStartupMs: 2_000,
} satisfies Partial<SimulatorConfig>;

/** CALLER_KEYS for one local key reaching every subscription and group (a developer's own machine). */
export function localCallerKeys(apiKey: string, id = "local"): string {
  return JSON.stringify({
    keys: [{ id, sha256: callerKeyHash(apiKey), subscriptions: ["*"], resourceGroups: ["*"] }],
  });
}

/** The app settings of a local host wired to a simulator (in this process or its own) at that time scale. */
export function localAppSettings(simulator: SimulatorEndpoint, timeScale: number): Record<string, string> {
  return {
    FUNCTIONS_WORKER_RUNTIME: "node",
    DURABLE_TASK_HUB: "AksProvisioningLocal",
    ...simulatorAppSettings(simulator),
    // The production intervals on the simulator's clock, so a local run waits as a real one would, scaled.
    ...scaledTimings(timeScale),
    // Webhook receivers on this machine (a pipeline or portal under development) may be plain http on loopback.
    NOTIFY_ALLOW_LOOPBACK: "true",
    // The host refuses a body past this while it streams in; the app's own limit (64 KiB) is far below, so no request
    // it could take is cut, and a huge body costs the host a mebibyte, not its size.
    FUNCTIONS_REQUEST_BODY_SIZE_LIMIT: String(1024 * 1024),
  };
}

export async function startStack(options: StackOptions = {}): Promise<Stack> {
  const dataDir = options.dataDir === undefined ? join(repoRoot, ".azurite") : options.dataDir;
  if (dataDir !== null) claimStateFolder(dataDir, options.engine ?? "local");
  const azurite =
    dataDir === null
      ? null
      : await startSupervisedAzurite({
          dataDir,
          report: options.notice ?? ((line: string) => console.error(line)),
          ...(options.log === undefined ? {} : { log: options.log }),
        });
  const apiKey = options.apiKey ?? newKey();
  const easyAuth =
    options.easyAuth === true
      ? createEasyAuthFront({ signingKey: easyAuthKey(dataDir ?? join(repoRoot, ".local")) })
      : null;
  let simulator: AzureSimulator | undefined;
  try {
    simulator = await startAzureSimulator({
      port: 0,
      timeScale: options.timeScale ?? 0.1,
      // Beside Azurite's data: the simulated Azure (resources, operations, identities, CA, client secret, port) outlives
      // a restart, so runs stored in Azurite resume against the same world they were building.
      ...(dataDir === null ? { certDir: join(repoRoot, ".local") } : { stateDir: join(dataDir, "azure-sim") }),
      ...localSimulatorConfig,
    });
    const host = await startLocalHost({
      appRoot: repoRoot,
      port: options.port ?? 7071,
      ...(options.engine === undefined ? {} : { engine: options.engine }),
      storage:
        azurite === null ? { kind: "memory" } : { kind: "azure-tables", connectionString: azurite.connectionString },
      ...(options.log === undefined ? {} : { log: options.log }),
      ...(easyAuth === null ? {} : { easyAuth }),
      env: {
        ...localAppSettings(simulator, options.timeScale ?? 0.1),
        AzureWebJobsStorage: azurite?.connectionString ?? "",
        ...(easyAuth === null ? {} : { EASY_AUTH_ENABLED: "true" }),
        CALLER_KEYS: localCallerKeys(apiKey),
        ...options.env,
      },
    });
    const sim = simulator;
    return {
      apiBaseUrl: `${host.baseUrl}/api`,
      apiKey,
      simulator: sim,
      host,
      azurite,
      easyAuth,
      close: async () => {
        await host.close();
        await sim.close();
        await azurite?.close();
      },
    };
  } catch (error) {
    await simulator?.close();
    await azurite?.close();
    throw error;
  }
}

/** The Easy Auth front's signing key, kept beside the state so test principals minted before a restart still verify. */
export function easyAuthKey(folder: string): string {
  return keptSecret(folder, "easy-auth.key", 32);
}
