/** Request fixtures for planner tests, read once from docs/examples, and a path-based patch helper. */
import { readFileSync } from "node:fs";
import { fileURLToPath } from "node:url";
import { planCluster, type PlanResult, type Violation } from "../../src/domain/planner.js";

const examples = fileURLToPath(new URL("../../docs/examples", import.meta.url));
const cache = new Map<string, unknown>();

export type ExampleName =
  | "overlay"
  | "overlay-cilium"
  | "overlay-dual-stack"
  | "overlay-private-nat-gateway"
  | "overlay-udr-egress"
  | "overlay-user-pools"
  | "pod-subnet"
  | "pod-subnet-static-block"
  | "node-subnet"
  | "kubenet";

/** A fresh deep copy of a documented example. */
export function example(name: ExampleName): Record<string, unknown> {
  if (!cache.has(name)) cache.set(name, JSON.parse(readFileSync(`${examples}/${name}.json`, "utf8")));
  return structuredClone(cache.get(name)) as Record<string, unknown>;
}

/** Sets (or, with undefined, deletes) values by dotted path: { "network.mode": "kubenet", "nodePools.1.maxCount": 9 }. */
export function patched(base: Record<string, unknown>, patch: Record<string, unknown>): Record<string, unknown> {
  const copy = structuredClone(base);
  for (const [path, value] of Object.entries(patch)) {
    const keys = path.split(".");
    const last = keys.pop() ?? "";
    let node = copy;
    for (const key of keys) {
      const next = node[key];
      if (typeof next !== "object" || next === null) node[key] = {};
      node = node[key] as Record<string, unknown>;
    }
    if (value === undefined) delete node[last];
    else node[last] = value;
  }
  return copy;
}

export function codesAt(result: PlanResult): [string, string][] {
  if (result.ok) return [];
  return result.violations.map((v: Violation) => [v.path, v.code]);
}

export function warningCodes(input: unknown): [string, string][] {
  return planCluster(input).warnings.map((w) => [w.path, w.code]);
}

export function planned(input: unknown) {
  const result = planCluster(input);
  if (!result.ok) throw new Error(`expected a plan: ${JSON.stringify(result.violations)}`);
  return result;
}
