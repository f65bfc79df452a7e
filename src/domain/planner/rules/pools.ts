/** Node pools: one System pool at least, unique names, sane autoscaler bounds, and subnet names used consistently. */
import type { RequestView } from "../../requestView.js";
import type { Violation } from "../../violations.js";
import { rangesOf } from "../ranges.js";

export function systemPoolPresent(view: RequestView): Violation[] {
  if (view.poolsPath !== "nodePools" || view.pools.length === 0) return [];
  const system = view.pools.filter((pool) => pool.mode === "System");
  const violations: Violation[] =
    system.length === 0 && view.pools.every((pool) => pool.mode !== null)
      ? [{ path: "nodePools", code: "system-pool-required", message: "at least one pool needs mode System" }]
      : [];
  for (const pool of system) {
    if (pool.count === 0 || pool.minCount === 0) {
      violations.push({
        path: `${pool.path}.${pool.count === 0 ? "count" : "minCount"}`,
        code: "system-pool-empty",
        message: "a System pool needs at least one node",
      });
    }
  }
  return violations;
}

export function uniquePoolNames(view: RequestView): Violation[] {
  const seen = new Set<string>();
  return view.pools.flatMap((pool) => {
    if (pool.name === null) return [];
    if (!seen.has(pool.name)) {
      seen.add(pool.name);
      return [];
    }
    return [
      { path: `${pool.path}.name`, code: "duplicate-pool-name", message: `pool name ${pool.name} is used twice` },
    ];
  });
}

/** The autoscaler needs both bounds, minCount ≤ count ≤ maxCount. */
export function autoscalerBounds(view: RequestView): Violation[] {
  return view.pools.flatMap((pool): Violation[] => {
    const { minCount, maxCount, count } = pool;
    if (minCount === null && maxCount === null) return [];
    if (minCount === null || maxCount === null) {
      return [
        {
          path: `${pool.path}.${minCount === null ? "minCount" : "maxCount"}`,
          code: "autoscale-bounds",
          message: "give both minCount and maxCount to autoscale the pool, or neither",
        },
      ];
    }
    if (minCount > maxCount) {
      return [
        {
          path: `${pool.path}.minCount`,
          code: "autoscale-bounds",
          message: `minCount ${minCount} is above maxCount ${maxCount}`,
        },
      ];
    }
    if (count !== null && (count < minCount || count > maxCount)) {
      return [
        {
          path: `${pool.path}.count`,
          code: "autoscale-bounds",
          message: `count ${count} must lie within minCount ${minCount} and maxCount ${maxCount}`,
        },
      ];
    }
    return [];
  });
}

export function consistentSubnetNames(view: RequestView): Violation[] {
  return rangesOf(view).conflicts.map(({ subnet, role, existing }) => ({
    path: subnet.path,
    code: "subnet-name-conflict",
    message:
      existing.role === role
        ? `subnet ${subnet.name} is already described with prefix ${existing.subnet.prefix?.text ?? "?"}; one name, one prefix`
        : `subnet ${subnet.name} is already the ${existing.label}; a subnet serves one role`,
  }));
}
