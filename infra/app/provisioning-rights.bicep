// Least privilege for provisioning in this subscription: Contributor to create resource groups, VNets, identities
// and clusters, and Role Based Access Control Administrator constrained by an ABAC condition so that the only role
// the app can grant (or remove) is Network Contributor — the one it gives each cluster identity on its subnets.
// AKS grants Contributor on the node resource group itself; the app never needs to.
targetScope = 'subscription'

param principalId string

var roles = {
  contributor: 'b24988ac-6180-42a0-ab88-20f7382dd24c'
  rbacAdministrator: 'f58310d9-a9f6-439a-9e8d-f62e7b41a168'
  networkContributor: '4d97b98b-1d4f-4787-a291-c67834d212e7'
}

var onlyNetworkContributor = '((!(ActionMatches{\'Microsoft.Authorization/roleAssignments/write\'})) OR (@Request[Microsoft.Authorization/roleAssignments:RoleDefinitionId] ForAnyOfAnyValues:GuidEquals {${roles.networkContributor}})) AND ((!(ActionMatches{\'Microsoft.Authorization/roleAssignments/delete\'})) OR (@Resource[Microsoft.Authorization/roleAssignments:RoleDefinitionId] ForAnyOfAnyValues:GuidEquals {${roles.networkContributor}}))'

resource contributor 'Microsoft.Authorization/roleAssignments@2022-04-01' = {
  name: guid(subscription().id, principalId, roles.contributor)
  properties: {
    roleDefinitionId: subscriptionResourceId('Microsoft.Authorization/roleDefinitions', roles.contributor)
    principalId: principalId
    principalType: 'ServicePrincipal'
  }
}

resource networkContributorGrantor 'Microsoft.Authorization/roleAssignments@2022-04-01' = {
  name: guid(subscription().id, principalId, roles.rbacAdministrator)
  properties: {
    roleDefinitionId: subscriptionResourceId('Microsoft.Authorization/roleDefinitions', roles.rbacAdministrator)
    principalId: principalId
    principalType: 'ServicePrincipal'
    condition: onlyNetworkContributor
    conditionVersion: '2.0'
    description: 'aks-provisioning-api may assign only Network Contributor'
  }
}
