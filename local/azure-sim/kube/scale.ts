/**
 * The scale subresource (`kubectl scale`): an autoscaling/v1 Scale view of a workload's replicas, and writes to it
 * that set spec.replicas (the controllers then add or remove pods).
 */
import { json, type SimRequest, type SimResponse } from "../http.js";
import type { KubeObject } from "./model.js";
import { mergePatch, status } from "./requests.js";
import type { KubeStore } from "./store.js";

function scaleOf(object: KubeObject): Record<string, unknown> {
  const selector = (object.spec?.selector as { matchLabels?: Record<string, string> } | undefined)?.matchLabels ?? {};
  return {
    kind: "Scale",
    apiVersion: "autoscaling/v1",
    metadata: {
      name: object.metadata.name,
      namespace: object.metadata.namespace,
      uid: object.metadata.uid,
      resourceVersion: object.metadata.resourceVersion,
      creationTimestamp: object.metadata.creationTimestamp,
    },
    spec: { replicas: Number(object.spec?.replicas ?? 1) },
    status: {
      replicas: Number(object.status?.replicas ?? 0),
      selector: Object.entries(selector)
        .map(([k, v]) => `${k}=${v}`)
        .join(","),
    },
  };
}

export function scale(store: KubeStore, key: string, object: KubeObject, request: SimRequest): SimResponse {
  if (request.method === "GET") return json(200, scaleOf(object));
  if (request.method !== "PUT" && request.method !== "PATCH")
    return status(405, "MethodNotAllowed", "the server does not allow this method on the requested resource");
  const next = (request.method === "PUT" ? request.body : mergePatch(scaleOf(object), request.body)) as {
    spec?: { replicas?: unknown };
  };
  const replicas = Number(next.spec?.replicas);
  if (!Number.isInteger(replicas) || replicas < 0)
    return status(
      422,
      "Invalid",
      `Scale.autoscaling "${object.metadata.name}" is invalid: spec.replicas: Invalid value`,
    );
  return json(200, scaleOf(store.update(key, { ...object, spec: { ...object.spec, replicas } })));
}
