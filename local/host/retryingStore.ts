/**
 * Retries storage calls through a short outage (Azurite restarting, a dropped connection) with exponential backoff,
 * so a blip of a few seconds delays work instead of failing an episode or killing the process. Every store operation
 * is idempotent (upserts, deletes that ignore 404), so a call whose answer was lost can simply be repeated.
 */
import type { HistoryEvent, InstanceRecord, InstanceStore } from "./store.js";

export interface RetryPolicy {
  /** Give up (and let the caller's own recovery take over) after this long. */
  maxElapsedMs: number;
  firstDelayMs: number;
  maxDelayMs: number;
}

export const defaultStorageRetry: RetryPolicy = { maxElapsedMs: 30_000, firstDelayMs: 100, maxDelayMs: 2_000 };

/** Client errors (bad request, too large, conflict) will not go away by waiting; everything else may. */
export function isTransientStorageError(error: unknown): boolean {
  const status = (error as { statusCode?: unknown }).statusCode;
  if (typeof status === "number") return status === 408 || status === 429 || status >= 500;
  return true;
}

export async function withStorageRetry<T>(
  operation: string,
  call: () => Promise<T>,
  policy: RetryPolicy,
  log: (line: string) => void,
): Promise<T> {
  const started = Date.now();
  let delay = policy.firstDelayMs;
  for (let attempt = 1; ; attempt += 1) {
    try {
      return await call();
    } catch (error) {
      if (!isTransientStorageError(error) || Date.now() - started + delay > policy.maxElapsedMs) throw error;
      if (attempt === 1) log(`storage: ${operation} failed (${describeError(error)}); retrying`);
      await new Promise((resolve) => setTimeout(resolve, delay));
      delay = Math.min(delay * 2, policy.maxDelayMs);
    }
  }
}

export function describeError(error: unknown): string {
  if (!(error instanceof Error)) return String(error);
  const code = (error as { code?: unknown }).code;
  return typeof code === "string" ? `${code}: ${error.message}` : error.message;
}

export class RetryingStore implements InstanceStore {
  constructor(
    private readonly inner: InstanceStore,
    private readonly log: (line: string) => void,
    private readonly policy: RetryPolicy = defaultStorageRetry,
  ) {}

  private retry<T>(operation: string, call: () => Promise<T>): Promise<T> {
    return withStorageRetry(operation, call, this.policy, this.log);
  }

  init(): Promise<void> {
    return this.retry("init", () => this.inner.init());
  }
  listInstances(): Promise<InstanceRecord[]> {
    return this.retry("listInstances", () => this.inner.listInstances());
  }
  getInstance(instanceId: string): Promise<InstanceRecord | undefined> {
    return this.retry("getInstance", () => this.inner.getInstance(instanceId));
  }
  saveInstance(record: InstanceRecord): Promise<void> {
    return this.retry("saveInstance", () => this.inner.saveInstance(record));
  }
  deleteInstance(instanceId: string): Promise<void> {
    return this.retry("deleteInstance", () => this.inner.deleteInstance(instanceId));
  }
  getHistory(instanceId: string): Promise<HistoryEvent[]> {
    return this.retry("getHistory", () => this.inner.getHistory(instanceId));
  }
  appendHistory(instanceId: string, from: number, events: HistoryEvent[]): Promise<void> {
    return this.retry("appendHistory", () => this.inner.appendHistory(instanceId, from, events));
  }
  clearHistory(instanceId: string): Promise<void> {
    return this.retry("clearHistory", () => this.inner.clearHistory(instanceId));
  }
  addInbox(instanceId: string, key: string, event: HistoryEvent): Promise<void> {
    return this.retry("addInbox", () => this.inner.addInbox(instanceId, key, event));
  }
  getInbox(instanceId: string): Promise<{ key: string; event: HistoryEvent }[]> {
    return this.retry("getInbox", () => this.inner.getInbox(instanceId));
  }
  removeInbox(instanceId: string, keys: string[]): Promise<void> {
    return this.retry("removeInbox", () => this.inner.removeInbox(instanceId, keys));
  }
}
