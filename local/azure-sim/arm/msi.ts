/** Microsoft.ManagedIdentity (2024-11-30): synchronous PUT/GET/DELETE of user-assigned identities (IdentityCreate example). */
import { randomUUID } from "node:crypto";
import { json, route, type Route, type SimRequest, type SimResponse } from "../http.js";
import type { StoredResource } from "../state.js";
import { ArmContext, NAME, props, RG } from "./context.js";

const TYPE = "Microsoft.ManagedIdentity/userAssignedIdentities";

export function identityId(sub: string, rg: string, name: string): string {
  return `/subscriptions/${sub}/resourcegroups/${rg}/providers/${TYPE}/${name}`;
}

export function msiRoutes(ctx: ArmContext): Route[] {
  const path = `${RG}/providers/${TYPE}/${NAME}`;
  return [
    route("PUT", path, (r) => putIdentity(ctx, r)),
    route("GET", path, (r) => {
      const [sub = "", rg = "", name = ""] = r.params;
      const identity = ctx.state.get(identityId(sub, rg, name));
      return identity === undefined ? ctx.notFound(TYPE, name, rg) : json(200, identity.body);
    }),
    route("DELETE", path, (r) => ({
      status: ctx.state.delete(identityId(r.params[0] ?? "", r.params[1] ?? "", r.params[2] ?? "")) ? 200 : 204,
    })),
  ];
}

function putIdentity(ctx: ArmContext, r: SimRequest): SimResponse {
  const { state } = ctx;
  const [sub = "", rg = "", name = ""] = r.params;
  if (ctx.groupExists(sub, rg) === undefined) return ctx.missingGroup(rg);
  const id = identityId(sub, rg, name);
  const existing = state.get(id);
  const body = (r.body ?? {}) as { location?: string; tags?: Record<string, string> };
  const identity: StoredResource = {
    id,
    type: TYPE,
    createdAt: existing?.createdAt ?? state.now(),
    body: {
      id,
      name,
      type: TYPE,
      location: body.location,
      tags: body.tags ?? {},
      properties:
        existing === undefined
          ? { tenantId: state.tenantId, principalId: randomUUID(), clientId: randomUUID(), isolationScope: "None" }
          : props(existing),
    },
  };
  state.put(identity);
  return json(existing === undefined ? 201 : 200, identity.body);
}
