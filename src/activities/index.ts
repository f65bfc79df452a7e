import type { AzureClientFactory } from "../azure/clients.js";
import { abortAksOperation, getAbortState } from "./abortOperation.js";
import { beginCreateAgentPool, beginDeleteAgentPool, getAgentPoolState, readAgentPools } from "./agentPools.js";
import { beginCreateCluster, getClusterState } from "./cluster.js";
import type { Activities } from "./contracts.js";
import { deliverEvent, publishEvent, recordRunState, type EventDependencies } from "./events.js";
import { ensureEgressRouteTable, ensureNatGateway, ensureSubnetEgress } from "./egress.js";
import { ensureFeatureRegistered, getFeatureState, registerProvider } from "./features.js";
import { guarded } from "./guard.js";
import { ensureManagedIdentity } from "./identity.js";
import {
  beginClusterObservation,
  deployDemoWorkload,
  getClusterObservation,
  observeClusterIps,
  observeDemoWorkload,
  removeDemoWorkload,
} from "./kubernetesChecks.js";
import { checkSubnetDelegation, ensureNetwork } from "./network.js";
import { ensureResourceGroup } from "./resourceGroup.js";
import { checkRoleAssignments, ensureRoleAssignment } from "./roleAssignments.js";
import { ensureRouteTableAssociation } from "./routeTable.js";
import { beginDeleteCluster, beginDeleteResourceGroup, getDeletionState } from "./teardown.js";

export interface ActivityDependencies {
  clientsFor: AzureClientFactory;
  events: EventDependencies;
}

/**
 * Every activity, as Durable runs it: the body over injected SDK clients (tests point them at the simulator) behind the
 * guard that sorts transient from permanent failures. The contract map types each entry.
 */
export function createActivities({ clientsFor, events }: ActivityDependencies): Activities {
  return {
    ensureResourceGroup: guarded(ensureResourceGroup(clientsFor)),
    ensureNetwork: guarded(ensureNetwork(clientsFor)),
    ensureManagedIdentity: guarded(ensureManagedIdentity(clientsFor)),
    ensureFeatureRegistered: guarded(ensureFeatureRegistered(clientsFor)),
    getFeatureState: guarded(getFeatureState(clientsFor)),
    registerProvider: guarded(registerProvider(clientsFor)),
    ensureRoleAssignment: guarded(ensureRoleAssignment(clientsFor)),
    beginCreateCluster: guarded(beginCreateCluster(clientsFor)),
    getClusterState: guarded(getClusterState(clientsFor)),
    beginCreateAgentPool: guarded(beginCreateAgentPool(clientsFor)),
    getAgentPoolState: guarded(getAgentPoolState(clientsFor)),
    readAgentPools: guarded(readAgentPools(clientsFor)),
    beginDeleteAgentPool: guarded(beginDeleteAgentPool(clientsFor)),
    abortAksOperation: guarded(abortAksOperation(clientsFor)),
    getAbortState: guarded(getAbortState(clientsFor)),
    checkRoleAssignments: guarded(checkRoleAssignments(clientsFor)),
    ensureRouteTableAssociation: guarded(ensureRouteTableAssociation(clientsFor)),
    ensureNatGateway: guarded(ensureNatGateway(clientsFor)),
    ensureEgressRouteTable: guarded(ensureEgressRouteTable(clientsFor)),
    ensureSubnetEgress: guarded(ensureSubnetEgress(clientsFor)),
    observeClusterIps: guarded(observeClusterIps(clientsFor)),
    checkSubnetDelegation: guarded(checkSubnetDelegation(clientsFor)),
    beginClusterObservation: guarded(beginClusterObservation(clientsFor)),
    getClusterObservation: guarded(getClusterObservation(clientsFor)),
    deployDemoWorkload: guarded(deployDemoWorkload(clientsFor)),
    observeDemoWorkload: guarded(observeDemoWorkload(clientsFor)),
    removeDemoWorkload: guarded(removeDemoWorkload(clientsFor)),
    beginDeleteCluster: guarded(beginDeleteCluster(clientsFor)),
    beginDeleteResourceGroup: guarded(beginDeleteResourceGroup(clientsFor)),
    getDeletionState: guarded(getDeletionState(clientsFor)),
    recordRunState: recordRunState(events),
    deliverEvent: deliverEvent(events),
    publishEvent: publishEvent(events),
  };
}
