/**
 * Reading a `bicep snapshot` the way the tests ask about it: which resources a deployment creates, the app settings
 * the function app receives, and who is granted which role where. Values ARM knows only during the deployment (the
 * identity's principal id, module outputs) stay ARM expressions; `fromIdentity` names the app identity's ones.
 */
import type { PredictedResource, Snapshot } from "../../tools/infra/bicep.js";

export function resourcesOf(snapshot: Snapshot, type: string): PredictedResource[] {
  return snapshot.predictedResources.filter((r) => r.type.toLowerCase() === type.toLowerCase());
}

export function only(snapshot: Snapshot, type: string, nameEnd = ""): PredictedResource {
  const found = resourcesOf(snapshot, type).filter((r) => r.name.endsWith(nameEnd));
  if (found.length !== 1) throw new Error(`expected one ${type} named …${nameEnd}, found ${found.length}`);
  return found[0] as PredictedResource;
}

export function appSettings(snapshot: Snapshot): Record<string, unknown> {
  const settings = only(snapshot, "Microsoft.Web/sites/config", "/appsettings").properties;
  // An object means ARM can tell every setting's name before the deployment (What-If shows them).
  if (typeof settings !== "object") throw new Error(`app settings not known before deployment: ${String(settings)}`);
  return settings;
}

/** `[reference('<app identity id>', '<version>').clientId]` reads `[<app identity>.clientId]`. */
export function fromIdentity(snapshot: Snapshot, value: unknown): unknown {
  if (typeof value !== "string") return value;
  const identity = only(snapshot, "Microsoft.ManagedIdentity/userAssignedIdentities");
  return value.split(`reference('${identity.id}', '${identity.apiVersion}')`).join("<app identity>");
}

export interface Grant {
  role: string;
  principal: unknown;
  principalType: unknown;
  scope: string;
}

/** Every role assignment: the role's GUID, the principal (see fromIdentity) and the scope's resource id. */
export function grants(snapshot: Snapshot): Grant[] {
  return resourcesOf(snapshot, "Microsoft.Authorization/roleAssignments").map((r) => {
    const extension = /^\[extensionResourceId\('([^']+)', 'Microsoft\.Authorization\/roleAssignments'/.exec(r.id);
    const subscription = /^\[subscriptionResourceId\('([^']+)', 'Microsoft\.Authorization\/roleAssignments'/.exec(r.id);
    const scope =
      extension?.[1] ??
      (subscription?.[1] === undefined ? undefined : `/subscriptions/${subscription[1]}`) ??
      r.id.split("/providers/Microsoft.Authorization/roleAssignments/")[0] ??
      r.id;
    const properties = r.properties ?? {};
    return {
      role: String(properties.roleDefinitionId).split("/").pop() ?? "",
      principal: fromIdentity(snapshot, properties.principalId),
      principalType: properties.principalType,
      scope,
    };
  });
}
