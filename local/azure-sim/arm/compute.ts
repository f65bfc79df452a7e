/**
 * Microsoft.Compute usages (Usage_List, ComputeRP 2024-07-01: `{ value: [{ unit, currentValue, limit, name: { value,
 * localizedValue } }], nextLink }`) and Microsoft.Authorization permissions for the caller (Permissions_ListForResourceGroup
 * 2022-04-01, plus the subscription scope ARM also answers). Regional vCPU usage rises with the nodes of the simulated
 * clusters in that subscription and region; limits and the caller's permissions come from the simulator config
 * (`computeQuotas`, `callerPermissions`), so a test can run out of quota or lose an action.
 */
import { json, route, type Route, type SimRequest, type SimResponse } from "../http.js";
import { ArmContext, props, rgId, SUB } from "./context.js";

/** The simulator's own VM catalogue (what Microsoft.Compute/skus says in Azure): quota family and vCPUs per size. */
export const vmCatalogue: Record<string, { family: string; vCpus: number }> = {
  standard_d2s_v5: { family: "standardDSv5Family", vCpus: 2 },
  standard_d4s_v5: { family: "standardDSv5Family", vCpus: 4 },
  standard_d8s_v5: { family: "standardDSv5Family", vCpus: 8 },
  standard_d16s_v5: { family: "standardDSv5Family", vCpus: 16 },
  standard_d2ds_v5: { family: "standardDDSv5Family", vCpus: 2 },
  standard_d4ds_v5: { family: "standardDDSv5Family", vCpus: 4 },
  standard_d8ds_v5: { family: "standardDDSv5Family", vCpus: 8 },
  standard_d2as_v5: { family: "standardDASv5Family", vCpus: 2 },
  standard_d4as_v5: { family: "standardDASv5Family", vCpus: 4 },
  standard_e4s_v5: { family: "standardESv5Family", vCpus: 4 },
  standard_e8s_v5: { family: "standardESv5Family", vCpus: 8 },
  standard_f4s_v2: { family: "standardFSv2Family", vCpus: 4 },
  standard_b2s: { family: "standardBSFamily", vCpus: 2 },
  standard_b4ms: { family: "standardBSFamily", vCpus: 4 },
  standard_ds2_v2: { family: "standardDSv2Family", vCpus: 2 },
  standard_ds3_v2: { family: "standardDSv2Family", vCpus: 4 },
};

const localizedNames: Record<string, string> = {
  cores: "Total Regional vCPUs",
  availabilitySets: "Availability Sets",
  virtualMachines: "Virtual Machines",
  virtualMachineScaleSets: "Virtual Machine Scale Sets",
};

/** A pay-as-you-go subscription's defaults; `computeQuotas` in the config overrides or adds rows. */
export const defaultComputeQuotas: Record<string, number> = {
  cores: 100,
  availabilitySets: 2500,
  virtualMachines: 25000,
  virtualMachineScaleSets: 2500,
  standardDSv5Family: 100,
  standardDDSv5Family: 100,
  standardDASv5Family: 100,
  standardESv5Family: 100,
  standardFSv2Family: 100,
  standardBSFamily: 100,
  standardDSv2Family: 100,
};

const region = (location: string) => location.toLowerCase().replace(/\s+/g, "");

function usageRows(ctx: ArmContext, sub: string, location: string): Record<string, unknown>[] {
  const used = new Map<string, number>();
  const add = (key: string, amount: number) => used.set(key, (used.get(key) ?? 0) + amount);
  const prefix = `/subscriptions/${sub}/`.toLowerCase();
  for (const cluster of ctx.state.ofType("Microsoft.ContainerService/managedClusters")) {
    if (!cluster.id.toLowerCase().startsWith(prefix) || region(String(cluster.body.location)) !== region(location))
      continue;
    const pools = (props(cluster).agentPoolProfiles as Record<string, unknown>[] | undefined) ?? [];
    for (const pool of pools) {
      const size = vmCatalogue[String(pool.vmSize).toLowerCase()];
      const nodes = typeof pool.count === "number" ? pool.count : 0;
      if (size === undefined) continue;
      add(size.family, nodes * size.vCpus);
      add("cores", nodes * size.vCpus);
      add("virtualMachines", nodes);
    }
    add("virtualMachineScaleSets", pools.length);
  }
  const limits = { ...defaultComputeQuotas, ...ctx.state.config.computeQuotas };
  return Object.entries(limits).map(([name, limit]) => ({
    unit: "Count",
    currentValue: used.get(name) ?? 0,
    limit,
    name: {
      value: name,
      localizedValue: localizedNames[name] ?? name.replace(/^standard(.*)Family$/, "Standard $1 Family vCPUs"),
    },
  }));
}

function permissions(ctx: ArmContext, r: SimRequest): SimResponse {
  const [sub = "", rg] = r.params;
  if (rg !== undefined && ctx.state.get(rgId(sub, rg)) === undefined) return ctx.missingGroup(rg);
  return json(200, {
    value: ctx.state.config.callerPermissions.map((entry) => ({
      actions: entry.actions,
      notActions: entry.notActions,
      dataActions: [],
      notDataActions: [],
    })),
  });
}

export function computeRoutes(ctx: ArmContext): Route[] {
  return [
    route("GET", `${SUB}/providers/Microsoft.Compute/locations/([^/]+)/usages`, (r) => {
      const [sub = "", location = ""] = r.params;
      return json(200, { value: usageRows(ctx, sub, decodeURIComponent(location)) });
    }),
    route("GET", `${SUB}/resourcegroups/([^/]+)/providers/Microsoft.Authorization/permissions`, (r) =>
      permissions(ctx, r),
    ),
    route("GET", `${SUB}/providers/Microsoft.Authorization/permissions`, (r) => permissions(ctx, r)),
  ];
}
