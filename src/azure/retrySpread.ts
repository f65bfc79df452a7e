/**
 * Throttled callers wait a little longer than the service asks, each by a different amount. ARM and AKS answer a 429
 * with the time until their bucket has one request again, the same for everyone refused at that moment; a fleet whose
 * runs reach the same step together (every cluster asking for its credentials as it finishes) would all come back at
 * that instant, one would get through and the rest be refused again. The Azure SDK honours Retry-After exactly, so
 * its clients get `spreadThrottledRetries` in their pipelines; the Kubernetes retries use `spreadDelayMs` directly.
 * Both read the service's wait with `requestedWaitMs`.
 */
import type { PipelinePolicy, PipelineRequest } from "@azure/core-rest-pipeline";

/** At least what the service asked, at most `1 + 2^refusals` times it: later refusals spread wider. */
export function spreadDelayMs(askedMs: number, refusals: number, random = Math.random): number {
  return Math.round(askedMs * (1 + random() * 2 ** Math.max(0, refusals - 1)));
}

/**
 * The wait a service asked for: `retry-after-ms` or `x-ms-retry-after-ms` (Azure's), else `Retry-After` in seconds or
 * as an HTTP date; null when it named none. `header` reads one header by its lower-case name.
 */
export function requestedWaitMs(header: (name: string) => string | undefined, now = Date.now()): number | null {
  for (const name of ["retry-after-ms", "x-ms-retry-after-ms"]) {
    const value = header(name);
    const ms = Number(value);
    if (value !== undefined && Number.isFinite(ms) && ms >= 0) return ms;
  }
  const retryAfter = header("retry-after");
  if (retryAfter === undefined) return null;
  const seconds = Number(retryAfter);
  if (Number.isFinite(seconds) && seconds >= 0) return seconds * 1000;
  const date = Date.parse(retryAfter);
  return Number.isNaN(date) ? null : Math.max(0, date - now);
}

/**
 * A per-retry policy (`additionalPolicies` position "perRetry": after the SDK's retry policy), so it sees every
 * attempt's answer before the throttling strategy reads it: it rewrites a 429's wait as `retry-after-ms`, the header
 * that strategy reads first.
 */
export function spreadThrottledRetries(random = Math.random): PipelinePolicy {
  const refusals = new WeakMap<PipelineRequest, number>();
  return {
    name: "spreadThrottledRetries",
    async sendRequest(request, next) {
      const response = await next(request);
      if (response.status !== 429) return response;
      const asked = requestedWaitMs((name) => response.headers.get(name));
      if (asked === null) return response;
      const count = (refusals.get(request) ?? 0) + 1;
      refusals.set(request, count);
      response.headers.set("retry-after-ms", String(spreadDelayMs(asked, count, random)));
      return response;
    },
  };
}
