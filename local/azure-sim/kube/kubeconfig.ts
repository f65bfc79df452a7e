/** The kubeconfig AKS hands out (listClusterAdminCredential): one cluster, one context, a bearer token. */
import type { KubeClusterData } from "./model.js";

export function kubeconfigFor(
  data: KubeClusterData,
  caCertPem: string,
  clusterName: string,
  resourceGroup: string,
  kind: "clusterAdmin" | "clusterUser",
  /** The API server address; a private cluster's is its private FQDN, else this process's loopback port. */
  server: string | null = null,
): string {
  const ca = Buffer.from(caCertPem).toString("base64");
  const user = `${kind}_${resourceGroup}_${clusterName}`;
  // AKS names the context after the cluster for both kinds; azure-cli appends "-admin" itself when it merges an admin one.
  const context = clusterName;
  return [
    "apiVersion: v1",
    "kind: Config",
    "clusters:",
    "- cluster:",
    `    certificate-authority-data: ${ca}`,
    `    server: ${server ?? `https://127.0.0.1:${String(data.port)}`}`,
    `  name: ${clusterName}`,
    "contexts:",
    "- context:",
    `    cluster: ${clusterName}`,
    `    user: ${user}`,
    `  name: ${context}`,
    `current-context: ${context}`,
    "preferences: {}",
    "users:",
    `- name: ${user}`,
    "  user:",
    `    token: ${data.token}`,
    "",
  ].join("\n");
}
