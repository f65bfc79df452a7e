/**
 * The local stack's stand-in for App Service authentication (Easy Auth): it turns a signed test principal into the
 * `x-ms-client-principal` header the platform would add, and never lets a client's own copy of that header through.
 *
 * Contract for whoever mounts it in front of the app (the local host):
 *
 *   const front = createEasyAuthFront({ signingKey });
 *   const verdict = front.authenticate(requestHeaders);
 *   // { status: 200, principal: "<base64>" } → forward with x-ms-client-principal: principal
 *   // { status: 200, principal: null }       → forward without it (a function-key caller)
 *   // { status: 401, reason }                → answer 401 and stop
 *   // Always drop any incoming x-ms-client-principal first, as Easy Auth does.
 *
 * Test principals travel as `Authorization: Bearer <token>` (an API client), or as the session cookie the front's
 * sign-in page sets (a browser, like App Service's AppServiceAuthSession cookie): `GET /.auth/login/local?token=<token>
 * &post_login_redirect_uri=/api/console/` sets it and redirects; `/.auth/logout` clears it. The token = base64url(JSON principal) "." base64url(HMAC-
 * SHA256 of that part with the signing key); `front.sign(principal)` makes one. The app must run with
 * EASY_AUTH_ENABLED=true for the header to be read.
 */
import { createHmac, randomBytes, timingSafeEqual } from "node:crypto";

export interface TestPrincipal {
  /** Shown as requestedBy. */
  name: string;
  objectId?: string;
  roles?: string[];
  groups?: string[];
  /** An Entra app signed in with client credentials: its client id; the principal then carries no user name. */
  appId?: string;
}

export type FrontVerdict = { status: 200; principal: string | null } | { status: 401; reason: string };

export interface EasyAuthFront {
  signingKey: string;
  sign(principal: TestPrincipal): string;
  authenticate(headers: Record<string, string | string[] | undefined> | Headers): FrontVerdict;
  /** The front's own pages under /.auth/ (sign-in, sign-out); null for any other path. */
  authPage(url: URL): { status: number; headers: Record<string, string>; body: string } | null;
}

/** App Service's session cookie name; the local front keeps the signed test token in it. */
export const sessionCookie = "AppServiceAuthSession";

function cookieOf(header: string | null, name: string): string | null {
  if (header === null) return null;
  for (const part of header.split(";")) {
    const [key, ...value] = part.trim().split("=");
    if (key === name) return value.join("=");
  }
  return null;
}

const roleType = "http://schemas.microsoft.com/ws/2008/06/identity/claims/role";
const nameType = "http://schemas.xmlsoap.org/ws/2005/05/identity/claims/name";

/** The header value App Service would send for this principal (base64 JSON with auth_typ, claims, name_typ, role_typ). */
export function clientPrincipalHeader(principal: TestPrincipal): string {
  const claims = [
    ...(principal.appId === undefined
      ? [
          { typ: nameType, val: principal.name },
          { typ: "preferred_username", val: principal.name },
        ]
      : [
          { typ: "appid", val: principal.appId },
          { typ: "idtyp", val: "app" },
        ]),
    ...(principal.objectId === undefined
      ? []
      : [{ typ: "http://schemas.microsoft.com/identity/claims/objectidentifier", val: principal.objectId }]),
    ...(principal.roles ?? []).map((val) => ({ typ: roleType, val })),
    ...(principal.groups ?? []).map((val) => ({ typ: "groups", val })),
  ];
  return Buffer.from(JSON.stringify({ auth_typ: "aad", claims, name_typ: nameType, role_typ: roleType })).toString(
    "base64",
  );
}

function headerOf(headers: Record<string, string | string[] | undefined> | Headers, name: string): string | null {
  if (headers instanceof Headers) return headers.get(name);
  const value = headers[name] ?? headers[name.toLowerCase()];
  return Array.isArray(value) ? (value[0] ?? null) : (value ?? null);
}

export function createEasyAuthFront(options: { signingKey?: string } = {}): EasyAuthFront {
  const signingKey = options.signingKey ?? randomBytes(32).toString("base64url");
  const mac = (payload: string) => createHmac("sha256", signingKey).update(payload).digest();
  return {
    signingKey,
    sign(principal) {
      const payload = Buffer.from(JSON.stringify(principal)).toString("base64url");
      return `${payload}.${mac(payload).toString("base64url")}`;
    },
    authenticate(headers) {
      const session = cookieOf(headerOf(headers, "cookie"), sessionCookie);
      const authorization = headerOf(headers, "authorization") ?? (session === null ? null : `Bearer ${session}`);
      if (authorization === null) return { status: 200, principal: null };
      const token = /^Bearer\s+([A-Za-z0-9_-]+)\.([A-Za-z0-9_-]+)$/.exec(authorization.trim());
      if (token === null) return { status: 401, reason: "Authorization is not a test principal token" };
      const [, payload = "", signature = ""] = token;
      const expected = mac(payload);
      const given = Buffer.from(signature, "base64url");
      if (expected.length !== given.length || !timingSafeEqual(expected, given)) {
        return { status: 401, reason: "the test principal's signature does not verify" };
      }
      let principal: TestPrincipal;
      try {
        principal = JSON.parse(Buffer.from(payload, "base64url").toString("utf8")) as TestPrincipal;
      } catch {
        return { status: 401, reason: "the test principal is not JSON" };
      }
      if (typeof principal.name !== "string" || principal.name === "") {
        return { status: 401, reason: "the test principal has no name" };
      }
      return { status: 200, principal: clientPrincipalHeader(principal) };
    },
    authPage(url) {
      // Only same-site paths: a sign-in link must not become an open redirect.
      const wanted = url.searchParams.get("post_login_redirect_uri") ?? "/api/console/";
      const target = wanted.startsWith("/") && !wanted.startsWith("//") && !wanted.includes("\\") ? wanted : "/";
      const page = (status: number, headers: Record<string, string>, detail = "") => ({
        status,
        headers: { ...headers, "Cache-Control": "no-store" },
        body: detail === "" ? "" : JSON.stringify({ title: "Unauthorized", status, detail }),
      });
      if (url.pathname === "/.auth/logout") {
        return page(302, {
          Location: target,
          "Set-Cookie": `${sessionCookie}=; Path=/; HttpOnly; SameSite=Lax; Max-Age=0`,
        });
      }
      if (url.pathname !== "/.auth/login/local") return null;
      const token = url.searchParams.get("token") ?? "";
      const verdict = this.authenticate({ authorization: `Bearer ${token}` });
      if (verdict.status !== 200 || verdict.principal === null) {
        return page(
          401,
          { "Content-Type": "application/problem+json" },
          verdict.status === 401 ? verdict.reason : "no token",
        );
      }
      return page(302, { Location: target, "Set-Cookie": `${sessionCookie}=${token}; Path=/; HttpOnly; SameSite=Lax` });
    },
  };
}
