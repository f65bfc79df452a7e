/**
 * AKS run command (`managedClusters/{name}/runCommand`, result at `commandResults/{id}`): AKS starts a pod inside the
 * cluster that runs the command, so it reaches a private API server the product cannot. The POST answers 202 with a
 * Location to poll; the product keeps only the command id and reads the result on durable timers, never blocking.
 */
import type { V1Node, V1Pod } from "@kubernetes/client-node";
import type { ClusterIps } from "../domain/observations.js";
import type { AzureClients } from "./clients.js";
import { toObservedNode, toObservedPod } from "./kubernetes.js";

/** A command's outcome: still running, or finished with kubectl's exit code and its output (stdout, then stderr). */
export type CommandOutcome =
  { state: "running" } | { state: "succeeded"; exitCode: number; logs: string } | { state: "failed"; reason: string };

/** The pieces of a node list and a pod list that observation reads: kubectl `get … -o json` prints them. */
export const observationCommands = {
  nodes: "kubectl get nodes -o json",
  pods: "kubectl get pods -A -o json",
} as const;

const commandIdIn = (location: string | null | undefined) =>
  location === null || location === undefined ? null : (/\/commandResults\/([^/?]+)/i.exec(location)?.[1] ?? null);

/** Starts a command and returns its id, taken from the Location AKS answers with (or the body, if it finished at once). */
export async function startCommand(
  clients: AzureClients,
  resourceGroup: string,
  clusterName: string,
  command: string,
): Promise<string> {
  let location: string | null = null;
  const poller = clients.containerService.managedClusters.runCommand(
    resourceGroup,
    clusterName,
    { command },
    { onResponse: (response) => (location ??= response.headers.get("location") ?? null) },
  );
  await poller.submitted();
  const id = commandIdIn(location) ?? poller.result?.id ?? null;
  if (id === null) throw new Error(`run command on '${clusterName}' answered without a command id`);
  return id;
}

const terminal = new Set(["succeeded", "failed", "canceled"]);

export async function commandOutcome(
  clients: AzureClients,
  resourceGroup: string,
  clusterName: string,
  commandId: string,
): Promise<CommandOutcome> {
  const result = await clients.containerService.managedClusters.getCommandResult(resourceGroup, clusterName, commandId);
  const state = (result?.provisioningState ?? "").toLowerCase();
  if (result === undefined || !terminal.has(state)) return { state: "running" };
  if (state !== "succeeded") return { state: "failed", reason: result.reason ?? state };
  return { state: "succeeded", exitCode: result.exitCode ?? -1, logs: result.logs ?? "" };
}

/** `kubectl get <kind> -o json` prints a List; anything else (an error text, a truncated log) is not an observation. */
function itemsOf<T>(output: string, what: string): T[] {
  let parsed: unknown;
  try {
    parsed = JSON.parse(output);
  } catch {
    throw new Error(`kubectl output for ${what} is not JSON: ${output.slice(0, 200)}`);
  }
  const items = typeof parsed === "object" && parsed !== null ? (parsed as { items?: unknown }).items : undefined;
  if (!Array.isArray(items)) throw new Error(`kubectl output for ${what} has no items list`);
  // kubectl printed the API server's own objects; the observation reads only optional fields of them.
  return items as T[];
}

/** The same observation the direct Kubernetes API path produces, from the two commands' outputs. */
export function observationFromKubectl(nodesOutput: string, podsOutput: string): ClusterIps {
  return {
    nodes: itemsOf<V1Node>(nodesOutput, "nodes").map(toObservedNode),
    pods: itemsOf<V1Pod>(podsOutput, "pods").map(toObservedPod),
  };
}
