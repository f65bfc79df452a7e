/**
 * The provisioning API as the Port backend calls it: as itself (its key in the API's CALLER_KEYS, sent as x-api-key),
 * for the Port user who started the run (X-On-Behalf-Of). How the backend authenticates is this file's business alone.
 */

export interface ClusterApiOptions {
  /** The Function app's address, e.g. https://func-aks-prov.azurewebsites.net */
  baseUrl: string;
  /** A key of the API's CALLER_KEYS, whose scope is where Port users may build. */
  apiKey: string;
}

export interface ApiProblem {
  status: number;
  title: string;
  detail: string;
  errors: { path: string; code: string; message: string }[];
}

export type ApiAnswer<T> = { ok: true; body: T } | { ok: false; problem: ApiProblem };

export interface StepView {
  name: string;
  status: string;
  detail: string | null;
}

export interface ClusterStatus {
  id: string;
  status: string;
  steps: StepView[];
  error: { step: string; code: string; message: string } | null;
  ipVerification: { passed: boolean; summary?: string } | null;
  request: Record<string, unknown> | null;
  requestedBy: string | null;
}

export const finalStatuses = ["Succeeded", "Failed", "Canceled", "Deleted"];

export class ClusterApi {
  readonly base: string;

  constructor(private readonly options: ClusterApiOptions) {
    this.base = options.baseUrl.replace(/\/+$/, "").replace(/\/api$/, "");
  }

  consoleUrl(id: string): string {
    return `${this.base}/api/console/#/runs/${id}`;
  }

  private async call<T>(
    method: string,
    path: string,
    headers: Record<string, string>,
    body?: unknown,
  ): Promise<ApiAnswer<T>> {
    const response = await fetch(`${this.base}/api${path}`, {
      method,
      headers: {
        "x-api-key": this.options.apiKey,
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
      // Not JSON (a gateway's page): reported by status below.
    }
    if (response.ok) return { ok: true, body: parsed as T };
    const problem = (parsed ?? {}) as Partial<ApiProblem>;
    return {
      ok: false,
      problem: {
        status: response.status,
        title: problem.title ?? `HTTP ${response.status}`,
        detail: problem.detail ?? "",
        errors: Array.isArray(problem.errors) ? problem.errors : [],
      },
    };
  }

  create(request: unknown, runId: string, user: string | null) {
    return this.call<{ id: string; status: string; statusUrl: string }>(
      "POST",
      "/clusters",
      { "idempotency-key": `port-${runId}`, ...onBehalfOf(user) },
      request,
    );
  }

  status(id: string) {
    return this.call<ClusterStatus>("GET", `/clusters/${encodeURIComponent(id)}`, {});
  }

  delete(id: string, user: string | null) {
    return this.call<{ id: string; status: string; statusUrl: string }>(
      "DELETE",
      `/clusters/${encodeURIComponent(id)}`,
      onBehalfOf(user),
    );
  }
}

function onBehalfOf(user: string | null): Record<string, string> {
  return user === null ? {} : { "x-on-behalf-of": `port:${user}` };
}
