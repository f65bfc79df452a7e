/**
 * The change plan for a new spec of a cluster this API built: what each change rule found, the fields that cannot
 * change in place, the address map before and after, and the checks with what is known of them before anything runs.
 */
import type { ClusterRequest } from "../clusterRequest.js";
import { addressMapOf } from "./addressMap.js";
import type { AddressMap, ChangeCheck, ChangeItem, ChangePlan, RefusedChange } from "./changePlanSchema.js";
import { changeRules, migratesToOverlay, refusedPaths } from "./changeRules.js";
import { networkChangeRules } from "./networkChangeRules.js";

export type { ChangePlan } from "./changePlanSchema.js";

/** Plan-time subnet sizing, from the new spec's own numbers; the run repeats it against AKS's real pools. */
function subnetChecks(after: AddressMap, changes: ChangeItem[]): ChangeCheck[] {
  const touched = new Set(
    changes
      .filter((change) => change.checks.includes("subnet-room"))
      .flatMap((change) => after.pools.filter((pool) => pool.name === change.pool))
      .flatMap((pool) => [pool.nodeSubnet, ...(pool.podSubnet === null ? [] : [pool.podSubnet])]),
  );
  return after.subnets
    .filter((subnet) => touched.has(subnet.name))
    .flatMap((subnet): ChangeCheck[] => [
      {
        code: "subnet-room",
        when: "plan",
        status: subnet.consumedAtSurge <= subnet.usable ? "passed" : "failed",
        message: `${subnet.name} (${subnet.cidr}): ${subnet.consumedAtSurge} of ${subnet.usable} usable addresses at every pool's maximum plus surge`,
      },
      {
        code: "subnet-room",
        when: "run",
        status: "at-run",
        message: `${subnet.name}: AKS's own pools on the subnet (real counts, pools made elsewhere too) plus this spec's, before any AKS call; SubnetIsFull stops the run there`,
      },
    ]);
}

/** What AKS refuses a kubenet → overlay update for, decided from the two specs (aks-docs update-azure-cni.md). */
function migrationChecks(before: ClusterRequest, after: ClusterRequest): ChangeCheck[] {
  if (!migratesToOverlay(before, after)) return [];
  const policy = before.network.networkPolicy;
  return [
    {
      code: "network-policy-none",
      when: "plan",
      status: policy === "none" ? "passed" : "failed",
      message:
        policy === "none"
          ? "no network policy is installed"
          : `network policy ${policy} is installed: uninstall it (networkPolicy none) in a change before the migration`,
    },
    {
      code: "no-windows-pools",
      when: "plan",
      status: "passed",
      message: "every pool is Linux (this API builds no Windows pools)",
    },
    {
      code: "user-assigned-identity",
      when: "plan",
      status: "passed",
      message: `the cluster runs as user-assigned identity ${after.identity.name}, which may detach kubenet's route table`,
    },
    {
      code: "pod-cidr-clear",
      when: "plan",
      status: "passed",
      message: `pod CIDR ${after.network.podCidr ?? "?"} is clear of the VNet, the service CIDR and AKS's reserved ranges (planner rules)`,
    },
    {
      code: "route-table",
      when: "after",
      status: "at-run",
      message: "AKS deletes the route table it made for kubenet; a route table of yours keeps all but its pod routes",
    },
  ];
}

export function planChanges(before: ClusterRequest, after: ClusterRequest): ChangePlan {
  const changes = changeRules.flatMap((rule) => rule.find(before, after));
  // A row's own reason for a field AKS does not change in place beats the generic message.
  const reasons = new Map(
    networkChangeRules.flatMap((rule) => rule.refusal(before, after)).map(({ path, message }) => [path, message]),
  );
  const refused = refusedPaths(before, after).map((path): RefusedChange => ({
    path,
    code: "immutable-field",
    message: reasons.get(path) ?? `${path} differs from the existing cluster and cannot change in place`,
  }));
  const addresses = { before: addressMapOf(before), after: addressMapOf(after) };
  const newPools = changes.filter((change) => change.code === "pool-add").map((change) => change.pool);
  const checks: ChangeCheck[] = [
    ...migrationChecks(before, after),
    ...networkChangeRules.flatMap((rule) => rule.checks(before, after)),
    ...subnetChecks(addresses.after, changes),
    ...(changes.some((change) => change.code === "pool-remove")
      ? [
          {
            code: "system-pool-stays",
            when: "plan" as const,
            status: "passed" as const,
            message: `System pool ${after.nodePools[0]?.name ?? ""} stays; only pools the new spec drops are deleted`,
          },
        ]
      : []),
    ...(changes.length > 0
      ? [
          {
            code: "ip-verification",
            when: "after" as const,
            status: "at-run" as const,
            message:
              newPools.length > 0
                ? `every node and pod address in its planned range, the new pool(s) ${newPools.join(", ")} included`
                : migratesToOverlay(before, after)
                  ? `every pod that is not on the host network re-verified in the overlay pod CIDR ${after.network.podCidr ?? ""}`
                  : "every node and pod address in its planned range, as after a create",
          },
        ]
      : []),
  ];
  return {
    changes,
    checks,
    refused,
    oneWay: changes.some((change) => change.kind === "one-way"),
    reimagesNodes: changes.some((change) => change.reimagesNodes === true),
    acknowledgementNeeded: [
      ...new Set(changes.filter((change) => change.kind !== "in-place").map((change) => change.code)),
    ],
    addresses,
  };
}

/** Pools the run deletes after the rest are in place. */
export function poolsToRemove(plan: ChangePlan): string[] {
  return plan.changes.flatMap((change) => (change.code === "pool-remove" && change.pool !== null ? [change.pool] : []));
}
