import type { HttpRequest, HttpResponseInit } from "@azure/functions";
import { InvalidContinuationToken } from "../azure/tables.js";
import { problem } from "../domain/problem.js";
import type { AppConfig } from "../config.js";
import { clusterStatuses, type ClusterStatus, type StatusSummary } from "../domain/statusDocument.js";
import { armScope } from "../domain/requestScopes.js";
import { checkAccess } from "../identity/accessPolicy.js";
import type { IndexPage, RunFilters } from "../store/runIndex.js";
import { requestCaller } from "./callers.js";
import { etagOf, notModified } from "./etag.js";
import { problemResponse } from "./responses.js";
import { defaultStores, type HttpStores } from "./stores.js";

const maxPageSize = 100;
const subscriptionPattern = /^[0-9a-fA-F-]{36}$/;

/** Our continuation tokens wrap the index's own, so callers cannot tell (or depend on) how the index pages. */
function encodeToken(inner: string): string {
  return Buffer.from(JSON.stringify({ v: 1, t: inner }), "utf8").toString("base64url");
}
function decodeToken(token: string | null): string | null | undefined {
  if (token === null || token === "") return null;
  try {
    const parsed = JSON.parse(Buffer.from(token, "base64url").toString("utf8")) as { v?: unknown; t?: unknown };
    return parsed.v === 1 && typeof parsed.t === "string" ? parsed.t : undefined;
  } catch {
    return undefined;
  }
}

/**
 * GET /api/clusters?status=&subscriptionId=&resourceGroup=&requestedBy=&top=&continuationToken=: newest first, one page
 * read from the run index (an Azure Table), filtered on the server. `nextLink` is the absolute URL of the next page
 * (absent on the last), as Azure list APIs and SDK pagers expect; `continuationToken` carries the same position. A caller
 * behind Easy Auth sees only the runs ACCESS_POLICY lets them read; a page may then hold fewer than `top` items.
 */
export async function listClusters(
  request: HttpRequest,
  _client?: unknown,
  config?: AppConfig,
  stores: HttpStores = defaultStores(),
): Promise<HttpResponseInit> {
  const who = config === undefined ? null : requestCaller(request, config);
  if (who !== null && !who.ok) return who.response;
  const query = request.query;
  const statusFilter = query.get("status");
  const topText = query.get("top") ?? query.get("maxpagesize") ?? "20";
  const top = /^\d+$/.test(topText) ? Number.parseInt(topText, 10) : Number.NaN;
  const token = decodeToken(query.get("continuationToken"));
  const errors = [];
  if (statusFilter !== null && !clusterStatuses.includes(statusFilter as ClusterStatus)) {
    errors.push({
      path: "status",
      code: "invalid-enum",
      message: `status must be one of ${clusterStatuses.join(", ")}`,
    });
  }
  if (!Number.isInteger(top) || top < 1 || top > maxPageSize) {
    errors.push({ path: "top", code: "out-of-range", message: `top must be an integer from 1 to ${maxPageSize}` });
  }
  if (token === undefined) {
    errors.push({
      path: "continuationToken",
      code: "invalid-token",
      message: "continuationToken is not one this API issued",
    });
  }
  const subscriptionId = query.get("subscriptionId");
  if (subscriptionId !== null && !subscriptionPattern.test(subscriptionId)) {
    errors.push({ path: "subscriptionId", code: "invalid-format", message: "subscriptionId must be a GUID" });
  }
  const resourceGroup = query.get("resourceGroup");
  if (resourceGroup !== null && (resourceGroup.length === 0 || resourceGroup.length > 90)) {
    errors.push({ path: "resourceGroup", code: "invalid-format", message: "resourceGroup must be 1–90 characters" });
  }
  const requestedBy = query.get("requestedBy");
  if (requestedBy !== null && (requestedBy.length === 0 || requestedBy.length > 256)) {
    errors.push({ path: "requestedBy", code: "invalid-format", message: "requestedBy must be 1–256 characters" });
  }
  if (errors.length > 0 || token === undefined) {
    return problemResponse(problem(400, "Bad Request", "Invalid query parameters.", { errors }));
  }
  const filters: RunFilters = {
    ...(statusFilter === null ? {} : { status: statusFilter as ClusterStatus }),
    ...(subscriptionId === null ? {} : { subscriptionId }),
    ...(resourceGroup === null ? {} : { resourceGroup }),
    ...(requestedBy === null ? {} : { requestedBy }),
  };
  const caller = who?.ok === true ? who.caller : null;
  const policy = config?.api.accessPolicy ?? null;
  const visible = ({ subscriptionId, resourceGroup }: StatusSummary) => {
    if (caller === null || subscriptionId === null || resourceGroup === null) return true;
    const at = { subscriptionId, resourceGroup };
    return checkAccess(policy, caller, [{ ...at, scope: armScope(at), fields: ["resourceGroup"] }]).allowed;
  };
  let page: IndexPage;
  try {
    page = await visiblePage(stores, filters, top, token, visible);
  } catch (error) {
    if (!(error instanceof InvalidContinuationToken)) throw error;
    // Our wrapper decoded, but what it wraps was not issued by the index: a forged or damaged token.
    const message = "continuationToken is not one this API issued";
    return problemResponse(
      problem(400, "Bad Request", "Invalid query parameters.", {
        errors: [{ path: "continuationToken", code: "invalid-token", message }],
      }),
    );
  }
  const next = page.continuationToken === null ? null : encodeToken(page.continuationToken);
  let nextLink: string | undefined;
  if (next !== null) {
    const url = new URL(request.url);
    url.searchParams.delete("code"); // never hand a key given as ?code= on in a link
    url.searchParams.set("continuationToken", next);
    nextLink = url.toString();
  }
  const body = JSON.stringify({
    items: page.items,
    continuationToken: next,
    ...(nextLink === undefined ? {} : { nextLink }),
  });
  const etag = etagOf(body);
  const headers = { ETag: etag, "Cache-Control": "no-cache" };
  if (notModified(request, etag)) return { status: 304, headers };
  return { status: 200, body, headers: { "Content-Type": "application/json; charset=utf-8", ...headers } };
}

// Index pages read per request for a caller whose grants hide most runs; past this the page comes back short, with
// nextLink, as Azure list APIs may.
const maxIndexReads = 5;

/**
 * One page of the runs this caller may see. The index cannot express a grant's wildcards, so each index read asks for
 * what is still missing and keeps the visible rows; every row of a read page is consumed, so the index's token after
 * the last read is exactly where the next page starts.
 */
async function visiblePage(
  stores: HttpStores,
  filters: RunFilters,
  top: number,
  token: string | null,
  visible: (item: StatusSummary) => boolean,
): Promise<IndexPage> {
  const items: StatusSummary[] = [];
  let continuationToken = token;
  for (let read = 0; read < maxIndexReads; read += 1) {
    const page = await stores.index.list(filters, top - items.length, continuationToken);
    items.push(...page.items.filter(visible));
    continuationToken = page.continuationToken;
    if (continuationToken === null || items.length >= top) break;
  }
  return { items, continuationToken };
}
