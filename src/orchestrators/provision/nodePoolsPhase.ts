/**
 * The pools after the first System pool, built through the agent-pool API once the cluster exists: one at a time
 * (AKS runs one operation per cluster at a time anyway, and a retrying task never goes into a Task.any), each an
 * idempotent ensure polled on durable timers. The status document lists every pool with its subnets and state.
 */
import type { AgentPoolSpecInput, AgentPoolStatus } from "../../activities/contracts.js";
import { poolStatusOf } from "../../domain/poolStatus.js";
import { call, PermanentFailure } from "../activityCalls.js";
import { deadline, jittered, pastDeadline, sleep, type Step } from "../runtime.js";
import type { ProvisionedCluster } from "./clusterPhase.js";
import { poolSubnetIds } from "./poolSubnets.js";
import type { Prerequisites } from "./prerequisitesPhase.js";
import { clusterRefOf, type ProvisionScope } from "./scope.js";

const terminalStates = new Set(["succeeded", "failed", "canceled", "notfound"]);

export function* nodePoolsPhase(
  scope: ProvisionScope,
  prerequisites: Prerequisites,
  cluster: ProvisionedCluster,
  removePools: string[] = [],
): Step<void> {
  const { run, request } = scope;
  const pools = request.nodePools.map((pool) => ({ pool, ids: poolSubnetIds(prerequisites.network, pool, request) }));
  const reported = (name: string) =>
    cluster.state.agentPools.find((pool) => pool.name.toLowerCase() === name.toLowerCase())?.provisioningState;
  const statuses = pools.map(({ pool, ids }, i) =>
    poolStatusOf(pool, ids, i === 0 ? (reported(pool.name) ?? "Succeeded") : "Pending"),
  );
  const rest = pools.slice(1);
  // A lone pool is built with the cluster: no step, and the status document derives it from the request.
  if (rest.length === 0 && removePools.length === 0) return;
  run.progress.pools = statuses;
  const removing = removePools.length === 0 ? "" : `; then removing ${removePools.join(", ")}`;
  yield* run.step(
    "nodePools",
    function* () {
      const states: AgentPoolStatus[] = [];
      for (const [offset, { pool, ids }] of rest.entries()) {
        const spec: AgentPoolSpecInput = {
          ...clusterRefOf(request),
          mode: request.network.mode,
          podIpAllocation: request.network.podIpAllocation,
          kubernetesVersion: request.kubernetesVersion ?? null,
          pool: {
            name: pool.name,
            mode: pool.mode,
            vmSize: pool.vmSize,
            count: pool.count,
            minCount: pool.minCount,
            maxCount: pool.maxCount,
            maxPods: pool.maxPods,
            maxSurge: pool.maxSurge,
          },
          nodeSubnetId: ids.nodeSubnetId,
          podSubnetId: ids.podSubnetId,
          tags: request.tags,
        };
        const status = statuses[offset + 1];
        const state = yield* ensurePool(scope, spec, `${offset + 1}/${rest.length}`, (current) => {
          if (status !== undefined) status.state = current;
        });
        states.push(state);
      }
      // Dropped pools go last, once every pool of the new spec is in place to take their workloads.
      for (const name of removePools) states.push(yield* removePool(scope, name));
      return states;
    },
    (states) => states.map((state) => `${state.name} ${state.provisioningState}`).join(", "),
    `${rest.length} pool(s) through the agent-pool API: ${rest.map(({ pool }) => pool.name).join(", ")}${removing}`,
  );
}

/** Deletes a pool the new spec dropped and polls until AKS no longer knows it. */
function* removePool({ context, run, request, timings }: ProvisionScope, name: string): Step<AgentPoolStatus> {
  const ref = { ...clusterRefOf(request), poolName: name, pollerState: null };
  let state = yield* call(context, "beginDeleteAgentPool", ref);
  run.note("nodePools", `${name}: removing (dropped from the spec), ${state.provisioningState}`);
  const until = deadline(context, timings.clusterTimeoutMinutes);
  for (let poll = 1; state.provisioningState !== "NotFound"; poll += 1) {
    if (state.provisioningState.toLowerCase() === "failed" || pastDeadline(context, until)) {
      throw new PermanentFailure({
        code: "AgentPoolDeleteFailed",
        message: `agent pool ${name}: ${state.provisioningState} while being removed`,
      });
    }
    yield* sleep(
      context,
      jittered(timings.clusterPollIntervalSeconds, `${context.df.instanceId}/${name}/delete`, poll),
    );
    state = yield* call(context, "getAgentPoolState", ref);
    run.note("nodePools", `${name}: removing, ${state.provisioningState}`);
  }
  return { ...state, provisioningState: "Deleted" };
}

/** One pool: begin (or find it built), then poll its operation on durable timers until AKS says it is done. */
function* ensurePool(
  { context, run, request, timings }: ProvisionScope,
  spec: AgentPoolSpecInput,
  position: string,
  record: (state: string) => void,
): Step<AgentPoolStatus> {
  const name = spec.pool.name;
  const started = yield* call(context, "beginCreateAgentPool", spec);
  const verb = started.action === "updated" ? `updating ${started.changes.join(", ")}` : started.action;
  let state = started.state;
  record(state.provisioningState);
  run.note(
    "nodePools",
    `${name} (${position}): ${started.action === "unchanged" ? "already exists with this spec" : verb}, ${state.provisioningState}`,
  );
  const until = deadline(context, timings.clusterTimeoutMinutes);
  for (let poll = 1; !terminalStates.has(state.provisioningState.toLowerCase()); poll += 1) {
    if (pastDeadline(context, until)) {
      throw new PermanentFailure({
        code: "AgentPoolCreateTimeout",
        message: `agent pool ${name} still ${state.provisioningState} after ${timings.clusterTimeoutMinutes} minutes`,
      });
    }
    yield* sleep(context, jittered(timings.clusterPollIntervalSeconds, `${context.df.instanceId}/${name}`, poll));
    state = yield* call(context, "getAgentPoolState", {
      ...clusterRefOf(request),
      poolName: name,
      pollerState: started.pollerState,
    });
    record(state.provisioningState);
    run.note("nodePools", `${name} (${position}): ${verb}, ${state.provisioningState}`);
  }
  if (state.provisioningState.toLowerCase() !== "succeeded") {
    throw new PermanentFailure(
      state.error ?? {
        code: `AgentPool${state.provisioningState}`,
        message: `agent pool ${name}: provisioningState is ${state.provisioningState}`,
      },
    );
  }
  return state;
}
