import type { OrchestrationContext, Task } from "durable-functions";
import {
  activityNames,
  type ActivityResult,
  type BeginCreateClusterOutput,
  type ClusterIpsOutput,
  type ClusterSpecInput,
  type ClusterState,
  type DemoWorkloadInput,
  type DemoWorkloadOutput,
  type IdentityOutput,
  type NetworkOutput,
  type ResourceGroupOutput,
  type RoleAssignmentOutput,
  type RoleCheck,
  type RouteTableOutput,
} from "../activities/contracts.js";
import type { OrchestrationTimings } from "../config.js";
import type { ClusterRequest } from "../domain/clusterRequest.js";
import { classifyIpPlacement, type IpVerification } from "../domain/ipClassification.js";
import { builtInRoles, nodeResourceGroupName, resourceGroupId } from "../domain/names.js";
import {
  completeStep,
  describeStep,
  failRun,
  newProgress,
  provisioningSteps,
  retryStep,
  skipStep,
  startStep,
  statusSnapshot,
  succeedRun,
  type RunProgress,
  type StepName,
} from "../domain/progress.js";
import type { EnsureFeaturesInput, EnsureFeaturesOutput } from "./ensureFeatures.js";
import {
  attempt,
  call,
  deadline,
  failureFromError,
  orchestrationNames,
  pastDeadline,
  sleep,
  StepError,
  transientRetry,
  type Step,
} from "./runtime.js";

export interface ProvisionInput {
  request: ClusterRequest;
  timings: OrchestrationTimings;
  /** Hash of the normalised request; a second POST with the same hash joins this run. */
  specHash: string;
}

/** How long role assignments keep being retried while Entra replicates a brand-new identity. */
const principalReplicationMinutes = 10;
const terminalClusterStates = new Set(["succeeded", "failed", "canceled", "notfound"]);

/**
 * resource group → (network ‖ identity ‖ features) → role assignments → cluster (started, then polled on durable timers)
 * → role checks → kubenet route table → IP verification → optional demo workload.
 */
export function* provisionCluster(context: OrchestrationContext): Step<RunProgress> {
  const { request, timings } = context.df.getInput<ProvisionInput>();
  const progress = newProgress("provision", provisioningSteps);
  const now = () => context.df.currentUtcDateTime;
  const publish = () => context.df.setCustomStatus(statusSnapshot(progress));
  const sub = request.subscriptionId;
  const net = request.network;

  let current: StepName = "resourceGroup";
  const begin = (step: StepName, detail: string | null = null) => {
    current = step;
    startStep(progress, step, now(), detail);
    publish();
  };
  const done = (step: StepName, detail: string | null = null) => {
    completeStep(progress, step, now(), detail);
    publish();
  };

  try {
    begin("resourceGroup");
    const resourceGroup = yield* call<ResourceGroupOutput>(
      context,
      "resourceGroup",
      activityNames.ensureResourceGroup,
      {
        subscriptionId: sub,
        resourceGroup: request.resourceGroup,
        location: request.location,
        tags: request.tags,
      },
    );
    progress.resources.resourceGroupId = resourceGroup.id;
    done("resourceGroup", resourceGroup.created ? "created" : "already existed");

    // Network, identity and preview features do not depend on each other: run them side by side.
    startStep(progress, "network", now());
    startStep(progress, "identity", now());
    if (request.features.length > 0) {
      startStep(progress, "features", now(), request.features.join(", "));
    } else {
      skipStep(progress, "features", "no preview features requested");
    }
    publish();
    const parallel: Task[] = [
      context.df.callActivityWithRetry(activityNames.ensureNetwork, transientRetry, {
        subscriptionId: sub,
        location: request.location,
        vnet: net.vnet,
        nodeSubnet: net.nodeSubnet,
        podSubnet: net.podSubnet,
        tags: request.tags,
      }),
      context.df.callActivityWithRetry(activityNames.ensureManagedIdentity, transientRetry, {
        subscriptionId: sub,
        resourceGroup: request.resourceGroup,
        location: request.location,
        name: request.identity.name,
        tags: request.tags,
      }),
    ];
    if (request.features.length > 0) {
      const featuresInput: EnsureFeaturesInput = {
        subscriptionId: sub,
        features: request.features,
        pollIntervalSeconds: timings.featurePollIntervalSeconds,
        timeoutMinutes: 60,
      };
      parallel.push(context.df.callSubOrchestrator(orchestrationNames.ensureFeatures, featuresInput));
    }
    let results: unknown[];
    try {
      results = (yield context.df.Task.all(parallel)) as unknown[];
    } catch (error) {
      throw new StepError("network", failureFromError(error));
    }
    const network = unwrap<NetworkOutput>("network", results[0]);
    Object.assign(progress.resources, {
      vnetId: network.vnetId,
      nodeSubnetId: network.nodeSubnetId,
      ...(network.podSubnetId === null ? {} : { podSubnetId: network.podSubnetId }),
    });
    completeStep(
      progress,
      "network",
      now(),
      network.created.length > 0 ? `created ${network.created.join(", ")}` : "already existed",
    );
    const identity = unwrap<IdentityOutput>("identity", results[1]);
    progress.resources.identityId = identity.id;
    progress.resources.identityPrincipalId = identity.principalId;
    completeStep(progress, "identity", now(), identity.created ? "created" : "already existed");
    if (request.features.length > 0) {
      const features = results[2] as EnsureFeaturesOutput;
      if (features.error !== null) {
        throw new StepError("features", features.error);
      }
      completeStep(
        progress,
        "features",
        now(),
        features.features
          .map((f) => `${f.feature}: ${f.state === "NotNeeded" ? "not needed (generally available)" : f.state}`)
          .join("; "),
      );
    }
    publish();

    // Network Contributor for the cluster identity on each subnet it must join (least privilege, not the whole VNet).
    const subnetScopes = [network.nodeSubnetId, ...(network.podSubnetId === null ? [] : [network.podSubnetId])];
    begin("roleAssignments", `Network Contributor on ${subnetScopes.length} subnet(s)`);
    const replicationDeadline = deadline(context, principalReplicationMinutes);
    for (const scope of subnetScopes) {
      for (;;) {
        const result: ActivityResult<RoleAssignmentOutput> = yield* attempt<RoleAssignmentOutput>(
          context,
          activityNames.ensureRoleAssignment,
          {
            subscriptionId: sub,
            scope,
            principalId: identity.principalId,
            roleDefinitionGuid: builtInRoles.networkContributor,
          },
        );
        if (result.ok) {
          break;
        }
        if (result.error.code !== "PrincipalNotFound" || pastDeadline(context, replicationDeadline)) {
          throw new StepError("roleAssignments", result.error);
        }
        retryStep(
          progress,
          "roleAssignments",
          "waiting for Entra ID to replicate the new identity (PrincipalNotFound)",
        );
        publish();
        yield* sleep(context, timings.roleAssignmentRetrySeconds);
      }
    }
    done("roleAssignments", `Network Contributor on ${subnetScopes.length} subnet(s)`);

    begin("cluster");
    const nodeResourceGroup = nodeResourceGroupName(request.resourceGroup, request.clusterName, request.location);
    const clusterSpec: ClusterSpecInput = {
      subscriptionId: sub,
      resourceGroup: request.resourceGroup,
      location: request.location,
      clusterName: request.clusterName,
      dnsPrefix: request.dnsPrefix,
      kubernetesVersion: request.kubernetesVersion ?? null,
      mode: net.mode,
      nodeSubnetId: network.nodeSubnetId,
      podSubnetId: network.podSubnetId,
      serviceCidr: net.serviceCidr,
      dnsServiceIp: net.dnsServiceIp,
      podCidr: net.podCidr,
      networkPolicy: net.networkPolicy,
      nodePool: request.nodePool,
      identityId: identity.id,
      nodeResourceGroup,
      tags: request.tags,
    };
    const started = yield* call<BeginCreateClusterOutput>(
      context,
      "cluster",
      activityNames.beginCreateCluster,
      clusterSpec,
    );
    let state: ClusterState = started.state;
    const clusterDeadline = deadline(context, timings.clusterTimeoutMinutes);
    describeStep(
      progress,
      "cluster",
      started.alreadyExisted ? "already existed with this spec" : (state.phase ?? state.provisioningState),
    );
    publish();
    while (!terminalClusterStates.has(state.provisioningState.toLowerCase())) {
      if (pastDeadline(context, clusterDeadline)) {
        throw new StepError("cluster", {
          code: "ClusterCreateTimeout",
          message: `still ${state.provisioningState} after ${timings.clusterTimeoutMinutes} minutes`,
        });
      }
      yield* sleep(context, timings.clusterPollIntervalSeconds);
      state = yield* call<ClusterState>(context, "cluster", activityNames.getClusterState, {
        subscriptionId: sub,
        resourceGroup: request.resourceGroup,
        clusterName: request.clusterName,
        operationUrl: started.operationUrl,
      });
      describeStep(progress, "cluster", state.phase ?? state.provisioningState);
      publish();
    }
    if (state.provisioningState.toLowerCase() !== "succeeded") {
      throw new StepError(
        "cluster",
        state.error ?? {
          code: `Cluster${state.provisioningState}`,
          message: `provisioningState is ${state.provisioningState}`,
        },
      );
    }
    if (state.clusterId !== null) {
      progress.resources.clusterId = state.clusterId;
    }
    const actualNodeResourceGroup = state.nodeResourceGroup ?? nodeResourceGroup;
    progress.resources.nodeResourceGroupId = resourceGroupId(sub, actualNodeResourceGroup);
    done(
      "cluster",
      state.kubernetesVersion === null ? "Succeeded" : `Succeeded (Kubernetes ${state.kubernetesVersion})`,
    );

    begin("roleChecks");
    const checks: RoleCheck[] = yield* call<RoleCheck[]>(context, "roleChecks", activityNames.checkRoleAssignments, {
      subscriptionId: sub,
      checks: [
        ...subnetScopes.map((scope) => ({
          role: "Network Contributor",
          roleDefinitionGuid: builtInRoles.networkContributor,
          scope,
          principalId: identity.principalId,
        })),
        {
          role: "Contributor",
          roleDefinitionGuid: builtInRoles.contributor,
          scope: progress.resources.nodeResourceGroupId,
          principalId: identity.principalId,
        },
      ],
    });
    progress.roleChecks = checks;
    const missing = checks.filter((check) => !check.present);
    if (missing.length > 0) {
      throw new StepError("roleChecks", {
        code: "RoleAssignmentMissing",
        message: missing.map((check) => `${check.role} on ${check.scope}`).join("; "),
      });
    }
    done("roleChecks", `${checks.length} role assignment(s) present`);

    if (net.mode === "kubenet") {
      begin("routeTable");
      const routes = yield* call<RouteTableOutput>(context, "routeTable", activityNames.ensureRouteTableAssociation, {
        subscriptionId: sub,
        vnetResourceGroup: net.vnet.resourceGroup,
        vnetName: net.vnet.name,
        subnetName: net.nodeSubnet.name,
        nodeResourceGroup: actualNodeResourceGroup,
      });
      if (routes.action === "not-found" || routes.routeTableId === null) {
        throw new StepError("routeTable", {
          code: "RouteTableNotFound",
          message: `no route table in ${actualNodeResourceGroup}: pods on different nodes cannot reach each other`,
        });
      }
      progress.resources.routeTableId = routes.routeTableId;
      done(
        "routeTable",
        routes.action === "associated"
          ? "route table was not associated with the node subnet; associated it"
          : "associated with the node subnet",
      );
    } else {
      skipStep(progress, "routeTable", "only kubenet uses a route table");
    }

    begin("ipVerification", "waiting for system pods to run");
    const expected = {
      mode: net.mode,
      nodeSubnetCidr: net.nodeSubnet.addressPrefix,
      podSubnetCidr: net.podSubnet?.addressPrefix ?? null,
      podCidr: net.podCidr,
    };
    const clusterRef = { subscriptionId: sub, resourceGroup: request.resourceGroup, clusterName: request.clusterName };
    const podsDeadline = deadline(context, timings.podReadyTimeoutMinutes);
    let verification: IpVerification;
    for (;;) {
      const observed = yield* call<ClusterIpsOutput>(
        context,
        "ipVerification",
        activityNames.observeClusterIps,
        clusterRef,
      );
      verification = classifyIpPlacement(expected, observed);
      const ready =
        observed.nodes.length >= request.nodePool.count &&
        verification.summary.pendingPods === 0 &&
        observed.pods.length > 0;
      if (ready) {
        break;
      }
      if (pastDeadline(context, podsDeadline)) {
        progress.ipVerification = verification;
        throw new StepError("ipVerification", {
          code: "PodsNotReady",
          message: `${verification.summary.pendingPods} pod(s) without an IP and ${observed.nodes.length}/${request.nodePool.count} node(s) after ${timings.podReadyTimeoutMinutes} minutes`,
        });
      }
      retryStep(progress, "ipVerification", `${verification.summary.pendingPods} pod(s) not running yet`);
      publish();
      yield* sleep(context, Math.max(1, Math.ceil(timings.clusterPollIntervalSeconds / 3)));
    }
    progress.ipVerification = verification;
    if (!verification.passed) {
      throw new StepError("ipVerification", { code: "IpPlacementMismatch", message: describeMismatches(verification) });
    }
    done("ipVerification", summarize(verification));

    if (request.verify.demoWorkload) {
      begin("demoWorkload", "deploying hello-kubernetes (3 replicas, internal load balancer)");
      const demoInput: DemoWorkloadInput = { ...clusterRef, loadBalancerSubnet: net.nodeSubnet.name };
      yield* call<DemoWorkloadOutput>(context, "demoWorkload", activityNames.deployDemoWorkload, demoInput);
      let demo: DemoWorkloadOutput;
      for (;;) {
        demo = yield* call<DemoWorkloadOutput>(context, "demoWorkload", activityNames.observeDemoWorkload, demoInput);
        const running = demo.pods.filter((pod) => pod.phase === "Running" && pod.ip !== null).length;
        if (running >= 3 && demo.loadBalancerIp !== null) {
          break;
        }
        if (pastDeadline(context, podsDeadline)) {
          throw new StepError("demoWorkload", {
            code: "DemoWorkloadNotReady",
            message: `${running}/3 pods running, load balancer IP ${demo.loadBalancerIp ?? "pending"}`,
          });
        }
        yield* sleep(context, Math.max(1, Math.ceil(timings.clusterPollIntervalSeconds / 3)));
      }
      const demoCheck = classifyIpPlacement(expected, { nodes: [], pods: demo.pods });
      const lbCheck = classifyIpPlacement(expected, {
        nodes: [{ name: "internal-load-balancer", internalIp: demo.loadBalancerIp }],
        pods: [],
      });
      yield* call<DemoWorkloadOutput>(context, "demoWorkload", activityNames.removeDemoWorkload, demoInput);
      if (!demoCheck.passed || !lbCheck.passed) {
        throw new StepError("demoWorkload", {
          code: "IpPlacementMismatch",
          message: describeMismatches({ ...demoCheck, nodes: lbCheck.nodes }),
        });
      }
      done(
        "demoWorkload",
        `3 pods in ${demoCheck.pods[0]?.expected ?? "the planned range"}, internal LB ${demo.loadBalancerIp ?? ""}; removed`,
      );
    } else {
      skipStep(progress, "demoWorkload", "not requested (verify.demoWorkload)");
    }

    succeedRun(progress);
  } catch (error) {
    const failure = error instanceof StepError ? error : new StepError(current, failureFromError(error));
    failRun(progress, failure.step, now(), failure.failure);
  }
  publish();
  return progress;
}

function unwrap<T>(step: StepName, result: unknown): T {
  const typed = result as ActivityResult<T>;
  if (!typed.ok) {
    throw new StepError(step, typed.error);
  }
  return typed.value;
}

function summarize(verification: IpVerification): string {
  const { nodes, pods, hostNetworkPods } = verification.summary;
  return `${nodes} node(s) and ${pods} pod(s) (${hostNetworkPods} hostNetwork) all in their planned ranges`;
}

function describeMismatches(verification: IpVerification): string {
  const wrong = [
    ...verification.nodes
      .filter((n) => !n.ok)
      .map((n) => `node ${n.name} ${n.ip ?? "no IP"} in ${n.actual}, expected ${n.expected}`),
    ...verification.pods
      .filter((p) => !p.ok)
      .map((p) => `pod ${p.namespace}/${p.name} ${p.ip ?? "no IP"} in ${p.actual}, expected ${p.expected}`),
  ];
  const shown = wrong.slice(0, 10).join("; ");
  return wrong.length > 10 ? `${shown}; and ${wrong.length - 10} more` : shown;
}
