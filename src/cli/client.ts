/** A small client for the provisioning API, shared by the CLI and `npm run demo`. */
import type { IpPlan, Violation } from "../domain/planner.js";
import type { StatusDocument, StatusSummary } from "../domain/statusDocument.js";

export interface ApiClientOptions {
  baseUrl: string;
  key: string | undefined;
}

export class ApiError extends Error {
  constructor(
    readonly status: number,
    readonly problem: { title?: string; detail?: string; errors?: Violation[] } | null,
  ) {
    super(problem?.detail ?? problem?.title ?? `HTTP ${status}`);
  }
}

export class ConnectionError extends Error {}

export interface Accepted {
  id: string;
  status: string;
  statusUrl: string;
  retryAfterSeconds: number | null;
}

export class ApiClient {
  private readonly base: string;

  constructor(private readonly options: ApiClientOptions) {
    this.base = options.baseUrl.replace(/\/+$/, "").replace(/\/api$/, "");
  }

  private async request(
    method: string,
    path: string,
    body?: unknown,
  ): Promise<{ status: number; headers: Headers; body: unknown }> {
    let response: Response;
    try {
      response = await fetch(`${this.base}/api${path}`, {
        method,
        headers: {
          ...(this.options.key === undefined ? {} : { "x-functions-key": this.options.key }),
          ...(body === undefined ? {} : { "content-type": "application/json" }),
        },
        ...(body === undefined ? {} : { body: JSON.stringify(body) }),
      });
    } catch (error) {
      const cause =
        (error as { cause?: { code?: string } }).cause?.code ??
        (error instanceof Error ? error.message : String(error));
      throw new ConnectionError(`Cannot reach the API at ${this.base} (${cause}). Is it running? Try \`npm start\`.`);
    }
    const text = await response.text();
    let parsed: unknown = null;
    try {
      parsed = text.length > 0 ? JSON.parse(text) : null;
    } catch {
      parsed = { detail: text };
    }
    if (response.status === 401)
      throw new ApiError(401, {
        title: "Unauthorized",
        detail: "The function key is missing or wrong (--key or AKS_PROVISIONING_KEY).",
      });
    if (response.status >= 400) throw new ApiError(response.status, parsed as ApiError["problem"]);
    return { status: response.status, headers: response.headers, body: parsed };
  }

  async plan(request: unknown): Promise<{ valid: boolean; violations: Violation[]; plan: IpPlan | null }> {
    return (await this.request("POST", "/plans", request)).body as {
      valid: boolean;
      violations: Violation[];
      plan: IpPlan | null;
    };
  }

  async create(request: unknown): Promise<Accepted> {
    const response = await this.request("POST", "/clusters", request);
    const retryAfter = response.headers.get("retry-after");
    return {
      ...(response.body as Omit<Accepted, "retryAfterSeconds">),
      retryAfterSeconds: retryAfter === null ? null : Number(retryAfter),
    };
  }

  async status(id: string): Promise<{ document: StatusDocument; retryAfterSeconds: number | null }> {
    const response = await this.request("GET", `/clusters/${encodeURIComponent(id)}`);
    const retryAfter = response.headers.get("retry-after");
    return {
      document: response.body as StatusDocument,
      retryAfterSeconds: retryAfter === null ? null : Number(retryAfter),
    };
  }

  async list(
    status?: string,
    continuationToken?: string,
  ): Promise<{ items: StatusSummary[]; continuationToken: string | null }> {
    const query = new URLSearchParams();
    if (status !== undefined) query.set("status", status);
    if (continuationToken !== undefined) query.set("continuationToken", continuationToken);
    const suffix = query.size > 0 ? `?${query.toString()}` : "";
    return (await this.request("GET", `/clusters${suffix}`)).body as {
      items: StatusSummary[];
      continuationToken: string | null;
    };
  }

  async delete(id: string, scope: "cluster" | "resourceGroup"): Promise<Accepted> {
    return {
      ...((await this.request("DELETE", `/clusters/${encodeURIComponent(id)}?scope=${scope}`)).body as Omit<
        Accepted,
        "retryAfterSeconds"
      >),
      retryAfterSeconds: null,
    };
  }

  async cancel(id: string): Promise<Accepted> {
    return {
      ...((await this.request("POST", `/clusters/${encodeURIComponent(id)}/cancel`)).body as Omit<
        Accepted,
        "retryAfterSeconds"
      >),
      retryAfterSeconds: null,
    };
  }

  async healthy(): Promise<boolean> {
    try {
      return (await this.request("GET", "/health")).status === 200;
    } catch {
      return false;
    }
  }
}

const finalStatuses = new Set(["Succeeded", "Failed", "Canceled", "Deleted"]);

/** Polls a run to its end, honouring Retry-After unless an interval is forced; calls `onUpdate` on every change. */
export async function follow(
  client: ApiClient,
  id: string,
  options: { pollIntervalSeconds?: number; timeoutSeconds: number; onUpdate: (document: StatusDocument) => void },
): Promise<StatusDocument> {
  const deadline = Date.now() + options.timeoutSeconds * 1000;
  for (;;) {
    const { document, retryAfterSeconds } = await client.status(id);
    options.onUpdate(document);
    if (finalStatuses.has(document.status)) return document;
    if (Date.now() > deadline)
      throw new Error(`Timed out after ${options.timeoutSeconds} s; the run goes on (status ${document.status}).`);
    const waitSeconds = options.pollIntervalSeconds ?? retryAfterSeconds ?? 5;
    await new Promise((resolve) => setTimeout(resolve, Math.max(0.2, waitSeconds) * 1000));
  }
}
