import type { AzureClientFactory } from "../azure/clients.js";
import { beginCreateCluster, getClusterState } from "./cluster.js";
import { activityNames, type ActivityName, type ActivityResult } from "./contracts.js";
import { ensureFeatureRegistered, getFeatureState, registerProvider } from "./features.js";
import { guarded } from "./guard.js";
import { ensureManagedIdentity } from "./identity.js";
import { deployDemoWorkload, observeClusterIps, observeDemoWorkload, removeDemoWorkload } from "./kubernetesChecks.js";
import { ensureNetwork } from "./network.js";
import { ensureResourceGroup } from "./resourceGroup.js";
import { checkRoleAssignments, ensureRoleAssignment } from "./roleAssignments.js";
import { ensureRouteTableAssociation } from "./routeTable.js";
import { beginDeleteCluster, beginDeleteResourceGroup, getDeletionState } from "./teardown.js";

export interface ActivityDependencies {
  clientsFor: AzureClientFactory;
}

export type ActivityHandler = (input: never) => Promise<ActivityResult<unknown>>;

/** Every activity, built over injected SDK clients so tests can point them at the simulator. */
export function createActivities({ clientsFor }: ActivityDependencies): Record<ActivityName, ActivityHandler> {
  return {
    [activityNames.ensureResourceGroup]: guarded(ensureResourceGroup(clientsFor)),
    [activityNames.ensureNetwork]: guarded(ensureNetwork(clientsFor)),
    [activityNames.ensureManagedIdentity]: guarded(ensureManagedIdentity(clientsFor)),
    [activityNames.ensureFeatureRegistered]: guarded(ensureFeatureRegistered(clientsFor)),
    [activityNames.getFeatureState]: guarded(getFeatureState(clientsFor)),
    [activityNames.registerProvider]: guarded(registerProvider(clientsFor)),
    [activityNames.ensureRoleAssignment]: guarded(ensureRoleAssignment(clientsFor)),
    [activityNames.beginCreateCluster]: guarded(beginCreateCluster(clientsFor)),
    [activityNames.getClusterState]: guarded(getClusterState(clientsFor)),
    [activityNames.checkRoleAssignments]: guarded(checkRoleAssignments(clientsFor)),
    [activityNames.ensureRouteTableAssociation]: guarded(ensureRouteTableAssociation(clientsFor)),
    [activityNames.observeClusterIps]: guarded(observeClusterIps(clientsFor)),
    [activityNames.deployDemoWorkload]: guarded(deployDemoWorkload(clientsFor)),
    [activityNames.observeDemoWorkload]: guarded(observeDemoWorkload(clientsFor)),
    [activityNames.removeDemoWorkload]: guarded(removeDemoWorkload(clientsFor)),
    [activityNames.beginDeleteCluster]: guarded(beginDeleteCluster(clientsFor)),
    [activityNames.beginDeleteResourceGroup]: guarded(beginDeleteResourceGroup(clientsFor)),
    [activityNames.getDeletionState]: guarded(getDeletionState(clientsFor)),
  };
}
