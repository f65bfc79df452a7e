/**
 * Every change this API can make to a cluster it built, one row per kind of change with a stable code, like the
 * planner's rule table. A row finds its changes between the spec the cluster was built from and the new one and says
 * which AKS operations apply them, what is checked before and after, and whether the change is one-way or disrupts
 * running workloads (then it runs only when acknowledged). A changed field no row claims cannot change in place.
 */
import type { ClusterRequest, NodePoolSpec } from "../clusterRequest.js";
import { changeRule, type ChangeRule } from "./changeRow.js";
import { networkChangeRules } from "./networkChangeRules.js";

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

/** Pools of `pools` that `others` has no pool of the same name for, with their index in `pools`. */
const poolsMissingFrom = (pools: NodePoolSpec[], others: NodePoolSpec[]) =>
  pools.flatMap((pool, index) => (byName(others, pool.name) === undefined ? [{ pool, index }] : []));

const tagsUpdate = changeRule("tags-update", "in-place", (before, after) =>
  JSON.stringify(sortedTags(before.tags)) === JSON.stringify(sortedTags(after.tags))
    ? []
    : [
        {
          paths: ["tags"],
          pool: null,
          summary: "the cluster's and its pools' tags are replaced",
          operations: ["PUT managedClusters (tags)", "PUT agentPools/{each pool} (tags)"],
          checks: [],
        },
      ],
);

const poolScale = changeRule("pool-scale", "in-place", (before, after) =>
  keptPools(before, after)
    .filter(({ pool, previous }) => pool.count !== previous.count)
    .map(({ pool, previous, index }) => ({
      paths: [`nodePools.${index}.count`],
      pool: pool.name,
      summary: `pool ${pool.name}: ${previous.count} → ${pool.count} nodes`,
      operations: [index === 0 ? "PUT managedClusters (first System pool's count)" : `PUT agentPools/${pool.name}`],
      checks: ["subnet-room"],
    })),
);

const poolAutoscale = changeRule("pool-autoscale", "in-place", (before, after) =>
  keptPools(before, after)
    .filter(({ pool, previous }) => pool.minCount !== previous.minCount || pool.maxCount !== previous.maxCount)
    .map(({ pool, previous, index }) => ({
      paths: [
        ...(pool.minCount === previous.minCount ? [] : [`nodePools.${index}.minCount`]),
        ...(pool.maxCount === previous.maxCount ? [] : [`nodePools.${index}.maxCount`]),
      ],
      pool: pool.name,
      summary: `pool ${pool.name}: ${bounds(previous)} → ${bounds(pool)}`,
      operations: [index === 0 ? "PUT managedClusters (first System pool's bounds)" : `PUT agentPools/${pool.name}`],
      checks: ["subnet-room"],
    })),
);

const poolAdd = changeRule("pool-add", "in-place", (before, after) =>
  poolsMissingFrom(after.nodePools, before.nodePools).map(({ pool, index }) => ({
    paths: [`nodePools.${index}`],
    pool: pool.name,
    summary: `new ${pool.mode} pool ${pool.name}: ${pool.count} × ${pool.vmSize} in subnet ${pool.nodeSubnet.name}`,
    operations: [`PUT agentPools/${pool.name} (create)`],
    checks: ["subnet-room", "new-node-ips"],
  })),
);

const poolRemove = changeRule("pool-remove", "disruptive", (before, after) =>
  poolsMissingFrom(before.nodePools, after.nodePools).map(({ pool, index }) => ({
    paths: [`nodePools.${index}`],
    pool: pool.name,
    summary: `pool ${pool.name} and its ${pool.count} node(s) are deleted; their pods are evicted`,
    operations: [`DELETE agentPools/${pool.name}`],
    checks: ["system-pool-stays"],
  })),
);

export const migratesToOverlay = (before: ClusterRequest, after: ClusterRequest) =>
  before.network.mode === "kubenet" && after.network.mode === "overlay";

/**
 * `az aks update --network-plugin azure --network-plugin-mode overlay --pod-cidr …` (aks-docs update-azure-cni.md):
 * one-way, every pool reimaged at once; the Cilium dataplane can only follow as a separate, later update.
 */
const kubenetToOverlay = changeRule("kubenet-to-overlay", "one-way", (before, after) => {
  if (!migratesToOverlay(before, after)) return [];
  const podCidr = after.network.podCidr ?? "?";
  return [
    {
      paths: ["network.mode", ...(before.network.podCidr === after.network.podCidr ? [] : ["network.podCidr"])],
      pool: null,
      summary:
        `kubenet → Azure CNI Overlay with pods from ${podCidr} (was ${before.network.podCidr ?? "?"}): ` +
        "every node of every pool is reimaged at once, and it cannot be undone",
      operations: [`PUT managedClusters (networkPlugin azure, networkPluginMode overlay, podCidr ${podCidr})`],
      checks: ["network-policy-none", "no-windows-pools", "user-assigned-identity", "pod-cidr-clear", "route-table"],
      reimagesNodes: true,
    },
  ];
});

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
