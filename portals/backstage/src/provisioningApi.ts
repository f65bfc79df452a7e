/** The provisioning API calls the scaffolder actions make, with its problem+json answers kept whole. */
import { authHeaders, type ApiCredentials } from "./apiAuth.js";

export interface ProvisioningApiOptions extends ApiCredentials {
  /** The Function app's address, e.g. https://func-aks-prov.azurewebsites.net */
  baseUrl: string;
}

export interface Violation {
  path: string;
  code: string;
  message: string;
}

/** A refusal from the API, told in its own words: the title, the detail and every field that is wrong. */
export class ProvisioningApiError extends Error {
  constructor(
    readonly status: number,
    readonly title: string,
    readonly detail: string,
    readonly errors: Violation[],
  ) {
    const lines = errors.map((error) => `\n  - ${error.path}: ${error.message} [${error.code}]`).join("");
    super(`The provisioning API refused this (${status} ${title})${detail === "" ? "" : `: ${detail}`}${lines}`);
    this.name = "ProvisioningApiError";
  }
}

export interface ClusterStep {
  name: string;
  status: string;
  detail: string | null;
  startedAt: string | null;
}

export interface ClusterDocument {
  id: string;
  status: string;
  steps: ClusterStep[];
  error: { step: string; code: string; message: string } | null;
  ipVerification: { passed: boolean; summary?: unknown } | null;
  requestedBy: string | null;
}

export interface PlanAnswer {
  valid: boolean;
  violations: Violation[];
  warnings: Violation[];
  plan: Record<string, unknown> | null;
}

export interface Accepted {
  id: string;
  status: string;
  statusUrl: string;
}

export class ProvisioningApi {
  readonly base: string;

  constructor(
    private readonly options: ProvisioningApiOptions,
    private readonly userRef: string | undefined,
  ) {
    this.base = options.baseUrl.replace(/\/+$/, "").replace(/\/api$/, "");
  }

  /** The console page that draws the run's address map and IP verification. */
  consoleUrl(id: string): string {
    return `${this.base}/api/console/#/runs/${encodeURIComponent(id)}`;
  }

  private async call<T>(method: string, path: string, body?: unknown, headers: Record<string, string> = {}) {
    const response = await fetch(`${this.base}/api${path}`, {
      method,
      headers: {
        ...authHeaders(this.options, this.userRef),
        ...(body === undefined ? {} : { "content-type": "application/json" }),
        ...headers,
      },
      ...(body === undefined ? {} : { body: JSON.stringify(body) }),
    });
    const text = await response.text();
    let parsed: unknown = null;
    try {
      parsed = text === "" ? null : JSON.parse(text);
    } catch {
      // A gateway's HTML page: the status line below says enough.
    }
    if (response.ok) return parsed as T;
    const problem = (parsed ?? {}) as { title?: string; detail?: string; errors?: Violation[] };
    throw new ProvisioningApiError(
      response.status,
      problem.title ?? `HTTP ${response.status}`,
      problem.detail ?? "",
      Array.isArray(problem.errors) ? problem.errors : [],
    );
  }

  plan(request: unknown): Promise<PlanAnswer> {
    return this.call("POST", "/plans", request);
  }

  create(request: unknown, idempotencyKey: string): Promise<Accepted> {
    return this.call("POST", "/clusters", request, { "idempotency-key": idempotencyKey });
  }

  status(id: string): Promise<ClusterDocument> {
    return this.call("GET", `/clusters/${encodeURIComponent(id)}`);
  }

  delete(id: string): Promise<Accepted> {
    return this.call("DELETE", `/clusters/${encodeURIComponent(id)}`);
  }

  cancel(id: string): Promise<unknown> {
    return this.call("POST", `/clusters/${encodeURIComponent(id)}/cancel`);
  }
}
