/**
 * Faults on each cluster's Kubernetes API (matched by control.ts's rules, like ARM's and Entra's), so a chaos test can
 * make every service the product talks to throttle, fail or drop the connection.
 */
import type { IncomingMessage } from "node:http";
import { faultHeaders } from "./control.js";
import type { SimResponse } from "./http.js";
import type { StoredFault } from "./state.js";

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
