import type { HttpRequest, HttpResponseInit } from "@azure/functions";
import type { DurableClient } from "durable-functions";
import type { AppConfig } from "../config.js";
import { notModified } from "./etag.js";
import { loadVisibleRun } from "./runAccess.js";
import { readStatus } from "./statusReads.js";

const finalStatuses = new Set(["Succeeded", "Failed", "Canceled", "Deleted"]);

/**
 * GET /api/clusters/{id}: progress step by step; Retry-After tells pollers when to come back while it runs, the ETag
 * lets them ask "changed?" (If-None-Match → 304) and guard a DELETE or cancel (If-Match).
 */
export async function getProvisioningStatus(
  request: HttpRequest,
  client: DurableClient,
  config?: AppConfig,
): Promise<HttpResponseInit> {
  // A signed-in caller reads only runs in the subscriptions and resource groups their grants cover.
  const run = await loadVisibleRun(request, client, config, { action: "status.read", allowList: false }, readStatus);
  if (!run.ok) return run.response;
  const { loaded } = run;
  const headers: Record<string, string> = {
    ETag: loaded.etag,
    "Cache-Control": "no-cache",
    // A finished run still sending its events may show an interim IP table (omittedRows): come back for the rest soon.
    ...(!finalStatuses.has(loaded.document.status)
      ? { "Retry-After": "10" }
      : loaded.document.ipVerification?.omittedRows === undefined
        ? {}
        : { "Retry-After": "2" }),
  };
  if (notModified(request, loaded.etag)) return { status: 304, headers };
  return {
    status: 200,
    body: loaded.bytes,
    headers: { "Content-Type": "application/json; charset=utf-8", ...headers },
  };
}
