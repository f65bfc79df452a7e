/**
 * Who is calling. There are two kinds of credential, and neither reaches beyond a configured scope:
 *
 * - A principal. Behind App Service authentication (Easy Auth) the platform puts the signed-in caller in
 *   `x-ms-client-principal` (base64 JSON) and strips any such header a client sends; without Easy Auth in front
 *   anyone could send it, so it is read only when EASY_AUTH_ENABLED is set. A person (a user token or the console's
 *   session) and a machine signed in as its own Entra app (client credentials, app roles) are both principals, and
 *   ACCESS_POLICY maps their roles and groups to scopes.
 * - A caller key (CALLER_KEYS, `x-api-key`): a machine caller bound to the key's own subscriptions and groups.
 *
 * A request with neither is refused: there is no anonymous or all-powerful caller.
 */
import { z } from "zod";
import { apiKeyHeader, findCallerKey, type CallerKeys } from "./callerKeys.js";

export interface Caller {
  /** user: a person; app: an Entra app principal; key: a CALLER_KEYS entry. */
  kind: "user" | "app" | "key";
  /** What runs record as requestedBy: the user's name claim, `app:<client id>`, or `key:<id>`. */
  name: string;
  /** The Entra object id (oid claim), when there is one. */
  objectId: string | null;
  roles: string[];
  groups: string[];
  /** A key caller's own scope; principals are scoped by ACCESS_POLICY instead. */
  keyScope: { subscriptions: string[]; resourceGroups: string[] } | null;
}

/** How this deployment identifies callers (config.ts). */
export interface CallerSettings {
  easyAuthEnabled: boolean;
  callerKeys: CallerKeys | null;
}

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

const appIdClaims = ["appid", "azp"];

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
  const appId = first(appIdClaims);
  // An app-only token (client credentials) has idtyp=app when the app registration asks for it, and no user name.
  const isApp = first(["idtyp"]) === "app" || (name === undefined && appId !== undefined);
  const roles = claims
    .filter((claim) => claim.typ === (roleType ?? defaultRoleType) || claim.typ === "roles")
    .map((c) => c.val);
  const groups = claims.filter((claim) => claim.typ === "groups").map((claim) => claim.val.toLowerCase());
  return {
    ok: true,
    caller: {
      kind: isApp ? "app" : "user",
      name: isApp ? `app:${appId ?? objectId ?? "unknown"}` : (name ?? objectId ?? "unknown-user"),
      objectId,
      roles: [...new Set(roles)],
      groups,
      keyScope: null,
    },
  };
}

/**
 * The caller of a request: the Easy Auth principal when the front vouches for one, else the caller key in
 * `x-api-key`, else no one (the caller answers 401).
 */
export function callerOf(headers: { get(name: string): string | null }, settings: CallerSettings): CallerResult {
  const header = settings.easyAuthEnabled ? headers.get("x-ms-client-principal") : null;
  if (header !== null && header.trim() !== "") return callerFromPrincipal(header);
  const given = headers.get(apiKeyHeader);
  if (given !== null && given !== "") {
    const key = findCallerKey(settings.callerKeys, given.trim());
    if (key === null) return { ok: false, message: `${apiKeyHeader} is not a key this API knows` };
    const { id, subscriptions, resourceGroups } = key;
    return {
      ok: true,
      caller: {
        kind: "key",
        name: `key:${id}`,
        objectId: null,
        roles: [],
        groups: [],
        keyScope: { subscriptions, resourceGroups },
      },
    };
  }
  const ways = [
    ...(settings.easyAuthEnabled ? ["sign in (App Service authentication)"] : []),
    ...(settings.callerKeys === null ? [] : [`send a caller key in ${apiKeyHeader}`]),
  ];
  return {
    ok: false,
    message:
      ways.length === 0
        ? "this API identifies no callers: set EASY_AUTH_ENABLED behind App Service authentication, or CALLER_KEYS"
        : `no caller identified: ${ways.join(", or ")}`,
  };
}
