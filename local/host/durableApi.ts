/**
 * The Durable extension's HTTP API (HttpApiHandler) under /runtime/webhooks/durabletask/ (and /durabletask/, the
 * path older clients use): behind the host's system key as in Azure (`code=` or `x-functions-key`; the master key
 * also opens it), each route answering only its own HTTP method, and 404 for anything else.
 */
import type { IncomingHttpHeaders } from "node:http";
import { DurableEngine, GoneError, InstanceExistsError, NotFoundError, isActiveStatus } from "./engine.js";
import { formatHistory } from "./historyFormat.js";
import { keyMatches, unauthorizedBody } from "./keys.js";
import type { InstanceRecord } from "./store.js";

export interface ApiResult {
  status: number;
  body?: unknown;
  headers?: Record<string, string>;
}

export interface DurableApiOptions {
  engine: DurableEngine;
  /** e.g. http://127.0.0.1:7071/runtime/webhooks/durabletask */
  webhookBase: string;
  hubName: string;
  systemKey: string;
  masterKey: string;
}

// eslint-disable-next-line no-control-regex -- control characters are exactly what the extension rejects
const invalidInstanceId = /^@|[/\\#?\u0000-\u001f]/;
const terminalStatuses = new Set(["Completed", "Failed", "Terminated", "Canceled"]);
const runtimeStatuses = new Set([
  "Pending",
  "Running",
  "Completed",
  "ContinuedAsNew",
  "Failed",
  "Canceled",
  "Terminated",
  "Suspended",
]);

/** The extension formats times without milliseconds. */
function time(iso: string): string {
  return `${iso.slice(0, 19)}Z`;
}

function parseJson(text: string | null): unknown {
  if (text === null) return null;
  try {
    return JSON.parse(text) as unknown;
  } catch {
    return text;
  }
}

/** .NET's DateTime.TryParse: an unparseable value means "no filter", never an error. */
function dateParam(url: URL, name: string): string | null {
  const value = url.searchParams.get(name);
  if (value === null) return null;
  const parsed = Date.parse(value);
  return Number.isNaN(parsed) ? null : new Date(parsed).toISOString();
}

/** The management URLs of an instance, as HttpApiHandler.GetClientResponseLinks builds them (system key included). */
export function managementUrls(webhookBase: string, hubName: string, systemKey: string, id: string) {
  const query = `taskHub=${encodeURIComponent(hubName)}&connection=Storage&code=${encodeURIComponent(systemKey)}`;
  const instance = `${webhookBase}/instances/${id === "INSTANCEID" ? id : encodeURIComponent(id)}`;
  return {
    id,
    statusQueryGetUri: `${instance}?${query}`,
    sendEventPostUri: `${instance}/raiseEvent/{eventName}?${query}`,
    terminatePostUri: `${instance}/terminate?reason={text}&${query}`,
    rewindPostUri: `${instance}/rewind?reason={text}&${query}`,
    purgeHistoryDeleteUri: `${instance}?${query}`,
    restartPostUri: `${instance}/restart?${query}`,
    suspendPostUri: `${instance}/suspend?reason={text}&${query}`,
    resumePostUri: `${instance}/resume?reason={text}&${query}`,
  };
}

/**
 * The path below the API's base, decoded as the extension does (whole path, then split on '/'). .NET's Uri leaves an
 * invalid escape such as %ZZ as it is, so such a path names an instance that does not exist (404), not a bad request.
 */
export function apiSegments(pathname: string): string[] {
  const path = pathname.replace(/^\/runtime\/webhooks\/durabletask\/?/, "").replace(/^\/durabletask\/?/, "");
  let decoded: string;
  try {
    decoded = decodeURIComponent(path);
  } catch {
    decoded = path;
  }
  return decoded.split("/").filter((s) => s.length > 0);
}

export function durableApi(options: DurableApiOptions) {
  const { engine, webhookBase, hubName, systemKey, masterKey } = options;
  const links = (id: string) => {
    const { rewindPostUri: _rewind, ...payload } = managementUrls(webhookBase, hubName, systemKey, id);
    return payload;
  };

  const statusBody = async (record: InstanceRecord, url: URL, allowHistory: boolean) => {
    const showInput = url.searchParams.get("showInput")?.toLowerCase() !== "false";
    const body: Record<string, unknown> = {
      name: record.name,
      instanceId: record.instanceId,
      runtimeStatus: record.runtimeStatus,
      input: showInput ? parseJson(record.input) : null,
      customStatus: parseJson(record.customStatus),
      output: parseJson(record.output),
      createdTime: time(record.createdTime),
      lastUpdatedTime: time(record.lastUpdatedTime),
    };
    if (
      allowHistory &&
      url.searchParams.get("showHistory")?.toLowerCase() === "true" &&
      record.runtimeStatus !== "Pending"
    ) {
      const showOutput = url.searchParams.get("showHistoryOutput")?.toLowerCase() === "true";
      body.historyEvents = formatHistory(await engine.history(record.instanceId), showOutput);
    }
    return body;
  };

  const statusResponse = async (record: InstanceRecord, url: URL): Promise<ApiResult> => {
    const active = isActiveStatus(record.runtimeStatus);
    const failedAs500 =
      record.runtimeStatus === "Failed" &&
      url.searchParams.get("returnInternalServerErrorOnFailure")?.toLowerCase() === "true";
    return {
      status: active ? 202 : failedAs500 ? 500 : 200,
      body: await statusBody(record, url, true),
      headers: active ? { Location: url.toString(), "Retry-After": "5" } : {},
    };
  };

  const filterRecords = (records: InstanceRecord[], url: URL) => {
    const from = dateParam(url, "createdTimeFrom");
    const to = dateParam(url, "createdTimeTo");
    // Enum.TryParse drops unknown names; no known name left means no status filter at all.
    const statuses = (url.searchParams.get("runtimeStatus") ?? "").split(",").filter((s) => runtimeStatuses.has(s));
    const prefix = url.searchParams.get("instanceIdPrefix");
    return records.filter(
      (record) =>
        (from === null || record.createdTime >= from) &&
        (to === null || record.createdTime <= to) &&
        (statuses.length === 0 || statuses.includes(record.runtimeStatus)) &&
        (prefix === null || record.instanceId.startsWith(prefix)),
    );
  };

  const waitForCompletion = async (id: string, url: URL, timeoutMs: number, pollMs: number): Promise<ApiResult> => {
    const until = Date.now() + timeoutMs;
    for (;;) {
      const record = await engine.getInstance(id);
      if (record !== undefined && record.runtimeStatus === "Completed")
        return { status: 200, body: parseJson(record.output) };
      if (record !== undefined && terminalStatuses.has(record.runtimeStatus)) return statusResponse(record, url);
      const remaining = until - Date.now();
      if (remaining <= 0) break;
      await new Promise((resolve) => setTimeout(resolve, Math.min(pollMs, remaining)));
    }
    const payload = links(id);
    return { status: 202, body: payload, headers: { Location: payload.statusQueryGetUri, "Retry-After": "10" } };
  };

  const start = async (name: string, id: string | undefined, url: URL, body: Buffer): Promise<ApiResult> => {
    if (id !== undefined && (invalidInstanceId.test(id) || id.length > 256))
      return { status: 400, body: { Message: `Invalid instance ID '${id}'.` } };
    const text = body.toString("utf8");
    let input: unknown = null;
    if (text.length > 0) {
      try {
        input = JSON.parse(text);
      } catch {
        return { status: 400, body: { Message: "Invalid JSON content" } };
      }
    }
    let record: InstanceRecord;
    try {
      record = await engine.startNew(name, id, input);
    } catch (error) {
      if (error instanceof InstanceExistsError)
        return {
          status: 500,
          body: {
            Message: "Something went wrong while processing your request",
            ExceptionMessage: error.message,
            ExceptionType: "DurableTask.Core.Exceptions.OrchestrationAlreadyExistsException",
          },
        };
      return {
        status: 400,
        body: {
          Message: "One or more of the arguments submitted is incorrect",
          ExceptionMessage: error instanceof Error ? error.message : String(error),
        },
      };
    }
    // Both present and numeric (seconds): wait, as createAndWaitOnNewInstancePostUri promises.
    const timeout = Number(url.searchParams.get("timeout") ?? "NaN");
    const polling = Number(url.searchParams.get("pollingInterval") ?? "NaN");
    if (Number.isFinite(timeout) && Number.isFinite(polling))
      return waitForCompletion(record.instanceId, url, timeout * 1000, Math.max(polling * 1000, 10));
    const payload = links(record.instanceId);
    return { status: 202, body: payload, headers: { Location: payload.statusQueryGetUri, "Retry-After": "10" } };
  };

  const instances = async (method: string, url: URL, headers: IncomingHttpHeaders): Promise<ApiResult> => {
    const records = filterRecords(await engine.list(), url);
    if (method === "DELETE") {
      if (dateParam(url, "createdTimeFrom") === null)
        return { status: 400, body: "Please provide value for 'createdTimeFrom' parameter." };
      let deleted = 0;
      for (const record of records) if (await engine.purge(record.instanceId)) deleted += 1;
      return deleted === 0 ? { status: 404 } : { status: 200, body: { instancesDeleted: deleted } };
    }
    if (method !== "GET") return { status: 404 };
    const sorted = records.sort(
      (a, b) => a.createdTime.localeCompare(b.createdTime) || a.instanceId.localeCompare(b.instanceId),
    );
    const top = Number(url.searchParams.get("top") ?? "100") || 100;
    const offset = Number(headers["x-ms-continuation-token"] ?? "0") || 0;
    const page = sorted.slice(offset, offset + top);
    const next = offset + top < sorted.length ? String(offset + top) : "";
    return {
      status: 200,
      body: await Promise.all(page.map((record) => statusBody(record, url, false))),
      headers: next === "" ? {} : { "x-ms-continuation-token": next },
    };
  };

  const operation = async (op: string, id: string, url: URL): Promise<ApiResult> => {
    const reason = url.searchParams.get("reason") ?? "";
    switch (op.toLowerCase()) {
      case "terminate":
        await engine.terminate(id, reason);
        return { status: 202 };
      case "suspend":
        await engine.suspend(id, reason);
        return { status: 202 };
      case "resume":
        await engine.resume(id, reason);
        return { status: 202 };
      case "rewind":
      case "restart":
        return { status: 501, body: { Message: `${op} is not emulated by the local host` } };
      default:
        return { status: 404 };
    }
  };

  const raiseEvent = async (id: string, name: string, body: Buffer, headers: IncomingHttpHeaders) => {
    // The extension checks the instance before the content (unknown id: 404, finished: 410).
    const record = await engine.getInstance(id);
    if (record === undefined) return { status: 404 };
    if (terminalStatuses.has(record.runtimeStatus)) return { status: 410 };
    const mediaType = String(headers["content-type"] ?? "")
      .split(";")[0]
      ?.trim()
      .toLowerCase();
    if (mediaType !== "application/json")
      return { status: 400, body: { Message: "Only application/json request content is supported" } };
    let data: unknown;
    try {
      data = body.length === 0 ? null : JSON.parse(body.toString("utf8"));
    } catch {
      return { status: 400, body: { Message: "Invalid JSON content" } };
    }
    await engine.raiseEvent(id, name, data);
    return { status: 202 };
  };

  return async (method: string, url: URL, body: Buffer, headers: IncomingHttpHeaders): Promise<ApiResult> => {
    const given = headers["x-functions-key"]?.toString() ?? url.searchParams.get("code");
    if (!keyMatches([systemKey, masterKey], given))
      return { status: 401, body: unauthorizedBody("the Durable HTTP API needs the host's system key") };
    const segments = apiSegments(url.pathname);
    const [controller, id, op, eventName, ...rest] = segments;
    try {
      if (controller === "orchestrators" && segments.length >= 2 && segments.length <= 3)
        return method === "POST" ? await start(id ?? "", op, url, body) : { status: 404 };
      if (controller !== "instances" || rest.length > 0) return { status: 404 };
      if (id === undefined) return await instances(method, url, headers);
      if (op === undefined) {
        if (method === "DELETE")
          return (await engine.purge(id)) ? { status: 200, body: { instancesDeleted: 1 } } : { status: 404 };
        if (method !== "GET") return { status: 404 };
        const record = await engine.getInstance(id);
        return record === undefined ? { status: 404 } : await statusResponse(record, url);
      }
      if (method !== "POST") return { status: 404 };
      if (eventName !== undefined)
        return op === "raiseEvent" ? await raiseEvent(id, eventName, body, headers) : { status: 404 };
      return await operation(op, id, url);
    } catch (error) {
      if (error instanceof NotFoundError) return { status: 404 };
      if (error instanceof GoneError) return { status: 410 };
      throw error;
    }
  };
}
