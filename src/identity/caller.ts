/**
 * Who is calling. Behind App Service authentication (Easy Auth) the platform puts the signed-in caller in
 * `x-ms-client-principal` (base64 JSON) and strips any such header a client sends; without Easy Auth in front anyone
 * could send it, so it is read only when EASY_AUTH_ENABLED is set. A request without a principal came in with a
 * function key: a machine caller.
 */
import { z } from "zod";

export interface Caller {
  kind: "user" | "machine";
  /** What runs record as requestedBy: the user's name claim, or `function-key`. */
  name: string;
  /** The Entra object id (oid claim), when there is one. */
  objectId: string | null;
  roles: string[];
  groups: string[];
}

export const machineCaller: Caller = { kind: "machine", name: "function-key", objectId: null, roles: [], groups: [] };

const principalSchema = z.object({
  auth_typ: z.string(),
  name_typ: z.string().optional(),
  role_typ: z.string().optional(),
  claims: z.array(z.object({ typ: z.string(), val: z.string() })),
});

const objectIdClaims = ["http://schemas.microsoft.com/identity/claims/objectidentifier", "oid"];
const nameFallbacks = ["preferred_username", "name", "http://schemas.xmlsoap.org/ws/2005/05/identity/claims/upn"];
const defaultRoleType = "http://schemas.microsoft.com/ws/2008/06/identity/claims/role";

export type CallerResult = { ok: true; caller: Caller } | { ok: false; message: string };

/** Parses the principal header; a malformed one is an error (the front should never send one). */
export function callerFromPrincipal(header: string): CallerResult {
  let parsed: unknown;
  try {
    parsed = JSON.parse(Buffer.from(header, "base64").toString("utf8"));
  } catch {
    return { ok: false, message: "x-ms-client-principal is not base64-encoded JSON" };
  }
  const principal = principalSchema.safeParse(parsed);
  if (!principal.success) return { ok: false, message: "x-ms-client-principal lacks auth_typ or claims" };
  const { claims, name_typ: nameType, role_typ: roleType } = principal.data;
  const first = (types: string[]) => types.map((typ) => claims.find((claim) => claim.typ === typ)?.val).find(Boolean);
  const name = first([...(nameType === undefined ? [] : [nameType]), ...nameFallbacks]);
  const objectId = first(objectIdClaims) ?? null;
  const roles = claims
    .filter((claim) => claim.typ === (roleType ?? defaultRoleType) || claim.typ === "roles")
    .map((c) => c.val);
  const groups = claims.filter((claim) => claim.typ === "groups").map((claim) => claim.val.toLowerCase());
  return {
    ok: true,
    caller: { kind: "user", name: name ?? objectId ?? "unknown-user", objectId, roles: [...new Set(roles)], groups },
  };
}

/** The caller of a request: only when Easy Auth is in front is the principal header trusted. */
export function callerOf(headers: { get(name: string): string | null }, easyAuthEnabled: boolean): CallerResult {
  const header = easyAuthEnabled ? headers.get("x-ms-client-principal") : null;
  if (header === null || header.trim() === "") return { ok: true, caller: machineCaller };
  return callerFromPrincipal(header);
}
