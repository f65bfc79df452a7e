/**
 * Cancel stops AKS too: when a run is canceled, the operation it left running on the cluster (or on one of its agent
 * pools) is aborted with AKS's own abort (`managedClusters/{name}/abort`, `agentPools/{pool}/abort`). AKS moves it to
 * Canceling, then Canceled. An operation that finished before the abort reached it is answered 409 by AKS: that is
 * an outcome, not a failure.
 */
import type { AzureClientFactory } from "../azure/clients.js";
import { toServiceFailure } from "../azure/serviceFailure.js";
import { getOrNull } from "./armHelpers.js";
import { audit } from "../audit.js";
import type { AbortInput, AbortOutcome, AbortStateInput } from "./contracts.js";

/** States of an operation AKS can abort (a delete cannot be). */
const abortable = new Set(["creating", "updating", "scaling", "upgrading", "starting", "stopping", "migrating"]);

export function abortAksOperation(clientsFor: AzureClientFactory) {
  return async (input: AbortInput): Promise<AbortOutcome> => {
    const outcome = await abortRunning(clientsFor, input);
    const what = outcome.target === null ? "" : `${outcome.target.kind} ${outcome.target.name}: `;
    audit({
      action: "aks.abort",
      who: input.actor,
      clusterId: input.clusterId,
      outcome: outcome.outcome,
      detail: `${what}${outcome.state}${outcome.message === null ? "" : ` (${outcome.message})`}`,
    });
    return outcome;
  };
}

async function abortRunning(clientsFor: AzureClientFactory, input: AbortInput): Promise<AbortOutcome> {
  {
    const { containerService } = clientsFor(input.subscriptionId);
    const { resourceGroup, clusterName } = input;
    const cluster = await getOrNull(() => containerService.managedClusters.get(resourceGroup, clusterName));
    if (cluster === null) return { outcome: "nothing-to-abort", target: null, state: "NotFound", message: null };
    let target: AbortOutcome["target"] = null;
    let state = cluster.provisioningState ?? "Unknown";
    if (abortable.has(state.toLowerCase())) target = { kind: "cluster", name: clusterName };
    else {
      for await (const pool of containerService.agentPools.list(resourceGroup, clusterName)) {
        if (target === null && abortable.has((pool.provisioningState ?? "").toLowerCase())) {
          target = { kind: "agentPool", name: pool.name ?? "" };
          state = pool.provisioningState ?? "Unknown";
        }
      }
    }
    if (target === null) return { outcome: "nothing-to-abort", target: null, state, message: null };
    try {
      const poller =
        target.kind === "cluster"
          ? containerService.managedClusters.abortLatestOperation(resourceGroup, clusterName)
          : containerService.agentPools.abortLatestOperation(resourceGroup, clusterName, target.name);
      await poller.submitted();
    } catch (error) {
      const failure = toServiceFailure(error);
      if (failure.transient) throw error;
      const finished = failure.statusCode === 409;
      return {
        outcome: finished ? "already-finished" : "failed",
        target,
        state,
        message: `${failure.code}: ${failure.message}`,
      };
    }
    const after =
      target.kind === "cluster"
        ? await getOrNull(() => containerService.managedClusters.get(resourceGroup, clusterName))
        : await getOrNull(() => containerService.agentPools.get(resourceGroup, clusterName, target.name));
    return { outcome: "aborted", target, state: after?.provisioningState ?? "Unknown", message: null };
  }
}

/** The provisioning state of what an abort targeted (NotFound once it is gone), while AKS cancels its operation. */
export function getAbortState(clientsFor: AzureClientFactory) {
  return async (input: AbortStateInput): Promise<{ state: string }> => {
    const { containerService } = clientsFor(input.subscriptionId);
    const found =
      input.target.kind === "cluster"
        ? await getOrNull(() => containerService.managedClusters.get(input.resourceGroup, input.clusterName))
        : await getOrNull(() =>
            containerService.agentPools.get(input.resourceGroup, input.clusterName, input.target.name),
          );
    return { state: found === null ? "NotFound" : (found.provisioningState ?? "Unknown") };
  };
}
