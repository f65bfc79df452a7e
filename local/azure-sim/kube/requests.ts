/** Request plumbing of the API server: Status errors, resource paths, merge patches, admission field lists. */
import { json, type SimResponse } from "../http.js";
import { findResource, type ResourceType } from "./resources.js";

export function status(code: number, reason: string, message: string, details?: Record<string, unknown>): SimResponse {
  return json(code, {
    kind: "Status",
    apiVersion: "v1",
    metadata: {},
    status: "Failure",
    message,
    reason,
    ...(details === undefined ? {} : { details }),
    code,
  });
}

export function notFound(resource: ResourceType, name: string): SimResponse {
  const qualified = resource.group === "" ? resource.plural : `${resource.plural}.${resource.group}`;
  return status(404, "NotFound", `${qualified} "${name}" not found`, {
    name,
    group: resource.group,
    kind: resource.plural,
  });
}

export const dns1123 = /^[a-z0-9]([-a-z0-9]*[a-z0-9])?(\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*$/;

/** The top-level fields each kind declares; `fieldValidation=Strict` refuses others, as the API server does. */
export const knownFields = new Set([
  "apiVersion",
  "kind",
  "metadata",
  "spec",
  "status",
  "data",
  "binaryData",
  "stringData",
  "immutable",
  "subsets",
  "endpoints",
  "ports",
  "addressType",
  "secrets",
  "imagePullSecrets",
  "automountServiceAccountToken",
  "involvedObject",
  "reason",
  "message",
  "source",
  "type",
  "count",
  "firstTimestamp",
  "lastTimestamp",
  "reportingComponent",
  "reportingInstance",
  "eventTime",
  "action",
  "related",
  "series",
]);

export interface Target {
  resource: ResourceType;
  namespace: string | null;
  name: string | null;
  subresource: string | null;
}

export function parsePath(path: string): Target | "not-found" | null {
  const core = /^\/api\/v1\/(.+)$/.exec(path);
  const named = /^\/apis\/([^/]+)\/([^/]+)\/(.+)$/.exec(path);
  const [group, version, rest] =
    core !== null
      ? ["", "v1", core[1] ?? ""]
      : named !== null
        ? [named[1] ?? "", named[2] ?? "", named[3] ?? ""]
        : [null, null, null];
  if (group === null) return null;
  const parts = rest.split("/").filter((part) => part !== "");
  let namespace: string | null = null;
  if (parts[0] === "namespaces" && parts.length >= 3) {
    namespace = parts[1] ?? null;
    parts.splice(0, 2);
  }
  const resource = findResource(group, version, parts[0] ?? "");
  if (resource === undefined || (namespace !== null && !resource.namespaced)) return "not-found";
  return { resource, namespace, name: parts[1] ?? null, subresource: parts[2] ?? null };
}

/** RFC 7386 merge patch; strategic merge patch is treated the same (lists are replaced, not merged by key). */
export function mergePatch(target: unknown, patch: unknown): unknown {
  if (typeof patch !== "object" || patch === null || Array.isArray(patch)) return patch;
  const out: Record<string, unknown> =
    typeof target === "object" && target !== null && !Array.isArray(target)
      ? { ...(target as Record<string, unknown>) }
      : {};
  for (const [key, value] of Object.entries(patch)) {
    if (key.startsWith("$")) continue;
    if (value === null) delete out[key];
    else out[key] = mergePatch(out[key], value);
  }
  return out;
}
