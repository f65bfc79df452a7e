/**
 * The simulator's world: configuration knobs, a scalable clock, stored ARM resources, long-running operations,
 * fault rules and the request log.
 */
import { randomUUID } from "node:crypto";

export interface SimulatorConfig {
  /** 1 = real durations (AKS create ≈ 3.5 min); 0.001 for tests. */
  timeScale: number;
  /** How long a new identity's principal is unknown to role assignments (Entra replication), in real ms. */
  principalNotFoundWindowMs: number;
  /** Feature registration time (Registering → Registered), in unscaled ms. */
  featureRegistrationMs: number;
  /** Pods stay Pending this long after their node is ready, in real ms. */
  podStartupMs: number;
  /** Send Retry-After on poll responses as real ARM does (slows SDK pollers; off in tests). */
  emitRetryAfter: boolean;
  /** Preview flags that went GA: registering them answers 404, as real ARM does for retired flags. */
  retiredFeatures: string[];
  /**
   * kubenet: attach AKS's route table to the node subnet when the cluster identity may write it. `false` reproduces the
   * documented bug of seed 2, where the table is left unassociated whatever the permissions.
   */
  associateRouteTable: boolean;
}

export const defaultConfig: SimulatorConfig = {
  timeScale: 1,
  principalNotFoundWindowMs: 10_000,
  featureRegistrationMs: 60_000,
  podStartupMs: 3_000,
  emitRetryAfter: true,
  retiredFeatures: [],
  associateRouteTable: true,
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

export interface AsyncOperation {
  id: string;
  /** Azure-AsyncOperation polls answer from this; Location polls (RG delete) from `done`. */
  status: () => { status: string; error?: { code: string; message: string; details: unknown[] } };
  startedAt: number;
}

export class SimulatorState {
  config: SimulatorConfig;
  readonly resources = new Map<string, StoredResource>();
  readonly operations = new Map<string, AsyncOperation>();
  readonly faults: StoredFault[] = [];
  readonly log: RequestLogEntry[] = [];
  readonly tenantId = "72f988bf-86f1-41af-91ab-2d7cd011db47";
  readonly clientId = "0a1b2c3d-0000-4000-8000-5157a7e0c11e";
  readonly clientSecret = `sim-secret-${randomUUID()}`;
  readonly defaultSubscriptionId = "11111111-2222-3333-4444-555555555555";
  readonly issuedTokens = new Set<string>();

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

  addOperation(status: AsyncOperation["status"]): AsyncOperation {
    const operation = { id: randomUUID(), status, startedAt: this.now() };
    this.operations.set(operation.id, operation);
    return operation;
  }

  reset(): void {
    this.resources.clear();
    this.operations.clear();
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
