/** A small client for the provisioning API, shared by the CLI and `npm run demo`. */
import type { IpPlan, Violation } from "../../src/domain/planner.js";
import type { StatusDocument, StatusSummary } from "../../src/domain/statusDocument.js";

export interface ApiClientOptions {
  baseUrl: string;
  key: string | undefined;
  /** Bearer token for App Service authentication (a person calling through Easy Auth). */
  token?: string | undefined;
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

/** `follow` ran out of time; the run itself goes on. Carries the last status seen. */
export class WaitTimeoutError extends Error {
  constructor(
    readonly timeoutSeconds: number,
    readonly last: StatusDocument,
  ) {
    super(`Timed out after ${timeoutSeconds} s; the run goes on (status ${last.status}).`);
  }
}

/** Optional request headers the API honours: a replay-safe create, and delete/cancel only if the run is unchanged. */
export interface RequestOptions {
  idempotencyKey?: string;
  ifMatch?: string;
}

/** One page of runs. Raw is the body as the API sent it, for `--output json`. */
export interface Page {
  items: StatusSummary[];
  next: string | null;
  raw: unknown;
}

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
    options: RequestOptions = {},
  ): Promise<{ status: number; headers: Headers; body: unknown }> {
    let response: Response;
    try {
      response = await fetch(`${this.base}/api${path}`, {
        method,
        headers: {
          ...(this.options.key === undefined ? {} : { "x-api-key": this.options.key }),
          ...(this.options.token === undefined ? {} : { authorization: `Bearer ${this.options.token}` }),
          ...(body === undefined ? {} : { "content-type": "application/json" }),
          ...(options.idempotencyKey === undefined ? {} : { "idempotency-key": options.idempotencyKey }),
          ...(options.ifMatch === undefined ? {} : { "if-match": options.ifMatch }),
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
        detail:
          "No caller was identified: the API key is missing or unknown (--key or AKS_PROVISIONING_KEY), or the token is not valid (--token).",
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

  async create(request: unknown, options: RequestOptions = {}): Promise<Accepted> {
    const response = await this.request("POST", "/clusters", request, options);
    const retryAfter = response.headers.get("retry-after");
    return {
      ...(response.body as Omit<Accepted, "retryAfterSeconds">),
      retryAfterSeconds: retryAfter === null ? null : Number(retryAfter),
    };
  }

  async status(
    id: string,
  ): Promise<{ document: StatusDocument; retryAfterSeconds: number | null; etag: string | null }> {
    const response = await this.request("GET", `/clusters/${encodeURIComponent(id)}`);
    const retryAfter = response.headers.get("retry-after");
    return {
      document: response.body as StatusDocument,
      retryAfterSeconds: retryAfter === null ? null : Number(retryAfter),
      etag: response.headers.get("etag"),
    };
  }

  async list(status?: string, continuationToken?: string): Promise<Page> {
    const query = new URLSearchParams();
    if (status !== undefined) query.set("status", status);
    if (continuationToken !== undefined) query.set("continuationToken", continuationToken);
    const suffix = query.size > 0 ? `?${query.toString()}` : "";
    const body = (await this.request("GET", `/clusters${suffix}`)).body as {
      items?: StatusSummary[];
      value?: StatusSummary[];
      continuationToken?: string | null;
      nextLink?: string;
    } | null;
    // Both page shapes: this API's items/continuationToken and Azure's value/nextLink.
    return {
      items: body?.items ?? body?.value ?? [],
      next: body?.nextLink ?? body?.continuationToken ?? null,
      raw: body,
    };
  }

  async delete(id: string, scope: "cluster" | "resourceGroup", options: RequestOptions = {}): Promise<Accepted> {
    const path = `/clusters/${encodeURIComponent(id)}?scope=${scope}`;
    return { ...((await this.request("DELETE", path, undefined, options)).body as Accepted), retryAfterSeconds: null };
  }

  async cancel(id: string, options: RequestOptions = {}): Promise<Accepted> {
    const path = `/clusters/${encodeURIComponent(id)}/cancel`;
    return { ...((await this.request("POST", path, undefined, options)).body as Accepted), retryAfterSeconds: null };
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
const interimGraceMs = 30_000;

export async function follow(
  client: ApiClient,
  id: string,
  options: { pollIntervalSeconds?: number; timeoutSeconds: number; onUpdate: (document: StatusDocument) => void },
): Promise<StatusDocument> {
  const deadline = Date.now() + options.timeoutSeconds * 1000;
  let interimSince: number | null = null;
  for (;;) {
    const { document, retryAfterSeconds } = await client.status(id);
    options.onUpdate(document);
    if (finalStatuses.has(document.status)) {
      // An interim table (omittedRows) means the run is still sending its completion events and the whole table comes
      // next; a receiver that keeps failing must not hold a pipeline, so the outcome is taken as it is after a while.
      if (document.ipVerification?.omittedRows === undefined) return document;
      interimSince ??= Date.now();
      if (Date.now() - interimSince >= interimGraceMs) return document;
    }
    const remainingMs = deadline - Date.now();
    if (remainingMs <= 0) throw new WaitTimeoutError(options.timeoutSeconds, document);
    const waitMs = Math.max(0.2, options.pollIntervalSeconds ?? retryAfterSeconds ?? 5) * 1000;
    // Never sleep past the deadline: a long Retry-After must not stretch a pipeline's timeout; one last look at it.
    await new Promise((resolve) => setTimeout(resolve, Math.min(waitMs, remainingMs)));
  }
}
