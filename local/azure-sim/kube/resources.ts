/**
 * The resources this API server serves, and the discovery and OpenAPI documents kubectl reads to find them: legacy
 * discovery (/api, /apis, /api/v1, /apis/{group}/{version}), aggregated discovery (apidiscovery.k8s.io/v2, which
 * kubectl ≥ 1.26 asks for first), and OpenAPI v3 documents whose PATCH operations carry the `fieldValidation` query
 * parameter — kubectl's QueryParamVerifierV3 looks for exactly that before it lets the server validate `apply -f`.
 */
export interface ResourceType {
  group: string;
  version: string;
  plural: string;
  singular: string;
  kind: string;
  namespaced: boolean;
  shortNames: string[];
  categories: string[];
  /** Read-only kinds the cluster's controllers own. */
  verbs: string[];
}

const all = ["create", "delete", "deletecollection", "get", "list", "patch", "update", "watch"];

function type(
  group: string,
  plural: string,
  kind: string,
  namespaced: boolean,
  shortNames: string[] = [],
  categories: string[] = [],
): ResourceType {
  return {
    group,
    version: "v1",
    plural,
    singular: kind.toLowerCase(),
    kind,
    namespaced,
    shortNames,
    categories,
    verbs: all,
  };
}

export const resourceTypes: ResourceType[] = [
  type("", "namespaces", "Namespace", false, ["ns"]),
  type("", "nodes", "Node", false, ["no"]),
  type("", "pods", "Pod", true, ["po"], ["all"]),
  type("", "services", "Service", true, ["svc"], ["all"]),
  type("", "endpoints", "Endpoints", true, ["ep"]),
  type("", "events", "Event", true, ["ev"]),
  type("", "configmaps", "ConfigMap", true, ["cm"]),
  type("", "serviceaccounts", "ServiceAccount", true, ["sa"]),
  type("apps", "deployments", "Deployment", true, ["deploy"], ["all"]),
  type("apps", "replicasets", "ReplicaSet", true, ["rs"], ["all"]),
  type("apps", "daemonsets", "DaemonSet", true, ["ds"], ["all"]),
  type("apps", "statefulsets", "StatefulSet", true, ["sts"], ["all"]),
  type("discovery.k8s.io", "endpointslices", "EndpointSlice", true),
];

/** Store key of a resource: the plural, with the group for non-core resources. */
export function storeKey(resource: ResourceType): string {
  return resource.group === "" ? resource.plural : `${resource.plural}.${resource.group}`;
}

export function apiVersionOf(resource: ResourceType): string {
  return resource.group === "" ? resource.version : `${resource.group}/${resource.version}`;
}

export function findResource(group: string, version: string, plural: string): ResourceType | undefined {
  return resourceTypes.find((r) => r.group === group && r.version === version && r.plural === plural);
}

export function resourceForKind(kind: string): ResourceType | undefined {
  return resourceTypes.find((r) => r.kind === kind);
}

const groups = [...new Set(resourceTypes.filter((r) => r.group !== "").map((r) => r.group))];

function apiResource(resource: ResourceType): Record<string, unknown> {
  return {
    name: resource.plural,
    singularName: resource.singular,
    namespaced: resource.namespaced,
    kind: resource.kind,
    verbs: resource.verbs,
    ...(resource.shortNames.length > 0 ? { shortNames: resource.shortNames } : {}),
    ...(resource.categories.length > 0 ? { categories: resource.categories } : {}),
  };
}

export function coreVersions(serverAddress: string): Record<string, unknown> {
  return {
    kind: "APIVersions",
    versions: ["v1"],
    serverAddressByClientCIDRs: [{ clientCIDR: "0.0.0.0/0", serverAddress }],
  };
}

export function groupList(): Record<string, unknown> {
  return {
    kind: "APIGroupList",
    apiVersion: "v1",
    groups: groups.map((name) => ({
      name,
      versions: [{ groupVersion: `${name}/v1`, version: "v1" }],
      preferredVersion: { groupVersion: `${name}/v1`, version: "v1" },
    })),
  };
}

export function resourceList(group: string, version: string): Record<string, unknown> | undefined {
  const resources = resourceTypes.filter((r) => r.group === group && r.version === version);
  if (resources.length === 0) return undefined;
  return {
    kind: "APIResourceList",
    apiVersion: "v1",
    groupVersion: group === "" ? version : `${group}/${version}`,
    resources: resources.flatMap((r) => [
      apiResource(r),
      ...subresourcesOf(r).map((sub) => ({
        name: `${r.plural}/${sub.name}`,
        singularName: "",
        namespaced: r.namespaced,
        ...(sub.name === "scale" ? { group: "autoscaling", version: "v1" } : {}),
        kind: sub.kind,
        verbs: ["get", "patch", "update"],
      })),
    ]),
  };
}

/** The subresources served (api.ts): status for every kind that has one, scale for the replicated workloads. */
function subresourcesOf(r: ResourceType): { name: string; kind: string }[] {
  const out: { name: string; kind: string }[] = [];
  if (["Pod", "Service", "Deployment", "ReplicaSet", "DaemonSet", "StatefulSet", "Namespace", "Node"].includes(r.kind))
    out.push({ name: "status", kind: r.kind });
  if (["Deployment", "ReplicaSet", "StatefulSet"].includes(r.kind)) out.push({ name: "scale", kind: "Scale" });
  return out;
}

/** apidiscovery.k8s.io/v2 APIGroupDiscoveryList for /api (core) or /apis (named groups). */
export function aggregatedDiscovery(core: boolean, apiVersion: "v2" | "v2beta1"): Record<string, unknown> {
  const names = core ? [""] : groups;
  return {
    kind: "APIGroupDiscoveryList",
    apiVersion: `apidiscovery.k8s.io/${apiVersion}`,
    metadata: {},
    items: names.map((group) => ({
      metadata: group === "" ? { creationTimestamp: null } : { name: group, creationTimestamp: null },
      versions: [
        {
          version: "v1",
          freshness: "Current",
          resources: resourceTypes
            .filter((r) => r.group === group)
            .map((r) => ({
              resource: r.plural,
              responseKind: { group, version: "v1", kind: r.kind },
              scope: r.namespaced ? "Namespaced" : "Cluster",
              singularResource: r.singular,
              verbs: r.verbs,
              ...(r.shortNames.length > 0 ? { shortNames: r.shortNames } : {}),
              ...(r.categories.length > 0 ? { categories: r.categories } : {}),
              subresources: subresourcesOf(r).map((sub) => ({
                subresource: sub.name,
                responseKind:
                  sub.name === "scale"
                    ? { group: "autoscaling", version: "v1", kind: "Scale" }
                    : { group, version: "v1", kind: r.kind },
                verbs: ["get", "patch", "update"],
              })),
            })),
        },
      ],
    })),
  };
}

function groupVersionPath(group: string): string {
  return group === "" ? "api/v1" : `apis/${group}/v1`;
}

/** /openapi/v3: the group-version documents and where to fetch them. */
export function openApiRoot(): Record<string, unknown> {
  const paths: Record<string, { serverRelativeURL: string }> = {};
  for (const group of ["", ...groups]) {
    const path = groupVersionPath(group);
    paths[path] = { serverRelativeURL: `/openapi/v3/${path}?hash=sim1` };
  }
  return { paths };
}

const fieldValidationParameter = {
  name: "fieldValidation",
  in: "query",
  description: "Strict, Warn or Ignore: how the server treats unknown or duplicate fields.",
  schema: { type: "string", uniqueItems: true },
};

const objectSchema = { type: "object", "x-kubernetes-preserve-unknown-fields": true };

/**
 * A group version's OpenAPI v3 document: per resource, the collection and item paths with the operations served,
 * each tagged with x-kubernetes-group-version-kind. Schemas are open objects: the server validates (fieldValidation).
 */
export function openApiGroupVersion(path: string): Record<string, unknown> | undefined {
  const group = ["", ...groups].find((candidate) => groupVersionPath(candidate) === path);
  if (group === undefined) return undefined;
  const paths: Record<string, unknown> = {};
  for (const r of resourceTypes.filter((candidate) => candidate.group === group)) {
    const gvk = { group, version: "v1", kind: r.kind };
    const operation = (action: string, parameters: unknown[] = []) => ({
      operationId: `${action}${r.kind}`,
      parameters,
      responses: { "200": { description: "OK", content: { "application/json": { schema: objectSchema } } } },
      "x-kubernetes-action": action,
      "x-kubernetes-group-version-kind": gvk,
    });
    const base = `/${path}${r.namespaced ? "/namespaces/{namespace}" : ""}/${r.plural}`;
    paths[base] = {
      get: operation("list"),
      post: {
        ...operation("post", [fieldValidationParameter]),
        requestBody: { content: { "application/json": { schema: objectSchema } } },
      },
    };
    paths[`${base}/{name}`] = {
      get: operation("get"),
      put: operation("put", [fieldValidationParameter]),
      patch: operation("patch", [fieldValidationParameter]),
      delete: operation("delete"),
    };
  }
  return {
    openapi: "3.0.0",
    info: { title: "Kubernetes", version: "v1.33.2" },
    paths,
    components: { schemas: {} },
  };
}
