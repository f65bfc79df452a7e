/**
 * Every call the HTTP handlers make to storage (the app's tables, and the Durable client, whose every call reads or
 * writes the task hub) answers within a bound: a storage account that hangs or is gone becomes a 503 the caller can
 * retry, never a request that hangs, and never a 202 for a run whose start was not acknowledged.
 */
import { toServiceFailure } from "./serviceFailure.js";

/** Long enough for the SDK's own quick retries of a blip; far shorter than any client's patience. */
export const storageDeadlineMs = 5_000;
/** What a 503 asks the caller to wait: storage that was away for a deadline is rarely back sooner. */
export const storageRetryAfterSeconds = 5;

/** Storage did not answer within the deadline, or could not be reached at all. */
export class StorageUnavailable extends Error {
  override readonly name = "StorageUnavailable";
}

/** A deadline passed, or a connection to storage (or to the Durable endpoint in front of it) could not be made. */
export function isStorageOutage(error: unknown): boolean {
  return error instanceof StorageUnavailable || toServiceFailure(error).service === "network";
}

/** `work` within `ms`, else StorageUnavailable. Its own failures pass through: callers retry or map them. */
export async function withinDeadline<T>(what: string, work: Promise<T>, ms = storageDeadlineMs): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new StorageUnavailable(`${what} did not answer within ${ms} ms`)), ms);
  });
  try {
    return await Promise.race([work, timeout]);
  } finally {
    clearTimeout(timer);
  }
}

/**
 * The same client with a deadline on every call that returns a promise: one wrapper, so no call site (status read,
 * start, terminate, purge, raise event) can forget it.
 */
export function withStorageDeadlines<T extends object>(client: T, what: string, ms = storageDeadlineMs): T {
  return new Proxy(client, {
    get(target, property, receiver) {
      const value: unknown = Reflect.get(target, property, receiver);
      if (typeof value !== "function") return value;
      return (...args: unknown[]) => {
        const result: unknown = Reflect.apply(value as (...a: unknown[]) => unknown, target, args);
        return result instanceof Promise ? withinDeadline(`${what} ${String(property)}`, result, ms) : result;
      };
    },
  });
}
