/**
 * Fault injection shared by every endpoint the simulator serves — ARM, Entra and each cluster's Kubernetes API — so a
 * chaos test can make any service the product talks to throttle, fail or drop the connection.
 */
import type { IncomingMessage } from "node:http";
import type { SimRequest, SimResponse } from "./http.js";
import type { SimulatorState, StoredFault } from "./state.js";

export function matchFault(state: SimulatorState, request: Pick<SimRequest, "method" | "path">): StoredFault | undefined {
  return state.faults.find((fault) => {
    if (fault.count !== undefined && fault.fired >= fault.count) return false;
    if (fault.method !== undefined && fault.method.toUpperCase() !== request.method) return false;
    if (!new RegExp(fault.path, "i").test(request.path)) return false;
    return fault.probability === undefined || Math.random() < fault.probability;
  });
}

export function faultHeaders(fault: StoredFault): Record<string, string> {
  const headers: Record<string, string> = {};
  if (fault.retryAfterSeconds !== undefined) headers["Retry-After"] = String(fault.retryAfterSeconds);
  if (fault.retryAfterMs !== undefined) headers["retry-after-ms"] = String(fault.retryAfterMs);
  return headers;
}

/**
 * Applies a matched fault: counts it, waits its delay, and either destroys the connection (returns null) or hands back
 * the response the caller builds in its service's error shape.
 */
export async function fireFault(
  fault: StoredFault,
  incoming: IncomingMessage,
  respond: (fault: StoredFault) => SimResponse,
): Promise<SimResponse | null> {
  fault.fired += 1;
  if (fault.delayMs !== undefined) await new Promise((resolve) => setTimeout(resolve, fault.delayMs));
  if (fault.reset === true) {
    incoming.socket.destroy();
    return null;
  }
  return respond(fault);
}

/** The Kubernetes Status object an API server answers errors with (reason names per HTTP status, as apimachinery does). */
export function kubernetesFault(fault: StoredFault): SimResponse {
  const reasons: Record<number, string> = {
    400: "BadRequest",
    403: "Forbidden",
    404: "NotFound",
    409: "Conflict",
    429: "TooManyRequests",
    500: "InternalError",
    503: "ServiceUnavailable",
    504: "Timeout",
  };
  return {
    status: fault.status,
    headers: { "Content-Type": "application/json", ...faultHeaders(fault) },
    body: {
      kind: "Status",
      apiVersion: "v1",
      metadata: {},
      status: "Failure",
      message: fault.message ?? `injected fault ${fault.status}`,
      reason: fault.code ?? reasons[fault.status] ?? "InternalError",
      code: fault.status,
    },
  };
}
