import { AppsV1Api, CoreV1Api, KubeConfig } from "@kubernetes/client-node";
import type { V1Pod } from "@kubernetes/client-node";
import type { ClusterIps, ObservedPod } from "../domain/observations.js";
import type { AzureClients } from "./clients.js";

export interface KubernetesApis {
  core: CoreV1Api;
  apps: AppsV1Api;
}

/**
 * Connects with the cluster's admin credentials. The kubeconfig stays inside this function's scope: it is never
 * returned, logged or written anywhere.
 */
export async function connectToCluster(
  clients: AzureClients,
  resourceGroup: string,
  clusterName: string,
): Promise<KubernetesApis> {
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
  return { core: kubeConfig.makeApiClient(CoreV1Api), apps: kubeConfig.makeApiClient(AppsV1Api) };
}

export function toObservedPod(pod: V1Pod): ObservedPod {
  return {
    namespace: pod.metadata?.namespace ?? "default",
    name: pod.metadata?.name ?? "",
    ip: pod.status?.podIP ?? null,
    hostNetwork: pod.spec?.hostNetwork === true,
    phase: pod.status?.phase ?? "Unknown",
    ownerKind: pod.metadata?.ownerReferences?.[0]?.kind ?? null,
    nodeName: pod.spec?.nodeName ?? null,
  };
}

export async function observeCluster(apis: KubernetesApis): Promise<ClusterIps> {
  const [nodeList, podList] = await Promise.all([apis.core.listNode(), apis.core.listPodForAllNamespaces()]);
  return {
    nodes: nodeList.items.map((node) => ({
      name: node.metadata?.name ?? "",
      internalIp: node.status?.addresses?.find((address) => address.type === "InternalIP")?.address ?? null,
      ready: readiness(node.status?.conditions),
    })),
    pods: podList.items.map(toObservedPod),
  };
}

function readiness(conditions: { type: string; status: string }[] | undefined): boolean | null {
  const ready = conditions?.find((condition) => condition.type === "Ready");
  return ready === undefined ? null : ready.status === "True";
}
