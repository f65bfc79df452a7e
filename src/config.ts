import { z } from "zod";
import { parseAccessPolicy, type AccessPolicy } from "./identity/accessPolicy.js";
import { parseCallerKeys, type CallerKeys } from "./identity/callerKeys.js";
import { parseReceiverHosts, type ReceiverHostPattern } from "./events/receiverHosts.js";

/** Settings a deployment sets: the infra tests check that the Bicep sets each one. */
export const deployedSettingNames = [
  "AZURE_RESOURCE_MANAGER_ENDPOINT",
  "AZURE_CLIENT_ID",
  "ALLOWED_SUBSCRIPTION_IDS",
  "ALLOWED_LOCATIONS",
  "CLUSTER_POLL_INTERVAL_SECONDS",
  "FEATURE_POLL_INTERVAL_SECONDS",
  "ROLE_ASSIGNMENT_RETRY_SECONDS",
  "CLUSTER_TIMEOUT_MINUTES",
  "POD_READY_TIMEOUT_MINUTES",
  "DURABLE_TASK_HUB",
] as const;

/** Settings only the local stack uses (service-principal auth against the simulator); never deployed. */
export const localOnlySettingNames = [
  "AZURE_AUTHORITY_HOST",
  "AZURE_TENANT_ID",
  "AZURE_CLIENT_SECRET",
  "AZURE_DISABLE_INSTANCE_DISCOVERY",
  "AZURE_CA_CERT_PATH",
] as const;

/**
 * Optional settings for portal and pipeline callers (identity, events); a deployment sets them when it uses the
 * feature. The local stack sets NOTIFY_ALLOW_LOOPBACK.
 */
export const optionalSettingNames = [
  "EASY_AUTH_ENABLED",
  "ACCESS_POLICY",
  "CALLER_KEYS",
  "NOTIFY_ALLOW_LOOPBACK",
  "NOTIFY_ALLOWED_HOSTS",
  "EVENT_GRID_TOPIC_ENDPOINT",
] as const;

/** Every app setting the product reads. */
export const configSettingNames = [...deployedSettingNames, ...localOnlySettingNames, ...optionalSettingNames] as const;

export type ConfigSettingName = (typeof configSettingNames)[number];

const commaList = z
  .string()
  .optional()
  .transform((value) =>
    (value ?? "")
      .split(",")
      .map((item) => item.trim().toLowerCase())
      .filter((item) => item.length > 0),
  );

// Fractions of a second are for the simulator's time scale (production values × the scale), not for Azure.
const seconds = (fallback: number) => z.coerce.number().min(0.1).max(86_400).default(fallback);

const flag = z
  .enum(["true", "false", "1", "0", ""])
  .optional()
  .transform((value) => value === "true" || value === "1");

const envSchema = z.object({
  AZURE_RESOURCE_MANAGER_ENDPOINT: z.url({ protocol: /^https$/ }).default("https://management.azure.com"),
  AZURE_AUTHORITY_HOST: z.url({ protocol: /^https$/ }).optional(),
  AZURE_TENANT_ID: z.string().min(1).optional(),
  AZURE_CLIENT_ID: z.string().min(1).optional(),
  AZURE_CLIENT_SECRET: z.string().min(1).optional(),
  AZURE_DISABLE_INSTANCE_DISCOVERY: flag,
  AZURE_CA_CERT_PATH: z.string().min(1).optional(),
  ALLOWED_SUBSCRIPTION_IDS: commaList,
  ALLOWED_LOCATIONS: commaList,
  // The cluster GET has a bucket per cluster (60 burst, 1 s⁻¹); a fleet's polls also draw on ARM's reads (25 s⁻¹ per
  // principal), which a poll every 10 s keeps within up to ~250 concurrent creates.
  CLUSTER_POLL_INTERVAL_SECONDS: seconds(10),
  // AKS builds a new cluster in minutes (its docs: typically 5–10); polls before this find it still Creating.
  CLUSTER_FIRST_POLL_SECONDS: z.coerce.number().min(0).max(3_600).default(120),
  FEATURE_POLL_INTERVAL_SECONDS: seconds(30),
  ROLE_ASSIGNMENT_RETRY_SECONDS: seconds(10),
  TRANSIENT_RETRY_FIRST_INTERVAL_SECONDS: seconds(5),
  CLUSTER_TIMEOUT_MINUTES: z.coerce
    .number()
    .int()
    .min(1)
    .max(24 * 60)
    .default(90),
  POD_READY_TIMEOUT_MINUTES: z.coerce
    .number()
    .int()
    .min(1)
    .max(24 * 60)
    .default(15),
  EASY_AUTH_ENABLED: flag,
  ACCESS_POLICY: z.string().optional(),
  CALLER_KEYS: z.string().optional(),
  NOTIFY_ALLOW_LOOPBACK: flag,
  NOTIFY_ALLOWED_HOSTS: z.string().optional(),
  EVENT_GRID_TOPIC_ENDPOINT: z.url({ protocol: /^https$/ }).optional(),
});

export interface AzureConnectionConfig {
  /** ARM endpoint; the simulator's URL locally. */
  resourceManagerEndpoint: string;
  authorityHost: string | undefined;
  tenantId: string | undefined;
  clientId: string | undefined;
  /** Present only for service-principal auth (the simulator's fake app registration); never logged. */
  clientSecret: string | undefined;
  disableInstanceDiscovery: boolean;
  /** Extra CA to trust for ARM and Entra calls (the simulator's CA); unset against real Azure. */
  caCertPath: string | undefined;
}

/** Timings the orchestrator needs; they travel in the orchestration input so replays never read the environment. */
export interface OrchestrationTimings {
  clusterPollIntervalSeconds: number;
  /** The wait before a new cluster's first poll (none when absent). */
  clusterFirstPollSeconds?: number;
  featurePollIntervalSeconds: number;
  roleAssignmentRetrySeconds: number;
  clusterTimeoutMinutes: number;
  podReadyTimeoutMinutes: number;
  /** First wait before Durable retries a transient fault; doubles per attempt up to a minute. */
  transientRetryFirstSeconds: number;
}

/** What the HTTP layer and the event activities need for callers, access and notifications. */
export interface ApiSettings {
  /** Trust x-ms-client-principal: only when App Service authentication is in front of the app. */
  easyAuthEnabled: boolean;
  /** Null: signed-in callers are not limited beyond the allow-lists. */
  accessPolicy: AccessPolicy | null;
  /** Machine callers' keys (hashes) and the scope each reaches; null: no key is accepted. */
  callerKeys: CallerKeys | null;
  notifyAllowLoopback: boolean;
  /** The only webhook receivers callers may name; null: any host the address rules let through. */
  notifyAllowedHosts: ReceiverHostPattern[] | null;
  eventGridTopicEndpoint: string | null;
}

export interface AppConfig {
  azure: AzureConnectionConfig;
  api: ApiSettings;
  allowedSubscriptionIds: string[];
  allowedLocations: string[];
  timings: OrchestrationTimings;
}

export class ConfigError extends Error {
  override readonly name = "ConfigError";
}

/** Validates the environment once; a bad setting stops the app at start with every problem named. */
export function loadConfig(env: Record<string, string | undefined> = process.env): AppConfig {
  // An empty app setting means "not set" (local.settings.json and Bicep both write empty strings).
  const present = Object.fromEntries(
    Object.entries(env).filter(([, value]) => value !== undefined && value.trim() !== ""),
  );
  const parsed = envSchema.safeParse(present);
  if (!parsed.success) {
    const problems = parsed.error.issues.map((issue) => `${issue.path.join(".")}: ${issue.message}`);
    throw new ConfigError(`Invalid app settings: ${problems.join("; ")}`);
  }
  const e = parsed.data;
  if (e.AZURE_CLIENT_SECRET !== undefined && (e.AZURE_TENANT_ID === undefined || e.AZURE_CLIENT_ID === undefined)) {
    throw new ConfigError("Invalid app settings: AZURE_CLIENT_SECRET needs AZURE_TENANT_ID and AZURE_CLIENT_ID");
  }
  let accessPolicy: AccessPolicy | null = null;
  if (e.ACCESS_POLICY !== undefined) {
    const policy = parseAccessPolicy(e.ACCESS_POLICY);
    if (!policy.ok) throw new ConfigError(`Invalid app settings: ${policy.message}`);
    accessPolicy = policy.policy;
  }
  let callerKeys: CallerKeys | null = null;
  if (e.CALLER_KEYS !== undefined) {
    const keys = parseCallerKeys(e.CALLER_KEYS);
    if (!keys.ok) throw new ConfigError(`Invalid app settings: ${keys.message}`);
    callerKeys = keys.keys;
  }
  let notifyAllowedHosts: ReceiverHostPattern[] | null = null;
  if (e.NOTIFY_ALLOWED_HOSTS !== undefined) {
    const hosts = parseReceiverHosts(e.NOTIFY_ALLOWED_HOSTS);
    if (!hosts.ok) throw new ConfigError(`Invalid app settings: ${hosts.message}`);
    notifyAllowedHosts = hosts.patterns;
  }
  return {
    api: {
      easyAuthEnabled: e.EASY_AUTH_ENABLED,
      accessPolicy,
      callerKeys,
      notifyAllowLoopback: e.NOTIFY_ALLOW_LOOPBACK,
      notifyAllowedHosts,
      eventGridTopicEndpoint: e.EVENT_GRID_TOPIC_ENDPOINT ?? null,
    },
    azure: {
      resourceManagerEndpoint: e.AZURE_RESOURCE_MANAGER_ENDPOINT.replace(/\/+$/, ""),
      authorityHost: e.AZURE_AUTHORITY_HOST,
      tenantId: e.AZURE_TENANT_ID,
      clientId: e.AZURE_CLIENT_ID,
      clientSecret: e.AZURE_CLIENT_SECRET,
      disableInstanceDiscovery: e.AZURE_DISABLE_INSTANCE_DISCOVERY,
      caCertPath: e.AZURE_CA_CERT_PATH,
    },
    allowedSubscriptionIds: e.ALLOWED_SUBSCRIPTION_IDS,
    allowedLocations: e.ALLOWED_LOCATIONS,
    timings: {
      clusterPollIntervalSeconds: e.CLUSTER_POLL_INTERVAL_SECONDS,
      clusterFirstPollSeconds: e.CLUSTER_FIRST_POLL_SECONDS,
      featurePollIntervalSeconds: e.FEATURE_POLL_INTERVAL_SECONDS,
      roleAssignmentRetrySeconds: e.ROLE_ASSIGNMENT_RETRY_SECONDS,
      clusterTimeoutMinutes: e.CLUSTER_TIMEOUT_MINUTES,
      podReadyTimeoutMinutes: e.POD_READY_TIMEOUT_MINUTES,
      transientRetryFirstSeconds: e.TRANSIENT_RETRY_FIRST_INTERVAL_SECONDS,
    },
  };
}

let cached: AppConfig | undefined;

/** The process-wide config, loaded on first use so that importing a module never throws. */
export function appConfig(): AppConfig {
  cached ??= loadConfig();
  return cached;
}
