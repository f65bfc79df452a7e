import { Agent } from "node:https";
import {
  AppsV1Api,
  CoreV1Api,
  createConfiguration,
  KubeConfig,
  ServerConfiguration,
  type RequestContext,
  type SecurityAuthentication,
} from "@kubernetes/client-node";
import type { V1Node, V1Pod } from "@kubernetes/client-node";
import type { ClusterIps, ObservedNode, ObservedPod } from "../domain/observations.js";
import type { AzureClients } from "./clients.js";
import { retryingHttpLibrary } from "./kubernetesRetries.js";

export interface KubernetesApis {
  core: CoreV1Api;
  apps: AppsV1Api;
}

/**
 * Admin credentials per cluster, kept only in this process's memory for a few minutes: listing them is an AKS POST
 * from the smallest AKS request bucket (60 burst, 1 per second per subscription), and verification polls every few
 * seconds, so a fleet would otherwise throttle itself. Never returned, logged or written anywhere.
 */
const credentialTtlMs = 10 * 60_000;
const connections = new Map<string, { apis: KubernetesApis; expiresAt: number }>();

const connectionKey = (clients: AzureClients, resourceGroup: string, clusterName: string) =>
  `${clients.subscriptionId}/${resourceGroup}/${clusterName}`.toLowerCase();

async function connect(clients: AzureClients, resourceGroup: string, clusterName: string): Promise<KubernetesApis> {
  const key = connectionKey(clients, resourceGroup, clusterName);
  const cached = connections.get(key);
  if (cached !== undefined && cached.expiresAt > Date.now()) return cached.apis;
  const credentials = await clients.containerService.managedClusters.listClusterAdminCredentials(
    resourceGroup,
    clusterName,
  );
  const value = credentials.kubeconfigs?.[0]?.value;
  if (value === undefined) {
    throw new Error(`Cluster '${clusterName}' returned no admin credentials`);
  }
  const kubeConfig = new KubeConfig();
  kubeConfig.loadFromString(Buffer.from(value).toString("utf8"));
  const server = kubeConfig.getCurrentCluster()?.server;
  if (server === undefined) throw new Error(`Cluster '${clusterName}' returned a kubeconfig without a server`);
  const configuration = createConfiguration({
    baseServer: new ServerConfiguration(server, {}),
    authMethods: { default: keepAlive(kubeConfig) },
    httpApi: retryingHttpLibrary(),
  });
  const apis = { core: new CoreV1Api(configuration), apps: new AppsV1Api(configuration) };
  connections.set(key, { apis, expiresAt: Date.now() + credentialTtlMs });
  return apis;
}

/**
 * The kubeconfig's own authentication (certificates, token, CA), on one keep-alive agent per cluster. The library builds
 * a new agent for every request, so each call paid a TLS handshake and parsed the CA again; verification polls a
 * cluster every few seconds, and a fleet of them spent a noticeable share of its CPU on handshakes.
 */
function keepAlive(kubeConfig: KubeConfig): SecurityAuthentication {
  let shared: Agent | undefined;
  return {
    getName: () => "kubeconfig (keep-alive)",
    async applySecurityAuthentication(context: RequestContext) {
      await kubeConfig.applySecurityAuthentication(context);
      const fresh = context.getAgent();
      if (fresh instanceof Agent) {
        shared ??= new Agent({ ...fresh.options, keepAlive: true, maxSockets: 4 });
        context.setAgent(shared);
      }
    },
  };
}

const isUnauthorized = (error: unknown) =>
  typeof error === "object" && error !== null && (error as { code?: unknown }).code === 401;

/**
 * Runs `work` against the cluster's API with its admin credentials. Each request already retries transient failures
 * (kubernetesRetries.ts); a failure that still surfaces drops the cached credentials, since the cluster may have been
 * recreated (new endpoint, new certificates) — the next attempt fetches them again; a 401 is retried at once with fresh
 * ones.
 */
export async function withCluster<T>(
  clients: AzureClients,
  resourceGroup: string,
  clusterName: string,
  work: (apis: KubernetesApis) => Promise<T>,
): Promise<T> {
  try {
    return await work(await connect(clients, resourceGroup, clusterName));
  } catch (error) {
    connections.delete(connectionKey(clients, resourceGroup, clusterName));
    if (!isUnauthorized(error)) throw error;
    return work(await connect(clients, resourceGroup, clusterName));
  }
}

export function toObservedPod(pod: V1Pod): ObservedPod {
  return {
    namespace: pod.metadata?.namespace ?? "default",
    name: pod.metadata?.name ?? "",
    ip: pod.status?.podIP ?? null,
    ips: (pod.status?.podIPs ?? []).map((entry) => entry.ip),
    hostNetwork: pod.spec?.hostNetwork === true,
    phase: pod.status?.phase ?? "Unknown",
    ownerKind: pod.metadata?.ownerReferences?.[0]?.kind ?? null,
    nodeName: pod.spec?.nodeName ?? null,
  };
}

export async function observeCluster(apis: KubernetesApis): Promise<ClusterIps> {
  const [nodeList, podList] = await Promise.all([apis.core.listNode(), apis.core.listPodForAllNamespaces()]);
  return { nodes: nodeList.items.map(toObservedNode), pods: podList.items.map(toObservedPod) };
}

export function toObservedNode(node: V1Node): ObservedNode {
  const internalIps = (node.status?.addresses ?? [])
    .filter((address) => address.type === "InternalIP")
    .map((address) => address.address);
  return {
    name: node.metadata?.name ?? "",
    internalIp: internalIps[0] ?? null,
    internalIps,
    ready: readiness(node.status?.conditions),
    ...poolOf(node.metadata?.labels),
  };
}

/** AKS labels every node with its agent pool; IP verification checks the node against that pool's own subnets. */
function poolOf(labels: Record<string, string> | undefined): { pool?: string } {
  const pool = labels?.["kubernetes.azure.com/agentpool"] ?? labels?.agentpool;
  return pool === undefined ? {} : { pool };
}

function readiness(conditions: { type: string; status: string }[] | undefined): boolean | null {
  const ready = conditions?.find((condition) => condition.type === "Ready");
  return ready === undefined ? null : ready.status === "True";
}
