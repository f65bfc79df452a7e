/**
 * The Durable extension's HTTP API (HttpApiHandler), under both the RPC base (/durabletask/) the JS DurableClient uses
 * and the public webhook base (/runtime/webhooks/durabletask/) that check-status URLs point at.
 */
import type { IncomingHttpHeaders } from "node:http";
import { DurableEngine, GoneError, InstanceExistsError, NotFoundError, isActiveStatus } from "./engine.js";
import type { InstanceRecord } from "./store.js";

export interface ApiResult {
  status: number;
  body?: unknown;
  headers?: Record<string, string>;
}

// eslint-disable-next-line no-control-regex -- control characters are exactly what the extension rejects
const invalidInstanceId = /^@|[/\\#?\u0000-\u001f]/;

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

export function durableApi(engine: DurableEngine, webhookBase: string, hubName: string) {
  const managementUrls = (id: string) => {
    const query = `taskHub=${hubName}&connection=Storage`;
    return {
      id,
      statusQueryGetUri: `${webhookBase}/instances/${id}?${query}`,
      sendEventPostUri: `${webhookBase}/instances/${id}/raiseEvent/{eventName}?${query}`,
      terminatePostUri: `${webhookBase}/instances/${id}/terminate?reason={text}&${query}`,
      purgeHistoryDeleteUri: `${webhookBase}/instances/${id}?${query}`,
      restartPostUri: `${webhookBase}/instances/${id}/restart?${query}`,
      suspendPostUri: `${webhookBase}/instances/${id}/suspend?reason={text}&${query}`,
      resumePostUri: `${webhookBase}/instances/${id}/resume?reason={text}&${query}`,
    };
  };

  const statusBody = async (record: InstanceRecord, url: URL) => {
    const showInput = url.searchParams.get("showInput") !== "false";
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
    if (url.searchParams.get("showHistory") === "true") {
      const showOutput = url.searchParams.get("showHistoryOutput") === "true";
      body.historyEvents = (await engine.history(record.instanceId)).map((event) => ({
        ...event,
        ...(showOutput ? {} : { Result: undefined }),
      }));
    }
    return body;
  };

  const filterRecords = (records: InstanceRecord[], url: URL) => {
    const from = url.searchParams.get("createdTimeFrom");
    const to = url.searchParams.get("createdTimeTo");
    const statuses = url.searchParams
      .get("runtimeStatus")
      ?.split(",")
      .filter((s) => s.length > 0);
    const prefix = url.searchParams.get("instanceIdPrefix");
    return records.filter(
      (record) =>
        (from === null || record.createdTime >= new Date(from).toISOString()) &&
        (to === null || record.createdTime <= new Date(to).toISOString()) &&
        (statuses === undefined || statuses.length === 0 || statuses.includes(record.runtimeStatus)) &&
        (prefix === null || record.instanceId.startsWith(prefix)),
    );
  };

  return async (method: string, url: URL, body: Buffer, headers: IncomingHttpHeaders): Promise<ApiResult> => {
    const path = url.pathname.replace(/^\/runtime\/webhooks\/durabletask\//, "").replace(/^\/durabletask\//, "");
    const segments = path
      .split("/")
      .filter((s) => s.length > 0)
      .map(decodeURIComponent);
    try {
      if (segments[0] === "orchestrators" && method === "POST" && segments[1] !== undefined) {
        const id = segments[2];
        if (id !== undefined && (invalidInstanceId.test(id) || id.length > 256))
          return { status: 400, body: { message: `Invalid instance ID '${id}'.` } };
        const text = body.toString("utf8");
        let input: unknown = null;
        if (text.length > 0) {
          try {
            input = JSON.parse(text);
          } catch {
            return { status: 400, body: { message: "The request body is not valid JSON." } };
          }
        }
        let record: InstanceRecord;
        try {
          record = await engine.startNew(segments[1], id, input);
        } catch (error) {
          if (error instanceof InstanceExistsError)
            return {
              status: 500,
              body: {
                Message: "An error has occurred.",
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
        const urls = managementUrls(record.instanceId);
        return { status: 202, body: urls, headers: { Location: urls.statusQueryGetUri, "Retry-After": "10" } };
      }
      if (segments[0] !== "instances") return { status: 404, body: { message: "Not found" } };
      const id = segments[1];
      if (id === undefined) {
        const records = filterRecords(await engine.list(), url);
        if (method === "DELETE") {
          if (url.searchParams.get("createdTimeFrom") === null)
            return { status: 400, body: { message: "createdTimeFrom is required" } };
          let deleted = 0;
          for (const record of records) if (await engine.purge(record.instanceId)) deleted += 1;
          return deleted === 0 ? { status: 404 } : { status: 200, body: { instancesDeleted: deleted } };
        }
        const sorted = records.sort(
          (a, b) => a.createdTime.localeCompare(b.createdTime) || a.instanceId.localeCompare(b.instanceId),
        );
        const top = Number(url.searchParams.get("top") ?? "100") || 100;
        const offset = Number(headers["x-ms-continuation-token"] ?? "0") || 0;
        const page = sorted.slice(offset, offset + top);
        const next = offset + top < sorted.length ? String(offset + top) : "";
        return {
          status: 200,
          body: await Promise.all(page.map((record) => statusBody(record, url))),
          headers: next === "" ? {} : { "x-ms-continuation-token": next },
        };
      }
      const action = segments[2];
      if (action === undefined) {
        const record = await engine.getInstance(id);
        if (method === "DELETE")
          return record === undefined || !(await engine.purge(id))
            ? { status: 404 }
            : { status: 200, body: { instancesDeleted: 1 } };
        if (record === undefined) return { status: 404, body: { message: `No instance with ID '${id}' found.` } };
        const active = isActiveStatus(record.runtimeStatus);
        return {
          status: active ? 202 : 200,
          body: await statusBody(record, url),
          headers: active ? { Location: url.toString(), "Retry-After": "5" } : {},
        };
      }
      const reason = url.searchParams.get("reason") ?? "";
      switch (action) {
        case "raiseEvent": {
          if (!String(headers["content-type"] ?? "").includes("application/json"))
            return { status: 400, body: { message: "Content-Type must be application/json" } };
          let data: unknown;
          try {
            data = body.length === 0 ? null : JSON.parse(body.toString("utf8"));
          } catch {
            return { status: 400, body: { message: "The request body is not valid JSON." } };
          }
          await engine.raiseEvent(id, segments[3] ?? "", data);
          return { status: 202 };
        }
        case "terminate":
          await engine.terminate(id, reason);
          return { status: 202 };
        case "suspend":
          await engine.suspend(id, reason);
          return { status: 202 };
        case "resume":
          await engine.resume(id, reason);
          return { status: 202 };
        default:
          return { status: 501, body: { message: `${action} is not supported by the local host` } };
      }
    } catch (error) {
      if (error instanceof NotFoundError) return { status: 404, body: { message: error.message } };
      if (error instanceof GoneError) return { status: 410, body: { message: error.message } };
      throw error;
    }
  };
}
