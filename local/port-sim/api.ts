/**
 * The part of Port's REST API a self-service backend calls, as docs.port.io's API reference describes it: client
 * credentials for a bearer token, action run logs (terminationStatus ends the run), run patches (refused on a
 * synchronized run with run_synchronized_error), and entities created, upserted, merged, read and deleted.
 */
import { randomBytes } from "node:crypto";

export type RunStatus = "IN_PROGRESS" | "SUCCESS" | "FAILURE";

export interface RunLog {
  message: string;
  terminationStatus: RunStatus | null;
  statusLabel: string | null;
  createdAt: string;
}

export interface PortRun {
  id: string;
  action: string;
  status: RunStatus;
  statusLabel: string | null;
  link: string[];
  synchronized: boolean;
  createdBy: string;
  logs: RunLog[];
}

export interface PortEntityRecord {
  identifier: string;
  title: string | null;
  properties: Record<string, unknown>;
  relations: Record<string, unknown>;
  /** The runs that wrote the entity (run_id on the request). */
  runs: string[];
}

export interface PortState {
  clientId: string;
  clientSecret: string;
  tokens: Set<string>;
  runs: Map<string, PortRun>;
  /** blueprint → identifier → entity; only blueprints listed here exist. */
  blueprints: Map<string, Map<string, PortEntityRecord>>;
}

export interface PortAnswer {
  status: number;
  body: Record<string, unknown>;
}

const fail = (status: number, error: string, message: string): PortAnswer => ({
  status,
  body: { ok: false, error, message },
});
const entityIdentifier = /^[A-Za-z0-9@_.+:\\/=-]{1,1000}$/;
const isStatus = (value: unknown): value is RunStatus => value === "SUCCESS" || value === "FAILURE";

type Body = Record<string, unknown>;

function token(state: PortState, body: Body): PortAnswer {
  if (body.clientId !== state.clientId || body.clientSecret !== state.clientSecret) {
    return fail(401, "unauthorized", "Invalid client credentials");
  }
  const accessToken = randomBytes(24).toString("base64url");
  state.tokens.add(accessToken);
  return { status: 200, body: { ok: true, accessToken, expiresIn: 3600, tokenType: "Bearer" } };
}

function addLog(run: PortRun, body: Body): PortAnswer {
  const { message, terminationStatus, statusLabel } = body;
  if (typeof message !== "string") return fail(422, "invalid_request", "body/message must be string");
  if (terminationStatus !== undefined && !isStatus(terminationStatus)) {
    return fail(422, "invalid_request", "body/terminationStatus must be SUCCESS or FAILURE");
  }
  const log: RunLog = {
    message,
    terminationStatus: isStatus(terminationStatus) ? terminationStatus : null,
    statusLabel: typeof statusLabel === "string" ? statusLabel : null,
    createdAt: new Date().toISOString(),
  };
  run.logs.push(log);
  if (log.terminationStatus !== null) {
    run.status = log.terminationStatus;
    run.statusLabel = log.statusLabel ?? run.statusLabel;
  }
  return { status: 201, body: { ok: true, runLog: log } };
}

function patchRun(run: PortRun, body: Body): PortAnswer {
  if (run.synchronized) {
    return fail(422, "run_synchronized_error", "Cannot manually change status of a synchronized action run");
  }
  const { status, statusLabel, link } = body;
  if (status !== undefined && !isStatus(status)) {
    return fail(422, "invalid_request", "body/status must be SUCCESS or FAILURE");
  }
  if (isStatus(status)) run.status = status;
  if (typeof statusLabel === "string") run.statusLabel = statusLabel;
  if (typeof link === "string") run.link = [link];
  if (Array.isArray(link)) run.link = link.map(String);
  return { status: 200, body: { ok: true, run } };
}

function upsertEntity(state: PortState, blueprint: string, query: URLSearchParams, body: Body): PortAnswer {
  const entities = state.blueprints.get(blueprint);
  if (entities === undefined) return fail(404, "not_found", `Blueprint ${blueprint} was not found`);
  const identifier = body.identifier;
  if (typeof identifier !== "string" || !entityIdentifier.test(identifier)) {
    return fail(422, "invalid_request", "body/identifier must match the entity identifier pattern");
  }
  const existing = entities.get(identifier);
  if (existing !== undefined && query.get("upsert") !== "true") {
    return fail(409, "identifier_taken", `Entity ${identifier} already exists`);
  }
  const merge = query.get("merge") === "true" && existing !== undefined;
  const properties = (body.properties ?? {}) as Record<string, unknown>;
  const relations = (body.relations ?? {}) as Record<string, unknown>;
  const runId = query.get("run_id");
  const entity: PortEntityRecord = {
    identifier,
    title: typeof body.title === "string" ? body.title : (existing?.title ?? null),
    properties: merge ? { ...existing.properties, ...properties } : properties,
    relations: merge ? { ...existing.relations, ...relations } : relations,
    runs: [...(existing?.runs ?? []), ...(runId === null ? [] : [runId])],
  };
  entities.set(identifier, entity);
  return { status: 201, body: { ok: true, entity } };
}

/** Answers one API call; `auth` is the Authorization header. */
export function portApi(
  state: PortState,
  method: string,
  path: string,
  query: URLSearchParams,
  auth: string | undefined,
  body: Body,
): PortAnswer {
  if (method === "POST" && path === "/v1/auth/access_token") return token(state, body);
  const bearer = /^Bearer (.+)$/.exec(auth ?? "")?.[1];
  if (bearer === undefined || !state.tokens.has(bearer)) return fail(401, "unauthorized", "Invalid token");
  const runPath = /^\/v1\/actions\/runs\/([^/]+)(\/logs)?$/.exec(path);
  if (runPath !== null) {
    const run = state.runs.get(decodeURIComponent(runPath[1] ?? ""));
    if (run === undefined) return fail(404, "not_found", "The action run with the provided identifier was not found");
    if (runPath[2] !== undefined && method === "POST") return addLog(run, body);
    if (runPath[2] !== undefined && method === "GET") return { status: 200, body: { ok: true, runLogs: run.logs } };
    if (runPath[2] === undefined && method === "PATCH") return patchRun(run, body);
    if (runPath[2] === undefined && method === "GET") return { status: 200, body: { ok: true, run } };
  }
  const entityPath = /^\/v1\/blueprints\/([^/]+)\/entities(?:\/([^/]+))?$/.exec(path);
  if (entityPath !== null) {
    const blueprint = decodeURIComponent(entityPath[1] ?? "");
    if (entityPath[2] === undefined && method === "POST") return upsertEntity(state, blueprint, query, body);
    const entities = state.blueprints.get(blueprint);
    const identifier = decodeURIComponent(entityPath[2] ?? "");
    const entity = entities?.get(identifier);
    if (entity === undefined) return fail(404, "not_found", `Entity ${identifier} was not found`);
    if (method === "GET") return { status: 200, body: { ok: true, entity } };
    if (method === "DELETE") {
      entities?.delete(identifier);
      return { status: 200, body: { ok: true } };
    }
  }
  return fail(404, "not_found", `${method} ${path} is not part of this stand-in`);
}
