/** After the cluster exists: its role assignments, the kubenet route table, and where its IPs actually landed. */
import type { RoleCheck } from "../../domain/observations.js";
import {
  classifyIpPlacement,
  expectedRangesFor,
  type ExpectedRanges,
  type IpVerification,
  type NodeIpRow,
} from "../../domain/ipClassification.js";
import { aksDelegationService, builtInRoles } from "../../domain/names.js";
import { call, PermanentFailure } from "../activityCalls.js";
import { deadline, pastDeadline, insideClusterPollSeconds, sleep, type Step } from "../runtime.js";
import type { ProvisionedCluster } from "./clusterPhase.js";
import { networkScopes } from "./roleAssignmentsPhase.js";
import type { Prerequisites } from "./prerequisitesPhase.js";
import { observeCluster, observesThroughRunCommand } from "./clusterObservation.js";
import { type ProvisionScope } from "./scope.js";

export function* roleChecksPhase(
  { context, run, request }: ProvisionScope,
  prerequisites: Prerequisites,
  cluster: ProvisionedCluster,
): Step<void> {
  const principalId = prerequisites.identity.principalId;
  yield* run.step(
    "roleChecks",
    function* (): Step<{ checks: number; delegation: string | null }> {
      const checks: RoleCheck[] = yield* call(context, "checkRoleAssignments", {
        subscriptionId: request.subscriptionId,
        checks: [
          ...networkScopes(prerequisites).map((scope) => ({
            role: "Network Contributor",
            roleDefinitionGuid: builtInRoles.networkContributor,
            scope,
            principalId,
          })),
          {
            role: "Contributor",
            roleDefinitionGuid: builtInRoles.contributor,
            scope: run.progress.resources.nodeResourceGroupId ?? cluster.nodeResourceGroup,
            principalId,
          },
        ],
      });
      run.progress.roleChecks = checks;
      const missing = checks.filter((check) => !check.present);
      if (missing.length > 0) {
        throw new PermanentFailure({
          code: "RoleAssignmentMissing",
          message: missing.map((check) => `${check.role} on ${check.scope}`).join("; "),
        });
      }
      const apiServerSubnetId = prerequisites.network.apiServerSubnetId;
      if (apiServerSubnetId === null) return { checks: checks.length, delegation: null };
      // VNet integration: the API server's load balancer lives in this subnet only while it stays delegated to AKS.
      const delegation = yield* call(context, "checkSubnetDelegation", {
        subscriptionId: request.subscriptionId,
        subnetId: apiServerSubnetId,
        serviceName: aksDelegationService,
      });
      if (!delegation.present) {
        throw new PermanentFailure({
          code: "SubnetDelegationMissing",
          message: `API server subnet ${apiServerSubnetId} is not delegated to ${aksDelegationService} (delegations: ${delegation.delegations.join(", ") || "none"})`,
        });
      }
      return { checks: checks.length, delegation: delegation.serviceName };
    },
    ({ checks, delegation }) =>
      `${checks} role assignment(s) present${delegation === null ? "" : `; API server subnet delegated to ${delegation}`}`,
  );
}

/** kubenet only: the node resource group's route table must be on the node subnet, or pods on other nodes are unreachable. */
export function* routeTablePhase({ context, run, request }: ProvisionScope, cluster: ProvisionedCluster): Step<void> {
  const net = request.network;
  if (net.mode !== "kubenet") {
    run.skip("routeTable", "only kubenet uses a route table");
    return;
  }
  const routes = yield* run.step(
    "routeTable",
    function* () {
      const result = yield* call(context, "ensureRouteTableAssociation", {
        subscriptionId: request.subscriptionId,
        vnetSubscriptionId: net.vnet.subscriptionId,
        vnetResourceGroup: net.vnet.resourceGroup,
        vnetName: net.vnet.name,
        subnetName: net.nodeSubnet.name,
        nodeResourceGroup: cluster.nodeResourceGroup,
      });
      if (result.action === "not-found" || result.routeTableId === null) {
        throw new PermanentFailure({
          code: "RouteTableNotFound",
          message: `no route table in ${cluster.nodeResourceGroup}: pods on different nodes cannot reach each other`,
        });
      }
      return result;
    },
    (result) =>
      result.action === "associated"
        ? "route table was not associated with the node subnet; associated it"
        : "associated with the node subnet",
  );
  if (routes.routeTableId !== null) run.progress.resources.routeTableId = routes.routeTableId;
}

export function expectedRanges(scope: ProvisionScope): ExpectedRanges {
  return expectedRangesFor(scope.request);
}

/** Waits until every planned node is registered and Ready and no pod lacks an IP, then checks every address. */
export function* ipVerificationPhase(scope: ProvisionScope): Step<IpVerification> {
  const { context, run, request, timings } = scope;
  const wantedNodes = request.nodePools.reduce((sum, pool) => sum + pool.count, 0);
  return yield* run.step(
    "ipVerification",
    function* () {
      const until = deadline(context, timings.podReadyTimeoutMinutes);
      for (;;) {
        const observed = yield* observeCluster(scope);
        const verification = classifyIpPlacement(expectedRanges(scope), observed);
        const readyNodes = observed.nodes.filter((node) => node.ready !== false).length;
        const pending = verification.summary.pendingPods;
        if (readyNodes >= wantedNodes && pending === 0 && observed.pods.length > 0) {
          run.progress.ipVerification = verification;
          if (!verification.passed) {
            throw new PermanentFailure({ code: "IpPlacementMismatch", message: describeMismatches(verification) });
          }
          return verification;
        }
        const waiting = `${readyNodes}/${wantedNodes} node(s) Ready, ${pending} pod(s) without an IP`;
        if (pastDeadline(context, until)) {
          run.progress.ipVerification = verification;
          throw new PermanentFailure({
            code: readyNodes < wantedNodes ? "NodesNotReady" : "PodsNotReady",
            message: `${waiting} after ${timings.podReadyTimeoutMinutes} minutes`,
          });
        }
        run.retry("ipVerification", `waiting: ${waiting}`);
        yield* sleep(context, insideClusterPollSeconds(timings));
      }
    },
    summarize,
    observesThroughRunCommand(scope)
      ? "waiting for nodes and system pods (private API server: kubectl through AKS run command)"
      : "waiting for nodes and system pods",
  );
}

function summarize(verification: IpVerification): string {
  const { nodes, pods, hostNetworkPods } = verification.summary;
  const families = verification.nodes.some((node) => node.ipv6 !== undefined) ? ", IPv4 and IPv6" : "";
  return `${nodes} node(s) and ${pods} pod(s) (${hostNetworkPods} hostNetwork) all in their planned ranges${families}`;
}

/** Both families on a dual-stack row ("10.0.0.4, fd00::4"), the one address otherwise. */
const addressesOf = (row: NodeIpRow) =>
  row.ipv6 === undefined ? (row.ip ?? "no IP") : `${row.ip ?? "no IPv4"}, ${row.ipv6 ?? "no IPv6"}`;
const placesOf = (row: NodeIpRow) => (row.actualV6 === undefined ? row.actual : `${row.actual}/${row.actualV6}`);

export function describeMismatches(verification: IpVerification): string {
  const wrong = [
    ...verification.nodes
      .filter((n) => !n.ok)
      .map((n) => `node ${n.name} ${addressesOf(n)} in ${placesOf(n)}, expected ${n.expected}`),
    ...verification.pods
      .filter((p) => !p.ok)
      .map((p) => `pod ${p.namespace}/${p.name} ${addressesOf(p)} in ${placesOf(p)}, expected ${p.expected}`),
  ];
  const shown = wrong.slice(0, 10).join("; ");
  return wrong.length > 10 ? `${shown}; and ${wrong.length - 10} more` : shown;
}
