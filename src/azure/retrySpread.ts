/**
 * Throttled callers wait a little longer than the service asks, each by a different amount. ARM and AKS answer a 429
 * with the time until their bucket has one request again, the same for everyone refused at that moment; a fleet whose
 * runs reach the same step together (every cluster asking for its credentials as it finishes) would all come back at
 * that instant, one would get through and the rest be refused again. The Azure SDK honours Retry-After exactly, so
 * its clients get `spreadThrottledRetries` in their pipelines; the Kubernetes retries use `spreadDelayMs` directly.
 */
import type { PipelinePolicy, PipelineRequest, PipelineResponse } from "@azure/core-rest-pipeline";

/** At least what the service asked, at most `1 + 2^refusals` times it: later refusals spread wider. */
export function spreadDelayMs(askedMs: number, refusals: number, random = Math.random): number {
  return Math.round(askedMs * (1 + random() * 2 ** Math.max(0, refusals - 1)));
}

function askedMs(response: PipelineResponse): number | null {
  for (const header of ["retry-after-ms", "x-ms-retry-after-ms"]) {
    const value = Number(response.headers.get(header));
    if (response.headers.has(header) && Number.isFinite(value) && value >= 0) return value;
  }
  const retryAfter = response.headers.get("retry-after");
  if (retryAfter === undefined) return null;
  const seconds = Number(retryAfter);
  if (Number.isFinite(seconds) && seconds >= 0) return seconds * 1000;
  const date = Date.parse(retryAfter);
  return Number.isNaN(date) ? null : Math.max(0, date - Date.now());
}

/**
 * Placed after the SDK's retry policy, so it sees every attempt's answer before the throttling strategy reads it: it
 * rewrites a 429's wait as `retry-after-ms`, the header that strategy reads first.
 */
export function spreadThrottledRetries(random = Math.random): PipelinePolicy {
  const refusals = new WeakMap<PipelineRequest, number>();
  return {
    name: "spreadThrottledRetries",
    async sendRequest(request, next) {
      const response = await next(request);
      if (response.status !== 429) return response;
      const asked = askedMs(response);
      if (asked === null) return response;
      const count = (refusals.get(request) ?? 0) + 1;
      refusals.set(request, count);
      response.headers.set("retry-after-ms", String(spreadDelayMs(asked, count, random)));
      return response;
    },
  };
}
