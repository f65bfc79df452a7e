/**
 * ARM's and AKS's request throttling as token buckets, with the limits Azure publishes:
 * - ARM, per subscription and principal and operation type: reads 250 burst / 25 s⁻¹, writes 200 / 10 s⁻¹, deletes
 *   200 / 10 s⁻¹; the subscription as a whole gets 15× that (learn.microsoft.com request-limits-and-throttling).
 *   Refusal: 429 SubscriptionRequestsThrottled, Retry-After; every answer carries x-ms-ratelimit-remaining-*.
 * - AKS RP (Microsoft.ContainerService), on top: operation-status GETs 200 / 2 s⁻¹ per subscription; PUT of a managed
 *   cluster 20 / 1 min⁻¹ per cluster; GET of a cluster 60 / 1 s⁻¹ per cluster; list 500 / 1 s⁻¹ per subscription;
 *   everything else 60 / 1 s⁻¹ per subscription (AKS docs quotas-skus-regions.md). Refusal: 429 Throttled, Retry-After.
 * Refill runs on the simulated clock (rates ÷ timeScale), so a scaled run throttles as a real one would.
 */
import { armError, type SimRequest, type SimResponse } from "./http.js";
import type { SimulatorState } from "./state.js";

interface Limit {
  burst: number;
  perSecond: number;
}

interface Bucket {
  tokens: number;
  updatedAt: number;
}

const arm: Record<"reads" | "writes" | "deletes", Limit> = {
  reads: { burst: 250, perSecond: 25 },
  writes: { burst: 200, perSecond: 10 },
  deletes: { burst: 200, perSecond: 10 },
};
const globalFactor = 15;

export class Throttler {
  private readonly buckets = new Map<string, Bucket>();

  constructor(private readonly state: SimulatorState) {}

  reset(): void {
    this.buckets.clear();
  }

  /** Takes one token from `key`; returns the tokens left, or the real ms until one is available. */
  private take(key: string, limit: Limit): { remaining: number } | { waitMs: number } {
    const now = this.state.now();
    // Simulated seconds per real ms: a time scale of 0.01 refills 100× faster in real time.
    const rate = limit.perSecond / 1000 / Math.max(this.state.config.timeScale, 1e-6);
    const bucket = this.buckets.get(key) ?? { tokens: limit.burst, updatedAt: now };
    bucket.tokens = Math.min(limit.burst, bucket.tokens + (now - bucket.updatedAt) * rate);
    bucket.updatedAt = now;
    this.buckets.set(key, bucket);
    if (bucket.tokens >= 1) {
      bucket.tokens -= 1;
      return { remaining: Math.floor(bucket.tokens) };
    }
    return { waitMs: Math.ceil((1 - bucket.tokens) / rate) };
  }

  /** null when the request may proceed (with the headers to add), else ARM's 429. */
  check(request: SimRequest, principal: string): { refused: SimResponse } | { headers: Record<string, string> } {
    if (!this.state.config.throttling) return { headers: {} };
    const sub = /^\/subscriptions\/([^/]+)/i.exec(request.path)?.[1]?.toLowerCase() ?? "tenant";
    const kind =
      request.method === "GET" || request.method === "HEAD"
        ? "reads"
        : request.method === "DELETE"
          ? "deletes"
          : "writes";
    const headers: Record<string, string> = {};
    const waits: { waitMs: number; aks: boolean }[] = [];
    const principalTake = this.take(`${sub}/${principal}/${kind}`, arm[kind]);
    const globalTake = this.take(`${sub}/${kind}`, {
      burst: arm[kind].burst * globalFactor,
      perSecond: arm[kind].perSecond * globalFactor,
    });
    if ("remaining" in principalTake)
      headers[`x-ms-ratelimit-remaining-subscription-${kind}`] = String(principalTake.remaining);
    else waits.push({ ...principalTake, aks: false });
    if ("remaining" in globalTake)
      headers[`x-ms-ratelimit-remaining-subscription-global-${kind}`] = String(globalTake.remaining);
    else waits.push({ ...globalTake, aks: false });
    const aks = this.aksBucket(request, sub);
    if (aks !== null) {
      const aksTake = this.take(aks.key, aks.limit);
      if ("waitMs" in aksTake) waits.push({ ...aksTake, aks: true });
    }
    if (waits.length === 0) return { headers };
    const waitMs = Math.max(...waits.map((w) => w.waitMs));
    const seconds = Math.max(1, Math.ceil(waitMs / 1000));
    const retry = { "Retry-After": String(seconds), "retry-after-ms": String(waitMs), ...headers };
    if (waits.some((w) => w.aks))
      return {
        refused: armError(
          429,
          "Throttled",
          `The request was throttled by the Microsoft.ContainerService resource provider. Please retry after ${seconds} seconds.`,
          {},
          retry,
        ),
      };
    return {
      refused: armError(
        429,
        "SubscriptionRequestsThrottled",
        `Number of '${kind.slice(0, -1)}' requests for subscription '${sub}' actor '${principal}' exceeded. Please try again after '${seconds}' seconds after additional tokens are available. Refer to https://aka.ms/arm-throttling`,
        {},
        { ...retry, [`x-ms-ratelimit-remaining-subscription-${kind}`]: "0" },
      ),
    };
  }

  private aksBucket(request: SimRequest, sub: string): { key: string; limit: Limit } | null {
    const path = request.path.toLowerCase();
    if (!path.includes("/providers/microsoft.containerservice/")) return null;
    if (/\/locations\/[^/]+\/(operations|operationresults)\//.test(path))
      return { key: `aks/${sub}/operations`, limit: { burst: 200, perSecond: 2 } };
    const cluster = /\/managedclusters\/([^/]+)$/.exec(path);
    if (cluster !== null && request.method === "PUT")
      return { key: `aks/${path}/put`, limit: { burst: 20, perSecond: 1 / 60 } };
    if (cluster !== null && request.method === "GET")
      return { key: `aks/${path}/get`, limit: { burst: 60, perSecond: 1 } };
    if (/\/managedclusters$/.test(path) && request.method === "GET")
      return { key: `aks/${sub}/list`, limit: { burst: 500, perSecond: 1 } };
    return { key: `aks/${sub}/other`, limit: { burst: 60, perSecond: 1 } };
  }
}
