import type { V1Deployment, V1Service } from "@kubernetes/client-node";
import type { AzureClientFactory } from "../azure/clients.js";
import { observeCluster, toObservedPod, withCluster } from "../azure/kubernetes.js";
import type { ClusterIps } from "../domain/observations.js";
import { commandOutcome, observationCommands, observationFromKubectl, startCommand } from "../azure/runCommand.js";
import type {
  ClusterObservation,
  ClusterObservationInput,
  ClusterRef,
  DemoWorkloadInput,
  DemoWorkloadOutput,
  ObservationCommands,
} from "./contracts.js";
import { ProvisioningError } from "./guard.js";

const demoNamespace = "hello-kubernetes";
const demoLabels = { app: "hello-kubernetes" };

function isStatus(error: unknown, code: number): boolean {
  return typeof error === "object" && error !== null && (error as { code?: unknown }).code === code;
}

async function ignoring(status: number, action: () => Promise<unknown>): Promise<void> {
  try {
    await action();
  } catch (error) {
    if (!isStatus(error, status)) {
      throw error;
    }
  }
}

export function observeClusterIps(clientsFor: AzureClientFactory) {
  return async (input: ClusterRef): Promise<ClusterIps> => {
    return withCluster(clientsFor(input.subscriptionId), input.resourceGroup, input.clusterName, observeCluster);
  };
}

/** Private clusters: starts `kubectl get nodes` and `kubectl get pods -A` through AKS run command. */
export function beginClusterObservation(clientsFor: AzureClientFactory) {
  return async (input: ClusterRef): Promise<ObservationCommands> => {
    const clients = clientsFor(input.subscriptionId);
    const start = (command: string) => startCommand(clients, input.resourceGroup, input.clusterName, command);
    return { nodes: await start(observationCommands.nodes), pods: await start(observationCommands.pods) };
  };
}

/** Reads both commands' results; once both finished, parses kubectl's JSON into the direct path's observation. */
export function getClusterObservation(clientsFor: AzureClientFactory) {
  return async (input: ClusterObservationInput): Promise<ClusterObservation> => {
    const clients = clientsFor(input.subscriptionId);
    const read = async (commandId: string, command: string) => {
      const outcome = await commandOutcome(clients, input.resourceGroup, input.clusterName, commandId);
      if (outcome.state === "failed")
        throw new ProvisioningError("RunCommandFailed", `'${command}' did not run: ${outcome.reason}`);
      if (outcome.state === "succeeded" && outcome.exitCode !== 0)
        throw new ProvisioningError(
          "RunCommandFailed",
          `'${command}' exited with ${outcome.exitCode}: ${outcome.logs.trim().split("\n")[0] ?? ""}`,
        );
      return outcome.state === "succeeded" ? outcome.logs : null;
    };
    const nodes = await read(input.commands.nodes, observationCommands.nodes);
    const pods = await read(input.commands.pods, observationCommands.pods);
    if (nodes === null || pods === null) return { state: "running" };
    try {
      return { state: "done", observed: observationFromKubectl(nodes, pods) };
    } catch (error) {
      throw new ProvisioningError("RunCommandOutputUnreadable", error instanceof Error ? error.message : String(error));
    }
  };
}

function demoDeployment(): V1Deployment {
  return {
    apiVersion: "apps/v1",
    kind: "Deployment",
    metadata: { name: "hello-kubernetes", namespace: demoNamespace, labels: demoLabels },
    spec: {
      replicas: 3,
      selector: { matchLabels: demoLabels },
      template: {
        metadata: { labels: demoLabels },
        spec: {
          containers: [
            { name: "hello-kubernetes", image: "paulbouwer/hello-kubernetes:1.10", ports: [{ containerPort: 8080 }] },
          ],
        },
      },
    },
  };
}

function demoService(subnet: string): V1Service {
  return {
    apiVersion: "v1",
    kind: "Service",
    metadata: {
      name: "hello-kubernetes",
      namespace: demoNamespace,
      annotations: {
        "service.beta.kubernetes.io/azure-load-balancer-internal": "true",
        "service.beta.kubernetes.io/azure-load-balancer-internal-subnet": subnet,
      },
    },
    spec: { type: "LoadBalancer", selector: demoLabels, ports: [{ port: 80, targetPort: 8080 }] },
  };
}

/** hello-kubernetes behind an internal load balancer, as in the source article; every create tolerates "already exists". */
export function deployDemoWorkload(clientsFor: AzureClientFactory) {
  return async (input: DemoWorkloadInput): Promise<DemoWorkloadOutput> => {
    await withCluster(
      clientsFor(input.subscriptionId),
      input.resourceGroup,
      input.clusterName,
      async ({ core, apps }) => {
        await ignoring(409, () => core.createNamespace({ body: { metadata: { name: demoNamespace } } }));
        await ignoring(409, () =>
          apps.createNamespacedDeployment({ namespace: demoNamespace, body: demoDeployment() }),
        );
        await ignoring(409, () =>
          core.createNamespacedService({ namespace: demoNamespace, body: demoService(input.loadBalancerSubnet) }),
        );
      },
    );
    return { pods: [], loadBalancerIp: null };
  };
}

export function observeDemoWorkload(clientsFor: AzureClientFactory) {
  return async (input: DemoWorkloadInput): Promise<DemoWorkloadOutput> => {
    return withCluster(clientsFor(input.subscriptionId), input.resourceGroup, input.clusterName, async ({ core }) => {
      const pods = await core.listNamespacedPod({ namespace: demoNamespace, labelSelector: "app=hello-kubernetes" });
      const service = await core.readNamespacedService({ name: "hello-kubernetes", namespace: demoNamespace });
      return {
        pods: pods.items.map(toObservedPod),
        loadBalancerIp: service.status?.loadBalancer?.ingress?.[0]?.ip ?? null,
      };
    });
  };
}

export function removeDemoWorkload(clientsFor: AzureClientFactory) {
  return async (input: DemoWorkloadInput): Promise<DemoWorkloadOutput> => {
    await withCluster(clientsFor(input.subscriptionId), input.resourceGroup, input.clusterName, ({ core }) =>
      ignoring(404, () => core.deleteNamespace({ name: demoNamespace })),
    );
    return { pods: [], loadBalancerIp: null };
  };
}
