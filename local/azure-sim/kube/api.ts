/**
 * The HTTP surface of one cluster's API server, as stock kubectl and @kubernetes/client-node use it: version,
 * discovery, OpenAPI v3, CRUD on the served resources with Table output, label/field selectors and watch streams.
 * Request bodies are JSON (merge patches for PATCH) or the protobuf kubectl sends for namespaces and configmaps
 * (protobuf.ts); anything else answers 415 as an API server does for a media type it does not decode.
 */
import type { SimRequest, SimResponse } from "../http.js";
import { json } from "../http.js";
import type { KubeCluster } from "./cluster.js";
import type { KubeObject } from "./model.js";
import { apiVersionOf, storeKey } from "./resources.js";
import { decodeProtobuf } from "./protobuf.js";
import { nonResource } from "./discovery.js";
import { dns1123, knownFields, mergePatch, notFound, parsePath, status, type Target } from "./requests.js";
import { watchResponse } from "./watch.js";
import { scale } from "./scale.js";
import { fieldMatcher, labelMatcher, SelectorError } from "./selectors.js";
import { table, wantsTable } from "./tables.js";

export class KubeApi {
  constructor(
    private readonly cluster: KubeCluster,
    private readonly serverAddress: () => string,
  ) {}

  handle(incoming: SimRequest): SimResponse {
    let request = incoming;
    const { path, method } = request;
    const accept = request.headers.accept ?? "";
    if (method === "GET") {
      const served = nonResource(path, accept, this.cluster.data.network.kubernetesVersion, this.serverAddress);
      if (served !== undefined) return served;
    }
    const target = parsePath(path);
    if (target === null || target === "not-found")
      return status(404, "NotFound", "the server could not find the requested resource");
    if (["POST", "PUT", "PATCH"].includes(method)) {
      const type = String(request.headers["content-type"] ?? "application/json");
      const decoded = /protobuf/.test(type) ? decodeProtobuf(request.rawBytes) : null;
      if (decoded !== null) request = { ...request, body: decoded };
      else if (!/json/.test(type))
        return status(
          415,
          "UnsupportedMediaType",
          `the body of the request was in an unknown format - accepted media types include: application/json, application/yaml`,
        );
    }
    try {
      this.cluster.reconcile();
      const response = this.route(request, target);
      this.cluster.reconcile();
      return response;
    } catch (error) {
      if (error instanceof SelectorError) return status(400, "BadRequest", error.message);
      throw error;
    }
  }

  private route(request: SimRequest, target: Target): SimResponse {
    const { resource, namespace, name, subresource } = target;
    const key = storeKey(resource);
    if (subresource !== null && name !== null) {
      const object = this.cluster.store.get(key, namespace ?? undefined, name);
      if (object === undefined) return notFound(resource, name);
      if (subresource === "scale" && ["Deployment", "ReplicaSet", "StatefulSet"].includes(resource.kind))
        return scale(this.cluster.store, key, object, request);
      // status is the object itself here; logs, exec, port-forward and the rest are not served.
      if (subresource !== "status") return status(404, "NotFound", "the server could not find the requested resource");
    }
    if (request.method === "GET" && name === null) return this.list(request, target);
    if (request.method === "GET" && name !== null) {
      const object = this.cluster.store.get(key, namespace ?? undefined, name);
      if (object === undefined) return notFound(resource, name);
      return wantsTable(request.headers.accept)
        ? json(200, table(resource.kind, [object], object.metadata.resourceVersion, this.includeObject(request)))
        : json(200, object);
    }
    if (request.method === "POST" && name === null) return this.create(request, target);
    if (request.method === "DELETE" && name !== null) return this.remove(target, name);
    if ((request.method === "PUT" || request.method === "PATCH") && name !== null)
      return this.modify(request, target, name);
    return status(405, "MethodNotAllowed", `the server does not allow this method on the requested resource`);
  }

  private includeObject(request: SimRequest): "None" | "Metadata" | "Object" {
    const value = request.query.get("includeObject");
    return value === "None" || value === "Object" ? value : "Metadata";
  }

  private matching(request: SimRequest, target: Target): (object: KubeObject) => boolean {
    const labels = labelMatcher(request.query.get("labelSelector"));
    const fields = fieldMatcher(request.query.get("fieldSelector"), target.resource.kind);
    return (object) =>
      (target.namespace === null || object.metadata.namespace === target.namespace) && labels(object) && fields(object);
  }

  private list(request: SimRequest, target: Target): SimResponse {
    const matches = this.matching(request, target);
    const key = storeKey(target.resource);
    const watch = request.query.get("watch");
    if (watch === "true" || watch === "1")
      return watchResponse(this.cluster.store, request, target.resource, matches, this.includeObject(request));
    const items = this.cluster.store.list(key).filter(matches);
    const resourceVersion = String(this.cluster.data.resourceVersion);
    if (wantsTable(request.headers.accept))
      return json(200, table(target.resource.kind, items, resourceVersion, this.includeObject(request)));
    return json(200, {
      kind: `${target.resource.kind}List`,
      apiVersion: apiVersionOf(target.resource),
      metadata: { resourceVersion },
      items,
    });
  }

  private validate(
    request: SimRequest,
    target: Target,
    body: unknown,
  ): { error: SimResponse } | { object: KubeObject } {
    if (typeof body !== "object" || body === null || Array.isArray(body))
      return { error: status(400, "BadRequest", "the body of the request was not a JSON object") };
    const object = body as KubeObject;
    const strict = request.query.get("fieldValidation") === "Strict";
    const unknown = Object.keys(object).filter((field) => !knownFields.has(field));
    if (strict && unknown.length > 0)
      return {
        error: status(
          400,
          "BadRequest",
          `${target.resource.kind} in version "v1" cannot be handled as a ${target.resource.kind}: strict decoding error: ${unknown.map((field) => `unknown field "${field}"`).join(", ")}`,
        ),
      };
    if ((object.kind as string | undefined) !== undefined && object.kind !== target.resource.kind)
      return {
        error: status(
          400,
          "BadRequest",
          `the kind in the data (${String(object.kind)}) does not match the expected kind (${target.resource.kind})`,
        ),
      };
    return { object };
  }

  private create(request: SimRequest, target: Target): SimResponse {
    const { resource } = target;
    const checked = this.validate(request, target, request.body);
    if ("error" in checked) return checked.error;
    const body = checked.object;
    const metadata: Partial<KubeObject["metadata"]> = {
      ...(body.metadata as Partial<KubeObject["metadata"]> | undefined),
    };
    if ((metadata.name ?? "") === "" && typeof metadata.generateName === "string")
      metadata.name = `${metadata.generateName}${Math.random().toString(36).slice(2, 7)}`;
    const name = metadata.name ?? "";
    if (name === "")
      return status(
        422,
        "Invalid",
        `${resource.kind} "" is invalid: metadata.name: Required value: name or generateName is required`,
        {
          kind: resource.plural,
          causes: [
            {
              reason: "FieldValueRequired",
              message: "Required value: name or generateName is required",
              field: "metadata.name",
            },
          ],
        },
      );
    if (!dns1123.test(name) || name.length > 253)
      return status(
        422,
        "Invalid",
        `${resource.kind} "${name}" is invalid: metadata.name: Invalid value: "${name}": a lowercase RFC 1123 subdomain must consist of lower case alphanumeric characters, '-' or '.', and must start and end with an alphanumeric character`,
        { name, kind: resource.plural },
      );
    const namespace = resource.namespaced ? (target.namespace ?? metadata.namespace ?? "default") : undefined;
    if (namespace !== undefined && this.cluster.store.get("namespaces", undefined, namespace) === undefined)
      return status(404, "NotFound", `namespaces "${namespace}" not found`, { name: namespace, kind: "namespaces" });
    const key = storeKey(resource);
    if (this.cluster.store.get(key, namespace, name) !== undefined) {
      const qualified = resource.group === "" ? resource.plural : `${resource.plural}.${resource.group}`;
      return status(409, "AlreadyExists", `${qualified} "${name}" already exists`, {
        name,
        group: resource.group,
        kind: resource.plural,
      });
    }
    const object: KubeObject = {
      ...body,
      apiVersion: apiVersionOf(resource),
      kind: resource.kind,
      metadata: {
        ...metadata,
        uid: "",
        resourceVersion: "",
        creationTimestamp: "",
        name,
        ...(namespace === undefined ? {} : { namespace }),
      },
    };
    let created: KubeObject;
    if (resource.kind === "Service") created = this.cluster.createService(namespace ?? "default", object);
    else if (resource.kind === "Namespace")
      created = this.cluster.store.create(key, {
        ...object,
        metadata: { ...object.metadata, labels: { ...object.metadata.labels, "kubernetes.io/metadata.name": name } },
        spec: { finalizers: ["kubernetes"] },
        status: { phase: "Active" },
      });
    else if (resource.kind === "Pod") {
      created = this.cluster.store.create(key, {
        ...object,
        spec: { ...object.spec, nodeName: object.spec?.nodeName ?? this.cluster.nodes[0]?.metadata.name },
        status: { phase: "Pending" },
      });
      this.cluster.pendingSince(created);
    } else created = this.cluster.store.create(key, { ...object, status: {} });
    return json(201, created);
  }

  private modify(request: SimRequest, target: Target, name: string): SimResponse {
    const key = storeKey(target.resource);
    const existing = this.cluster.store.get(key, target.namespace ?? undefined, name);
    if (existing === undefined) return notFound(target.resource, name);
    const type = String(request.headers["content-type"] ?? "");
    if (request.method === "PATCH" && /json-patch\+json/.test(type))
      return status(415, "UnsupportedMediaType", "json-patch is not supported by this simulator; use a merge patch");
    const next =
      request.method === "PUT" ? (request.body as KubeObject) : (mergePatch(existing, request.body) as KubeObject);
    const checked = this.validate(request, target, next);
    if ("error" in checked) return checked.error;
    const updated = this.cluster.store.update(key, {
      ...next,
      apiVersion: existing.apiVersion,
      kind: existing.kind,
      metadata: {
        ...next.metadata,
        name,
        ...(existing.metadata.namespace === undefined ? {} : { namespace: existing.metadata.namespace }),
      },
    });
    return json(200, updated);
  }

  private remove(target: Target, name: string): SimResponse {
    const key = storeKey(target.resource);
    const existing = this.cluster.store.get(key, target.namespace ?? undefined, name);
    if (existing === undefined) return notFound(target.resource, name);
    if (target.resource.kind === "Namespace") {
      if (["default", "kube-system", "kube-public", "kube-node-lease"].includes(name))
        return status(403, "Forbidden", `namespaces "${name}" is forbidden: this namespace may not be deleted`);
      this.cluster.deleteNamespace(name);
      this.cluster.store.remove(key, undefined, name);
      return json(200, { ...existing, status: { phase: "Terminating" } });
    }
    if (target.resource.kind === "Pod") this.cluster.deletePod(existing);
    else this.cluster.store.remove(key, existing.metadata.namespace, name);
    this.cluster.cascadeDelete(existing);
    return json(200, existing);
  }
}
