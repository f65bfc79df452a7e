/**
 * Per-request retries for a cluster's Kubernetes API, at the depth the Azure SDK pipeline gives every ARM call.
 * `@kubernetes/client-node` retries nothing, so a 429 from API Priority and Fairness, a 5xx or a dropped connection
 * failed the whole activity; an observation makes two calls, so at a few percent of faults whole verification attempts
 * kept failing and a run could spend its retry budget on them. Retries here reuse the same connection and credentials,
 * and wait at least what the server asks (spread: retrySpread.ts).
 */
import {
  IsomorphicFetchHttpLibrary,
  wrapHttpLibrary,
  type HttpLibrary,
  type RequestContext,
  type ResponseContext,
} from "@kubernetes/client-node";
import { requestedWaitMs, spreadDelayMs } from "./retrySpread.js";
import { toServiceFailure } from "./serviceFailure.js";

export interface KubernetesRetryPolicy {
  /** Retries after the first try. */
  retries: number;
  /** Exponential backoff with full jitter when the server names no wait: `baseDelayMs · 2^n`, at most `maxDelayMs`. */
  baseDelayMs: number;
  maxDelayMs: number;
}

/** As the Azure SDK's default: three retries, waits under a few seconds unless the server asks for longer. */
export const defaultKubernetesRetries: KubernetesRetryPolicy = { retries: 3, baseDelayMs: 400, maxDelayMs: 8_000 };

// client-go retries these when the server sends Retry-After; the API server sends it with 429 and 503.
const retriedStatus = new Set([408, 429, 500, 502, 503, 504]);

export function backoffDelayMs(policy: KubernetesRetryPolicy, retry: number, random = Math.random): number {
  return Math.round(random() * Math.min(policy.maxDelayMs, policy.baseDelayMs * 2 ** retry));
}

const sleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

/** Wraps `inner` (the library's own fetch) so that transient answers and lost connections are tried again. */
export function retryingHttpLibrary(
  policy: KubernetesRetryPolicy = defaultKubernetesRetries,
  inner: HttpLibrary = new IsomorphicFetchHttpLibrary(),
): HttpLibrary {
  return wrapHttpLibrary({
    async send(request: RequestContext): Promise<ResponseContext> {
      for (let retry = 0; ; retry++) {
        let response: ResponseContext;
        try {
          response = await inner.send(request).toPromise();
        } catch (error) {
          if (retry >= policy.retries || request.getSignal()?.aborted === true || !toServiceFailure(error).transient)
            throw error;
          await sleep(backoffDelayMs(policy, retry));
          continue;
        }
        if (retry >= policy.retries || !retriedStatus.has(response.httpStatusCode)) return response;
        // Read the refused answer to the end so its keep-alive socket goes back to the pool.
        await response.body.text().catch(() => undefined);
        // The library gives the headers with lower-case names.
        const asked = requestedWaitMs((name) => response.headers[name]);
        await sleep(asked === null ? backoffDelayMs(policy, retry) : spreadDelayMs(asked, retry + 1));
      }
    },
  });
}
