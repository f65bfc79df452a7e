/**
 * A local stand-in for Port, as local/azure-sim stands in for Azure: Port's REST API for the backend to call (api.ts)
 * and Port's side of a self-service action: `trigger` creates a run the way submitting the action form does and
 * delivers its invocation body to the backend's webhook, signed as Port signs (`x-port-timestamp`, `x-port-signature`
 * = `v1,` + base64 HMAC-SHA-256 of `${timestamp}.${body}` keyed with the client secret).
 */
import { createHmac, randomBytes, randomUUID } from "node:crypto";
import { createServer } from "node:http";
import type { AddressInfo } from "node:net";
import { portApi, type PortRun, type PortState } from "./api.js";

export type { PortEntityRecord, PortRun } from "./api.js";

export interface TriggerOptions {
  webhookUrl: string;
  action: string;
  /** The Port user who submitted the form. */
  user: string;
  /** The invocation body, built from the run as the action's jq mapping would. */
  body: (run: { id: string; user: string }) => unknown;
  synchronized?: boolean;
  /** Seconds since the epoch to sign with (default now): an old one is a replay. */
  timestamp?: number;
  /** Sign with this secret instead of the client secret (a forged request). */
  signingSecret?: string;
}

export interface Delivery {
  runId: string;
  status: number;
  body: Record<string, unknown>;
  /** What was sent, to deliver again as a replay. */
  raw: string;
  headers: Record<string, string>;
}

export interface PortSimulator {
  url: string;
  clientId: string;
  clientSecret: string;
  state: PortState;
  trigger(options: TriggerOptions): Promise<Delivery>;
  /** Sends a delivery again, byte for byte (Port's retry, or an attacker's replay). */
  redeliver(url: string, delivery: Delivery): Promise<{ status: number; body: Record<string, unknown> }>;
  run(id: string): PortRun;
  close(): Promise<void>;
}

export function signPortDelivery(secret: string, timestamp: number, raw: string): string {
  return `v1,${createHmac("sha256", secret).update(`${timestamp}.${raw}`).digest("base64")}`;
}

async function post(url: string, raw: string, headers: Record<string, string>) {
  const response = await fetch(url, {
    method: "POST",
    headers: { "content-type": "application/json", ...headers },
    body: raw,
  });
  const text = await response.text();
  return { status: response.status, body: (text === "" ? {} : JSON.parse(text)) as Record<string, unknown> };
}

export async function startPortSimulator(options: { blueprints?: string[] } = {}): Promise<PortSimulator> {
  const state: PortState = {
    clientId: `client-${randomUUID()}`,
    clientSecret: randomBytes(32).toString("base64url"),
    tokens: new Set(),
    runs: new Map(),
    blueprints: new Map((options.blueprints ?? ["aksCluster"]).map((name) => [name, new Map()])),
  };
  const server = createServer((request, response) => {
    const chunks: Buffer[] = [];
    request.on("data", (chunk: Buffer) => chunks.push(chunk));
    request.on("end", () => {
      const url = new URL(request.url ?? "/", "http://port");
      const text = Buffer.concat(chunks).toString("utf8");
      let body: Record<string, unknown> = {};
      try {
        body = text === "" ? {} : (JSON.parse(text) as Record<string, unknown>);
      } catch {
        response.writeHead(422, { "content-type": "application/json" });
        response.end(JSON.stringify({ ok: false, error: "invalid_request", message: "body is not JSON" }));
        return;
      }
      const answer = portApi(
        state,
        request.method ?? "GET",
        url.pathname,
        url.searchParams,
        request.headers.authorization,
        body,
      );
      response.writeHead(answer.status, { "content-type": "application/json" });
      response.end(JSON.stringify(answer.body));
    });
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;

  return {
    url,
    clientId: state.clientId,
    clientSecret: state.clientSecret,
    state,
    async trigger(trigger) {
      const id = `r_${randomBytes(8).toString("hex")}`;
      state.runs.set(id, {
        id,
        action: trigger.action,
        status: "IN_PROGRESS",
        statusLabel: null,
        link: [],
        synchronized: trigger.synchronized ?? false,
        createdBy: trigger.user,
        logs: [],
      });
      const raw = JSON.stringify(trigger.body({ id, user: trigger.user }));
      const timestamp = trigger.timestamp ?? Math.floor(Date.now() / 1000);
      const headers = {
        "x-port-timestamp": String(timestamp),
        "x-port-signature": signPortDelivery(trigger.signingSecret ?? state.clientSecret, timestamp, raw),
      };
      return { runId: id, raw, headers, ...(await post(trigger.webhookUrl, raw, headers)) };
    },
    redeliver: (target, delivery) => post(target, delivery.raw, delivery.headers),
    run(id) {
      const run = state.runs.get(id);
      if (run === undefined) throw new Error(`no run ${id}`);
      return run;
    },
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}
