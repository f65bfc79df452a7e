/**
 * Every change this API can make to a cluster it built, one row per kind of change with a stable code, like the
 * planner's rule table. A row finds its changes between the spec the cluster was built from and the new one and says
 * which AKS operations apply them, what is checked before and after, and whether the change is one-way or disrupts
 * running workloads (then it runs only when acknowledged). A changed field no row claims cannot change in place.
 */
import type { ClusterRequest, NodePoolSpec } from "../clusterRequest.js";
import type { ChangeItem, ChangeKind } from "./changePlanSchema.js";
import { networkChangeRules } from "./networkChangeRules.js";

export interface ChangeRule {
  code: string;
  kind: ChangeKind;
  find: (before: ClusterRequest, after: ClusterRequest) => ChangeItem[];
}

const byName = (pools: NodePoolSpec[], name: string) =>
  pools.find((pool) => pool.name.toLowerCase() === name.toLowerCase());

/** Pools in both specs, with their index in the new one. */
function keptPools(before: ClusterRequest, after: ClusterRequest) {
  return after.nodePools.flatMap((pool, index) => {
    const previous = byName(before.nodePools, pool.name);
    return previous === undefined ? [] : [{ pool, previous, index }];
  });
}

const bounds = (pool: NodePoolSpec) =>
  pool.minCount === null ? "no autoscaler" : `autoscaler ${pool.minCount}–${pool.maxCount ?? pool.minCount}`;

const tagsUpdate: ChangeRule = {
  code: "tags-update",
  kind: "in-place",
  find: (before, after) =>
    JSON.stringify(sortedTags(before.tags)) === JSON.stringify(sortedTags(after.tags))
      ? []
      : [
          {
            code: "tags-update",
            kind: "in-place",
            paths: ["tags"],
            pool: null,
            summary: "the cluster's and its pools' tags are replaced",
            operations: ["PUT managedClusters (tags)", "PUT agentPools/{each pool} (tags)"],
            checks: [],
          },
        ],
};

const poolScale: ChangeRule = {
  code: "pool-scale",
  kind: "in-place",
  find: (before, after) =>
    keptPools(before, after)
      .filter(({ pool, previous }) => pool.count !== previous.count)
      .map(({ pool, previous, index }) => ({
        code: "pool-scale",
        kind: "in-place" as const,
        paths: [`nodePools.${index}.count`],
        pool: pool.name,
        summary: `pool ${pool.name}: ${previous.count} → ${pool.count} nodes`,
        operations: [index === 0 ? "PUT managedClusters (first System pool's count)" : `PUT agentPools/${pool.name}`],
        checks: ["subnet-room"],
      })),
};

const poolAutoscale: ChangeRule = {
  code: "pool-autoscale",
  kind: "in-place",
  find: (before, after) =>
    keptPools(before, after)
      .filter(({ pool, previous }) => pool.minCount !== previous.minCount || pool.maxCount !== previous.maxCount)
      .map(({ pool, previous, index }) => ({
        code: "pool-autoscale",
        kind: "in-place" as const,
        paths: [
          ...(pool.minCount === previous.minCount ? [] : [`nodePools.${index}.minCount`]),
          ...(pool.maxCount === previous.maxCount ? [] : [`nodePools.${index}.maxCount`]),
        ],
        pool: pool.name,
        summary: `pool ${pool.name}: ${bounds(previous)} → ${bounds(pool)}`,
        operations: [index === 0 ? "PUT managedClusters (first System pool's bounds)" : `PUT agentPools/${pool.name}`],
        checks: ["subnet-room"],
      })),
};

const poolAdd: ChangeRule = {
  code: "pool-add",
  kind: "in-place",
  find: (before, after) =>
    after.nodePools.flatMap((pool, index) =>
      byName(before.nodePools, pool.name) !== undefined
        ? []
        : [
            {
              code: "pool-add",
              kind: "in-place" as const,
              paths: [`nodePools.${index}`],
              pool: pool.name,
              summary: `new ${pool.mode} pool ${pool.name}: ${pool.count} × ${pool.vmSize} in subnet ${pool.nodeSubnet.name}`,
              operations: [`PUT agentPools/${pool.name} (create)`],
              checks: ["subnet-room", "new-node-ips"],
            },
          ],
    ),
};

const poolRemove: ChangeRule = {
  code: "pool-remove",
  kind: "disruptive",
  find: (before, after) =>
    before.nodePools.flatMap((pool, index) =>
      byName(after.nodePools, pool.name) !== undefined
        ? []
        : [
            {
              code: "pool-remove",
              kind: "disruptive" as const,
              paths: [`nodePools.${index}`],
              pool: pool.name,
              summary: `pool ${pool.name} and its ${pool.count} node(s) are deleted; their pods are evicted`,
              operations: [`DELETE agentPools/${pool.name}`],
              checks: ["system-pool-stays"],
            },
          ],
    ),
};

export const migratesToOverlay = (before: ClusterRequest, after: ClusterRequest) =>
  before.network.mode === "kubenet" && after.network.mode === "overlay";

/**
 * `az aks update --network-plugin azure --network-plugin-mode overlay --pod-cidr …` (aks-docs update-azure-cni.md):
 * one-way, every pool reimaged at once; the Cilium dataplane can only follow as a separate, later update.
 */
const kubenetToOverlay: ChangeRule = {
  code: "kubenet-to-overlay",
  kind: "one-way",
  find: (before, after) =>
    !migratesToOverlay(before, after)
      ? []
      : [
          {
            code: "kubenet-to-overlay",
            kind: "one-way" as const,
            paths: ["network.mode", ...(before.network.podCidr === after.network.podCidr ? [] : ["network.podCidr"])],
            pool: null,
            summary:
              `kubenet → Azure CNI Overlay with pods from ${after.network.podCidr ?? "?"} (was ` +
              `${before.network.podCidr ?? "?"}): every node of every pool is reimaged at once, and it cannot be undone`,
            operations: [
              `PUT managedClusters (networkPlugin azure, networkPluginMode overlay, podCidr ${after.network.podCidr ?? "?"})`,
            ],
            checks: [
              "network-policy-none",
              "no-windows-pools",
              "user-assigned-identity",
              "pod-cidr-clear",
              "route-table",
            ],
            reimagesNodes: true,
          },
        ],
};

/** The rows, in the order a run applies what they find. */
export const changeRules: readonly ChangeRule[] = [
  tagsUpdate,
  poolScale,
  poolAutoscale,
  poolAdd,
  poolRemove,
  kubenetToOverlay,
  ...networkChangeRules,
];

/**
 * Paths the rows above own, and paths that do not describe the cluster (how a run verifies, which preview flags it
 * checks); any other difference is refused.
 */
const claimedPaths = [
  /^tags(\..+)?$/,
  /^nodePools\.\d+\.(count|minCount|maxCount)$/,
  /^nodePool(\..+)?$/,
  /^verify(\..+)?$/,
  /^features(\..+)?$/,
];

/** What kubenet-to-overlay changes besides the mode: the pod CIDR may move with it. */
const migrationPaths = [/^network\.mode$/, /^network\.podCidrs?$/];

function sortedTags(tags: Record<string, string>): [string, string][] {
  return Object.entries(tags).sort(([a], [b]) => a.localeCompare(b));
}

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

/**
 * Fields that differ and no row may change: the cluster-wide ones, each kept pool's own (compared by name, so adding
 * or removing a pool does not shift the others), and the first System pool, which AKS builds with the cluster.
 */
export function refusedPaths(before: ClusterRequest, after: ClusterRequest): string[] {
  const { nodePools: _beforePools, ...beforeRest } = before;
  const { nodePools: _afterPools, ...afterRest } = after;
  const owned = [
    ...(migratesToOverlay(before, after) ? migrationPaths : []),
    ...networkChangeRules.flatMap((rule) => rule.claims(before, after)),
  ];
  const refused = differing(beforeRest, afterRest, "").filter((path) => !owned.some((p) => p.test(path)));
  const firstBefore = before.nodePools[0];
  const firstAfter = after.nodePools[0];
  if (firstBefore !== undefined && firstAfter !== undefined && firstBefore.name !== firstAfter.name) {
    refused.push("nodePools.0.name");
  }
  for (const { pool, previous, index } of keptPools(before, after)) {
    refused.push(...differing(previous, pool, `nodePools.${index}`));
  }
  return [...new Set(refused)].sort();
}

function differing(before: object, after: object, prefix: string): string[] {
  const a = new Map<string, string>();
  const b = new Map<string, string>();
  flatten(before, prefix, a);
  flatten(after, prefix, b);
  return [...new Set([...a.keys(), ...b.keys()])].filter(
    (path) => a.get(path) !== b.get(path) && !claimedPaths.some((pattern) => pattern.test(path)),
  );
}
