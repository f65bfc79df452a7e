import type { HttpRequest, HttpResponseInit } from "@azure/functions";
import type { DurableClient } from "durable-functions";
import { problem } from "../domain/problem.js";
import { clusterStatuses, toStatusDocument, toStatusSummary, type ClusterStatus } from "../domain/statusDocument.js";
import { orchestrationNames } from "../orchestrators/runtime.js";
import { teardownInstanceId, toSnapshot } from "./instances.js";
import { json, problemResponse } from "./responses.js";

const maxPageSize = 100;

function decodeToken(token: string | null): number | null {
  if (token === null || token === "") return 0;
  const offset = Number.parseInt(Buffer.from(token, "base64url").toString("utf8"), 10);
  return Number.isInteger(offset) && offset >= 0 ? offset : null;
}

/** GET /api/clusters?status=&top=&continuationToken=: newest first. */
export async function listClusters(request: HttpRequest, client: DurableClient): Promise<HttpResponseInit> {
  const statusFilter = request.query.get("status");
  const top = Number.parseInt(request.query.get("top") ?? "20", 10);
  const offset = decodeToken(request.query.get("continuationToken"));
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
  if (offset === null) {
    errors.push({
      path: "continuationToken",
      code: "invalid-token",
      message: "continuationToken is not one this API issued",
    });
  }
  if (errors.length > 0 || offset === null) {
    return problemResponse(problem(400, "Bad Request", "Invalid query parameters.", { errors }));
  }

  const instances = await client.getStatusAll();
  const byId = new Map(instances.map((instance) => [instance.instanceId, instance]));
  const summaries = instances
    .filter((instance) => instance.name === orchestrationNames.provisionCluster)
    .map((instance) => {
      const teardown = byId.get(teardownInstanceId(instance.instanceId));
      return toStatusSummary(
        toStatusDocument(
          instance.instanceId,
          toSnapshot(instance),
          teardown === undefined ? null : toSnapshot(teardown),
        ),
      );
    })
    .filter((summary) => statusFilter === null || summary.status === statusFilter)
    .sort((a, b) => (a.createdAt < b.createdAt ? 1 : a.createdAt > b.createdAt ? -1 : a.id.localeCompare(b.id)));
  const page = summaries.slice(offset, offset + top);
  const next = offset + top < summaries.length ? Buffer.from(String(offset + top), "utf8").toString("base64url") : null;
  return json(200, { items: page, continuationToken: next });
}
