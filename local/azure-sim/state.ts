/**
 * The simulator's world as plain data: configuration knobs, stored ARM resources, long-running operations as records
 * (not closures, so they survive a restart), feature and provider registrations, AKS cluster records and each
 * simulated cluster's Kubernetes objects. Everything but the faults and the request log is persisted (persistence.ts).
 */
import { randomUUID } from "node:crypto";
import type { AksNetworkFacts, KubeClusterData } from "./kube/model.js";

export interface SimulatorConfig {
  /** 1 = real durations (AKS create ≈ 4 min as in the recording); 0.001 for tests. */
  timeScale: number;
  /** How long a new identity's principal is unknown to role assignments without principalType (Entra replication), in real ms. */
  principalNotFoundWindowMs: number;
  /** Feature registration time (Registering → Registered), in unscaled ms. */
  featureRegistrationMs: number;
  /** Resource provider registration time (Registering → Registered), in unscaled ms. */
  providerRegistrationMs: number;
  /** Pods stay Pending this long after creation, in real ms. */
  podStartupMs: number;
  /** Send Retry-After on poll responses where real ARM does (slows SDK pollers; off in tests). */
  emitRetryAfter: boolean;
  /** Preview flags that went GA: registering them answers 404, as real ARM does for retired flags. */
  retiredFeatures: string[];
  /**
   * kubenet: attach AKS's route table to the node subnet when the cluster identity may write it. `false` reproduces the
   * documented bug of seed 2, where the table is left unassociated whatever the permissions.
   */
  associateRouteTable: boolean;
  /** ARM and AKS token-bucket throttling (throttling.ts), at the real rates on the simulated clock. */
  throttling: boolean;
  /** Microsoft.Compute usage limits by quota name (cores, standardDSv5Family, …), over arm/compute.ts's defaults. */
  computeQuotas: Record<string, number>;
  /** What Microsoft.Authorization/permissions reports for the caller at any scope: everything unless a test denies. */
  callerPermissions: { actions: string[]; notActions: string[] }[];
}

export const defaultConfig: SimulatorConfig = {
  timeScale: 1,
  principalNotFoundWindowMs: 10_000,
  featureRegistrationMs: 60_000,
  providerRegistrationMs: 30_000,
  podStartupMs: 3_000,
  emitRetryAfter: true,
  retiredFeatures: [],
  associateRouteTable: true,
  throttling: false,
  computeQuotas: {},
  callerPermissions: [{ actions: ["*"], notActions: [] }],
};

export interface FaultRule {
  method?: string;
  /** Regular expression, case-insensitive, matched against the normalised request path. */
  path: string;
  count?: number;
  probability?: number;
  status: number;
  code?: string;
  message?: string;
  retryAfterSeconds?: number;
  retryAfterMs?: number;
  delayMs?: number;
  /** Destroy the connection instead of answering. */
  reset?: boolean;
}

export interface StoredFault extends FaultRule {
  id: string;
  fired: number;
}

export interface RequestLogEntry {
  method: string;
  path: string;
  apiVersion: string | null;
  status: number;
  time: string;
}

export interface StoredResource {
  id: string;
  type: string;
  body: Record<string, unknown>;
  createdAt: number;
}

export interface OperationError {
  code: string;
  message: string;
  details: unknown[];
}

/**
 * A long-running operation: it completes at `endsAt` on the simulated clock by running the named `action` (registered
 * by the provider module that started it) on `target`, whether or not anybody polls.
 */
export interface OperationRecord {
  id: string;
  startedAt: number;
  endsAt: number;
  action: string;
  target: string;
  done: boolean;
  error?: OperationError;
  /** Ended by an abort (AKS): its status is Canceled and its completion action never ran. */
  canceled?: boolean;
}

/** What an AKS create left to finish: the network facts it validated and where its Kubernetes API lives. */
export interface AksRecord {
  id: string;
  operationId: string;
  sub: string;
  rg: string;
  nodeResourceGroup: string;
  location: string;
  principalId: string;
  /** The validated network, in the shape the Kubernetes model needs (kube/model.ts ClusterNetwork + ids). */
  network: AksNetworkFacts;
  kubeKey: string | null;
  /** The network an update in progress moves the cluster to (kubenet → overlay), applied when it completes. */
  pendingNetwork?: AksNetworkFacts;
  /** The update in progress reimages the nodes (Cilium, API server VNet integration): pods restart when it completes. */
  pendingReimage?: "rolling" | "all-at-once";
  /** ARM's systemData of each pool written on its own (by lower-case name); pools the cluster PUT made share its. */
  poolSystemData?: Record<string, Record<string, unknown>>;
}

export interface Certificates {
  caCertPem: string;
  caKeyPem: string;
  serverCertPem: string;
  serverKeyPem: string;
}

/** The one tenant and app registration the simulator's Entra knows: constant, so a login survives a fresh state. */
export const simulatorTenantId = "72f988bf-86f1-41af-91ab-2d7cd011db47";
export const simulatorClientId = "0a1b2c3d-0000-4000-8000-5157a7e0c11e";

export class SimulatorState {
  config: SimulatorConfig;
  readonly resources = new Map<string, StoredResource>();
  readonly operations = new Map<string, OperationRecord>();
  readonly aks = new Map<string, AksRecord>();
  readonly kube = new Map<string, KubeClusterData>();
  /** Registration start times, keyed `sub/namespace/feature` and `sub/namespace` (lower case). */
  readonly features = new Map<string, number>();
  readonly providers = new Map<string, number>();
  readonly faults: StoredFault[] = [];
  readonly log: RequestLogEntry[] = [];
  readonly tenantId = simulatorTenantId;
  readonly clientId = simulatorClientId;
  clientSecret = `sim-secret-${randomUUID()}`;
  readonly defaultSubscriptionId = "11111111-2222-3333-4444-555555555555";
  readonly issuedTokens = new Set<string>();
  /** Called after anything persistent changed (persistence.ts debounces the write). */
  onChange: () => void = () => undefined;

  constructor(config: Partial<SimulatorConfig>) {
    this.config = { ...defaultConfig, ...config };
  }

  now(): number {
    return Date.now();
  }

  /** A simulated duration in real milliseconds. */
  scaled(ms: number): number {
    return Math.max(0, Math.round(ms * this.config.timeScale));
  }

  changed(): void {
    this.onChange();
  }

  get(id: string): StoredResource | undefined {
    return this.resources.get(id.toLowerCase());
  }

  put(resource: StoredResource): void {
    this.resources.set(resource.id.toLowerCase(), resource);
  }

  delete(id: string): boolean {
    return this.resources.delete(id.toLowerCase());
  }

  /** Everything whose id lies under `prefix` (a resource group id removes what it holds, role assignments included). */
  deleteUnder(prefix: string): void {
    const lower = prefix.toLowerCase();
    for (const key of [...this.resources.keys()]) {
      if (key === lower || key.startsWith(`${lower}/`)) this.resources.delete(key);
    }
  }

  ofType(type: string): StoredResource[] {
    return [...this.resources.values()].filter((resource) => resource.type.toLowerCase() === type.toLowerCase());
  }

  /** Subscriptions the simulator knows: the default one plus every one a resource was created in (any GUID works). */
  subscriptions(): string[] {
    const seen = new Set([this.defaultSubscriptionId]);
    for (const resource of this.resources.values()) {
      const sub = /^\/subscriptions\/([^/]+)/i.exec(resource.id)?.[1];
      if (sub !== undefined) seen.add(sub.toLowerCase());
    }
    return [...seen];
  }

  reset(): void {
    this.resources.clear();
    this.operations.clear();
    this.aks.clear();
    this.kube.clear();
    this.features.clear();
    this.providers.clear();
    this.faults.length = 0;
    this.log.length = 0;
  }

  inventory(): { id: string; type: string; provisioningState: string | null }[] {
    return [...this.resources.values()].map((resource) => ({
      id: resource.id,
      type: resource.type,
      provisioningState: provisioningStateOf(resource.body),
    }));
  }
}

export function provisioningStateOf(body: Record<string, unknown>): string | null {
  const properties = body.properties as Record<string, unknown> | undefined;
  const state = properties?.provisioningState;
  return typeof state === "string" ? state : null;
}
