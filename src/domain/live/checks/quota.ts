/**
 * Regional vCPU quota, per VM family and in total ("cores", Total Regional vCPUs), for every pool at its autoscaler
 * maximum plus upgrade surge: what the cluster may hold at its largest, which is when a quota error would stop a
 * scale-out or an upgrade. Every pool is counted at once, an upper bound: an upgrade surges one pool at a time.
 */
import type { ClusterRequest, NodePoolSpec } from "../../clusterRequest.js";
import { readFailed, type ComputeUsage, type LiveCheck, type LiveFacts } from "../facts.js";
import { vmSizeQuota } from "../vmSizes.js";

const nodesAtMost = (pool: NodePoolSpec) => (pool.maxCount ?? pool.count) + pool.maxSurge;

interface FamilyNeed {
  family: string;
  needed: number;
  path: string;
  pools: string[];
}

function findUsage(usages: ComputeUsage[], name: string): ComputeUsage | undefined {
  return usages.find((usage) => usage.name.toLowerCase() === name.toLowerCase());
}

function verdict(
  code: string,
  path: string,
  family: string,
  label: string,
  needed: number,
  usage: ComputeUsage,
  what: string,
): LiveCheck {
  const numbers = { family, needed, used: usage.currentValue, limit: usage.limit };
  if (usage.limit < 0) {
    return { code, path, status: "ok", message: `${label}: ${what} need ${needed} vCPUs; no limit`, ...numbers };
  }
  const available = Math.max(0, usage.limit - usage.currentValue);
  const summary = `${what} need ${needed} vCPUs; ${usage.currentValue} of ${usage.limit} in use, ${available} available`;
  return needed > available
    ? { code, path, status: "error", message: `${label} quota exceeded: ${summary}`, ...numbers, available }
    : { code, path, status: "ok", message: `${label}: ${summary}`, ...numbers, available };
}

export function vcpuQuota(request: ClusterRequest, facts: LiveFacts): LiveCheck[] {
  const checks: LiveCheck[] = [];
  const families = new Map<string, FamilyNeed>();
  let total = 0;
  request.nodePools.forEach((pool, index) => {
    const path = `nodePools.${index}.vmSize`;
    const size = vmSizeQuota(pool.vmSize);
    if (size === null) {
      checks.push({
        code: "vm-size-not-recognised",
        path,
        status: "warning",
        message: `${pool.vmSize} does not follow the VM naming convention this check reads vCPUs from; its quota is not checked`,
      });
      return;
    }
    const vCpus = nodesAtMost(pool) * size.vCpus;
    total += vCpus;
    const key = size.family.toLowerCase();
    const need = families.get(key) ?? { family: size.family, needed: 0, path, pools: [] };
    need.needed += vCpus;
    need.pools.push(`${pool.name}: ${nodesAtMost(pool)} × ${size.vCpus}`);
    families.set(key, need);
  });
  if (!facts.usages.ok) {
    return [...checks, readFailed("vcpu-quota", "nodePools", `compute usages in ${request.location}`, facts.usages)];
  }
  const usages = facts.usages.value;
  for (const need of families.values()) {
    const usage = findUsage(usages, need.family);
    const what = `the pools at maxCount + surge (${need.pools.join(", ")})`;
    checks.push(
      usage === undefined
        ? {
            code: "vcpu-quota",
            path: need.path,
            status: "warning",
            family: need.family,
            needed: need.needed,
            message: `no quota named ${need.family} in ${request.location}'s compute usages: the VM size may not be offered there; not checked`,
          }
        : verdict("vcpu-quota", need.path, usage.name, usage.localizedName || usage.name, need.needed, usage, what),
    );
  }
  const regional = findUsage(usages, "cores");
  if (regional !== undefined && total > 0) {
    checks.push(
      verdict(
        "regional-vcpu-quota",
        "nodePools",
        "cores",
        "Total Regional vCPUs",
        total,
        regional,
        "all pools at maxCount + surge",
      ),
    );
  }
  return checks;
}
