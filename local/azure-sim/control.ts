/**
 * The simulator's control API under /_sim/ (reset, request log, inventory, fault injection, configuration, a
 * cluster's kubeconfig) and how injected faults are matched and answered.
 */
import { armError, json, route, type Route, type SimRequest, type SimResponse } from "./http.js";
import type { FaultRule, RequestLogEntry, SimulatorConfig, SimulatorState, StoredFault } from "./state.js";

export interface SimulatorControl {
  reset(): void;
  requestLog(): RequestLogEntry[];
  inventory(): { id: string; type: string; provisioningState: string | null }[];
  addFault(rule: FaultRule): string;
  /** Every fault rule with how often it fired, so a test can prove its faults happened. */
  faults(): StoredFault[];
  clearFaults(): void;
  config(): SimulatorConfig;
  setConfig(patch: Partial<SimulatorConfig>): void;
  /** The admin kubeconfig of a cluster (searched across subscriptions when none is given), or null. */
  kubeconfig(resourceGroup: string, clusterName: string, subscriptionId?: string): Promise<string | null>;
}

export function controlRoutes(state: SimulatorState, control: SimulatorControl): Route[] {
  return [
    route("POST", "/_sim/reset", () => {
      control.reset();
      return { status: 204 };
    }),
    route("GET", "/_sim/requests", () => json(200, control.requestLog())),
    route("GET", "/_sim/inventory", () => json(200, control.inventory())),
    route("GET", "/_sim/faults", () => json(200, state.faults)),
    route("POST", "/_sim/faults", (request) => {
      const rule = request.body as FaultRule;
      if (typeof rule?.path !== "string" || typeof rule.status !== "number")
        return json(400, { error: "a fault needs path (regex) and status" });
      return json(201, { id: control.addFault(rule) });
    }),
    route("DELETE", "/_sim/faults", () => {
      control.clearFaults();
      return { status: 204 };
    }),
    route("GET", "/_sim/config", () => json(200, control.config())),
    route("PATCH", "/_sim/config", (request) => {
      control.setConfig(request.body as Partial<SimulatorConfig>);
      return json(200, control.config());
    }),
    route("GET", "/_sim/kubeconfig", async (request) => {
      const resourceGroup = request.query.get("resourceGroup") ?? "";
      const name = request.query.get("name") ?? "";
      const kubeconfig = await control.kubeconfig(resourceGroup, name, request.query.get("subscription") ?? undefined);
      return kubeconfig === null
        ? json(404, { error: `no running cluster '${name}' in resource group '${resourceGroup}'` })
        : { status: 200, body: kubeconfig, raw: true };
    }),
  ];
}

export function matchFault(state: SimulatorState, request: SimRequest): StoredFault | undefined {
  return state.faults.find((fault) => {
    if (fault.count !== undefined && fault.fired >= fault.count) return false;
    if (fault.method !== undefined && fault.method.toUpperCase() !== request.method) return false;
    if (!new RegExp(fault.path, "i").test(request.path)) return false;
    return fault.probability === undefined || Math.random() < fault.probability;
  });
}

/** The retry hints a fault rule asks for, whichever service answers it. */
export function faultHeaders(fault: StoredFault): Record<string, string> {
  const headers: Record<string, string> = {};
  if (fault.retryAfterSeconds !== undefined) headers["Retry-After"] = String(fault.retryAfterSeconds);
  if (fault.retryAfterMs !== undefined) headers["retry-after-ms"] = String(fault.retryAfterMs);
  return headers;
}

export function faultResponse(fault: StoredFault): SimResponse {
  const headers = faultHeaders(fault);
  if (fault.status === 429) headers["x-ms-ratelimit-remaining-subscription-writes"] = "0";
  return armError(
    fault.status,
    fault.code ?? "InjectedFault",
    fault.message ?? `Injected fault ${fault.code ?? fault.status}.`,
    {},
    headers,
  );
}
