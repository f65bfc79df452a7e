/**
 * The kubectl that AKS run command executes in its command pod, reduced to an honest subset: `kubectl get` of nodes
 * and pods with `-o json`, all namespaces (`-A`) or one (`-n`), read from the simulated cluster's own store. Anything
 * else answers as kubectl would when it cannot do it: a non-zero exit code and a message on stderr, never made-up
 * output.
 */
import type { KubeCluster } from "./cluster.js";
import { resourceForKind, storeKey, type ResourceType } from "./resources.js";

export interface CommandRun {
  exitCode: number;
  stdout: string;
  stderr: string;
}

const kinds: Record<string, string> = {
  nodes: "Node",
  node: "Node",
  no: "Node",
  pods: "Pod",
  pod: "Pod",
  po: "Pod",
};

const fail = (stderr: string, exitCode = 1): CommandRun => ({ exitCode, stdout: "", stderr: `${stderr}\n` });

interface GetArgs {
  resource: string | null;
  namespace: string | null;
  allNamespaces: boolean;
  output: string | null;
}

function parseGet(args: string[]): GetArgs | CommandRun {
  const parsed: GetArgs = { resource: null, namespace: null, allNamespaces: false, output: null };
  for (let i = 0; i < args.length; i += 1) {
    const arg = args[i] ?? "";
    const value = () => {
      i += 1;
      return args[i] ?? null;
    };
    if (arg === "-A" || arg === "--all-namespaces") parsed.allNamespaces = true;
    else if (arg === "-n" || arg === "--namespace") parsed.namespace = value();
    else if (arg.startsWith("--namespace=")) parsed.namespace = arg.slice("--namespace=".length);
    else if (arg === "-o" || arg === "--output") parsed.output = value();
    else if (arg.startsWith("-o")) parsed.output = arg.slice(2).replace(/^=/, "");
    else if (arg.startsWith("--output=")) parsed.output = arg.slice("--output=".length);
    else if (arg.startsWith("-")) return fail(`error: unknown shorthand flag or flag: ${arg}`);
    else if (parsed.resource === null) parsed.resource = arg;
    else return fail(`error: this simulator's kubectl gets lists only, not the named object "${arg}"`);
  }
  return parsed;
}

/** Runs one command line (as AKS run command's `command` field carries it) against the cluster's store. */
export function runKubectl(cluster: KubeCluster, commandLine: string): CommandRun {
  const words = commandLine.trim().split(/\s+/);
  const [program, verb, ...rest] = words;
  if (program !== "kubectl") return fail(`bash: ${program ?? ""}: command not found`, 127);
  if (verb !== "get")
    return fail(
      `error: the simulated run command executes only "kubectl get nodes|pods -o json"; "kubectl ${verb ?? ""}" is not simulated`,
    );
  const args = parseGet(rest);
  if ("exitCode" in args) return args;
  if (args.resource === null) return fail("error: you must specify the type of resource to get.");
  const kind = kinds[args.resource.toLowerCase()];
  const type: ResourceType | undefined = kind === undefined ? undefined : resourceForKind(kind);
  if (type === undefined) return fail(`error: the server doesn't have a resource type "${args.resource}"`);
  if (args.output !== "json")
    return fail(`error: the simulated run command prints only -o json, not ${args.output ?? "the table view"}`);
  cluster.reconcile();
  const namespace = !type.namespaced || args.allNamespaces ? null : (args.namespace ?? "default");
  const items = cluster.store.list(storeKey(type), namespace);
  // kubectl prints a List with four-space indentation for `get <plural> -o json`.
  const list = { apiVersion: "v1", items, kind: "List", metadata: { resourceVersion: "" } };
  return { exitCode: 0, stdout: `${JSON.stringify(list, null, 4)}\n`, stderr: "" };
}
