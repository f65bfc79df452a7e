/**
 * How a new request for an existing cluster differs from the one it was built from: what a run can change in place
 * (node count, tags), what it cannot (network profile, subnets, VM size…), and what does not touch the cluster at all.
 */
import type { ClusterRequest } from "./clusterRequest.js";

export interface SpecChanges {
  /** Paths a run applies with an update, then verifies. */
  inPlace: string[];
  /** Paths AKS cannot change on an existing cluster: a new cluster (or a teardown first) is needed. */
  immutable: string[];
}

const inPlacePaths = [/^nodePools?(\.\d+)?\.(count|minCount|maxCount)$/, /^tags(\..+)?$/];
// How the run verifies, or which preview flags it checks, does not describe the cluster.
const neutralPaths = [/^verify(\..+)?$/, /^features(\..+)?$/];

function flatten(value: unknown, path: string, into: Map<string, string>): void {
  if (value !== null && typeof value === "object" && !Array.isArray(value)) {
    for (const [key, child] of Object.entries(value)) flatten(child, path === "" ? key : `${path}.${key}`, into);
    return;
  }
  if (Array.isArray(value) && value.some((item) => item !== null && typeof item === "object")) {
    value.forEach((item, index) => flatten(item, `${path}.${index}`, into));
    return;
  }
  into.set(path, JSON.stringify(value ?? null));
}

/** Compares two normalised requests field by field; tags compare as a whole, since a PUT replaces them. */
export function specChanges(previous: ClusterRequest, next: ClusterRequest): SpecChanges {
  const before = new Map<string, string>();
  const after = new Map<string, string>();
  flatten(comparable(previous), "", before);
  flatten(comparable(next), "", after);
  const paths = [...new Set([...before.keys(), ...after.keys()])].sort();
  const changes: SpecChanges = { inPlace: [], immutable: [] };
  for (const path of paths) {
    if (before.get(path) === after.get(path)) continue;
    if (neutralPaths.some((pattern) => pattern.test(path))) continue;
    if (inPlacePaths.some((pattern) => pattern.test(path))) changes.inPlace.push(path);
    else changes.immutable.push(path);
  }
  return changes;
}

/** Tags compare as one value; `nodePool` mirrors the first System pool of `nodePools`, so only the pools are compared. */
function comparable(request: ClusterRequest): Record<string, unknown> {
  const { nodePool: _mirror, ...rest } = request;
  return { ...rest, tags: JSON.stringify(sorted(request.tags)) };
}

function sorted(tags: Record<string, string>): Record<string, string> {
  return Object.fromEntries(Object.entries(tags).sort(([a], [b]) => a.localeCompare(b)));
}
