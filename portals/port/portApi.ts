/**
 * The few Port REST calls a self-service backend makes (docs.port.io API reference): an access token from the client
 * credentials, run logs (the last one with terminationStatus ends the run), a run patch for links, and entity upserts.
 */

export interface PortApiOptions {
  /** https://api.getport.io (EU) or https://api.us.getport.io; the local stand-in in tests. */
  baseUrl: string;
  clientId: string;
  clientSecret: string;
}

export type TerminationStatus = "SUCCESS" | "FAILURE";

export interface PortEntity {
  identifier: string;
  title: string;
  properties: Record<string, unknown>;
  relations?: Record<string, string | string[]>;
}

export class PortApiError extends Error {
  constructor(
    readonly status: number,
    readonly code: string | null,
    what: string,
  ) {
    super(`Port answered ${status}${code === null ? "" : ` ${code}`} to ${what}`);
  }
}

export class PortApi {
  private token: { value: string; expiresAt: number } | null = null;
  private readonly base: string;

  constructor(private readonly options: PortApiOptions) {
    this.base = options.baseUrl.replace(/\/+$/, "");
  }

  /** Tokens last an hour or so; a new one is taken a minute before the old one runs out. */
  private async bearer(): Promise<string> {
    if (this.token !== null && Date.now() < this.token.expiresAt - 60_000) return this.token.value;
    const response = await fetch(`${this.base}/v1/auth/access_token`, {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: JSON.stringify({ clientId: this.options.clientId, clientSecret: this.options.clientSecret }),
    });
    // The body of a refused token request is not read: it would only ever echo what was sent.
    if (!response.ok) throw new PortApiError(response.status, null, "the access token request");
    const body = (await response.json()) as { accessToken: string; expiresIn: number };
    this.token = { value: body.accessToken, expiresAt: Date.now() + body.expiresIn * 1000 };
    return body.accessToken;
  }

  private async call(method: string, path: string, body?: unknown): Promise<unknown> {
    const response = await fetch(`${this.base}${path}`, {
      method,
      headers: {
        authorization: `Bearer ${await this.bearer()}`,
        ...(body === undefined ? {} : { "content-type": "application/json" }),
      },
      ...(body === undefined ? {} : { body: JSON.stringify(body) }),
    });
    const text = await response.text();
    let parsed: { error?: string } | null = null;
    try {
      parsed = text === "" ? null : (JSON.parse(text) as { error?: string });
    } catch {
      // A proxy's HTML error page: the status says enough.
    }
    if (!response.ok) throw new PortApiError(response.status, parsed?.error ?? null, `${method} ${path}`);
    return parsed;
  }

  /** One line in the run's log; with `termination` it is the last one and sets the run's result. */
  async log(runId: string, message: string, termination?: { status: TerminationStatus; label: string }): Promise<void> {
    await this.call("POST", `/v1/actions/runs/${encodeURIComponent(runId)}/logs`, {
      message,
      ...(termination === undefined ? {} : { terminationStatus: termination.status, statusLabel: termination.label }),
    });
  }

  /** Links shown on the run (the console's address map, the status document) and a label for its state. */
  async patchRun(runId: string, patch: { statusLabel?: string; link?: string[] }): Promise<void> {
    await this.call("PATCH", `/v1/actions/runs/${encodeURIComponent(runId)}`, patch);
  }

  /** Creates the entity or overwrites the given fields of an existing one, linked to the run that changed it. */
  async upsertEntity(blueprint: string, entity: PortEntity, runId: string): Promise<void> {
    const query = new URLSearchParams({ upsert: "true", merge: "true", run_id: runId });
    await this.call("POST", `/v1/blueprints/${encodeURIComponent(blueprint)}/entities?${query.toString()}`, entity);
  }

  async deleteEntity(blueprint: string, identifier: string, runId: string): Promise<void> {
    const query = new URLSearchParams({ run_id: runId });
    const path = `/v1/blueprints/${encodeURIComponent(blueprint)}/entities/${encodeURIComponent(identifier)}`;
    await this.call("DELETE", `${path}?${query.toString()}`);
  }
}
