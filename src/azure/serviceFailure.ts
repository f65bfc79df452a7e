/**
 * What the product reports for a failed call to any service it talks to (ARM, Entra ID, a cluster's Kubernetes API):
 * the service's own error code, a message safe to show, and whether retrying can help. One classifier, so a throttled
 * Kubernetes API or a flaky token endpoint is retried exactly like a throttled ARM.
 */
import { isRestError } from "@azure/core-rest-pipeline";

export type ServiceName = "arm" | "entra" | "kubernetes" | "network" | "internal";

export interface ServiceFailure {
  service: ServiceName;
  code: string;
  message: string;
  statusCode: number | null;
  /** Throttling, 5xx, lost connections, timeouts and "another operation in progress" clear up by themselves. */
  transient: boolean;
}

const transientCodes = new Set([
  "AnotherOperationInProgress",
  "OperationNotAllowed",
  "Conflict",
  "RetryableError",
  "TooManyRequests",
  "SubscriptionRequestsThrottled",
  "Throttled",
  "ServerTimeout",
  "InternalServerError",
  "ServiceUnavailable",
  "GatewayTimeout",
  "temporarily_unavailable",
]);

// Socket-level failures: the request may or may not have reached the service; every activity is an idempotent ensure.
const networkCodes = new Set([
  "ECONNRESET",
  "ECONNREFUSED",
  "ECONNABORTED",
  "ETIMEDOUT",
  "EPIPE",
  "EAI_AGAIN",
  "ENOTFOUND",
  "EHOSTUNREACH",
  "ENETUNREACH",
  "UND_ERR_SOCKET",
  "UND_ERR_CONNECT_TIMEOUT",
  "UND_ERR_HEADERS_TIMEOUT",
  "REQUEST_SEND_ERROR",
]);

const transientStatus = (status: number | null) =>
  status === 408 || status === 429 || (status !== null && status >= 500 && status !== 501 && status !== 505);

// core-lro reports a failed long-running operation as a plain Error: "The long-running operation has failed. <code>. <message>".
const lroFailure = /^The long-running operation has failed\.\s*([A-Za-z0-9_.-]+)\.\s*([\s\S]*)$/;

interface WithFields {
  code?: unknown;
  statusCode?: unknown;
  body?: unknown;
  errorResponse?: { error?: unknown; errorDescription?: unknown };
  errors?: unknown;
  cause?: unknown;
  type?: unknown;
}

const fields = (error: unknown): WithFields => (typeof error === "object" && error !== null ? error : {});

export function toServiceFailure(error: unknown): ServiceFailure {
  if (isRestError(error)) return fromRestError(error.code, error.statusCode ?? null, error.message);
  if (!(error instanceof Error)) {
    return { service: "internal", code: "InternalError", message: "Unknown error", statusCode: null, transient: false };
  }
  const f = fields(error);
  if (error.name === "AggregateAuthenticationError" && Array.isArray(f.errors)) {
    // DefaultAzureCredential tried several sources; the run is only as healthy as the best of them.
    const inner = f.errors.map(toServiceFailure);
    return inner.find((x) => x.transient) ?? inner[0] ?? fromAuthentication(null, error.message, null);
  }
  if (error.name === "AuthenticationError" || error.name === "CredentialUnavailableError") {
    const status = typeof f.statusCode === "number" ? f.statusCode : null;
    return fromAuthentication(status, describeAuthentication(f, error.message), f.errorResponse?.error);
  }
  if (error.name === "AuthenticationRequiredError") return fromMsal(error.message);
  if (error.name === "ApiException" || (typeof f.code === "number" && "body" in f)) {
    return fromKubernetes(typeof f.code === "number" ? f.code : null, f.body);
  }
  const network = networkCodeOf(error);
  if (network !== null) {
    return {
      service: "network",
      code: network,
      message: redact(firstLine(error.message)),
      statusCode: null,
      transient: true,
    };
  }
  const match = lroFailure.exec(error.message);
  if (match?.[1] !== undefined) {
    const code = match[1];
    return {
      service: "arm",
      code,
      message: redact(match[2]?.trim() || error.message),
      statusCode: null,
      transient: transientCodes.has(code),
    };
  }
  if (typeof f.code === "string" && /^[A-Za-z][A-Za-z0-9_]*$/.test(f.code)) {
    return {
      service: "internal",
      code: f.code,
      message: redact(firstLine(error.message)),
      statusCode: null,
      transient: transientCodes.has(f.code),
    };
  }
  return {
    service: "internal",
    code: "InternalError",
    message: redact(firstLine(error.message)),
    statusCode: null,
    transient: false,
  };
}

function fromRestError(code: string | undefined, statusCode: number | null, message: string): ServiceFailure {
  if (code !== undefined && networkCodes.has(code)) {
    return { service: "network", code, message: redact(firstLine(message)), statusCode, transient: true };
  }
  const resolved = code ?? (statusCode === null ? "RequestFailed" : `Http${statusCode}`);
  return {
    service: "arm",
    code: resolved,
    message: redact(message),
    statusCode,
    transient: transientStatus(statusCode) || transientCodes.has(resolved),
  };
}

function fromAuthentication(status: number | null, message: string, oauthError: unknown): ServiceFailure {
  const code = typeof oauthError === "string" && oauthError !== "unknown" ? oauthError : "AuthenticationFailed";
  // A token endpoint that answers 5xx/429, or not at all, is down for a moment; a 400/401 with an OAuth error is a
  // wrong secret or tenant, which no retry fixes.
  const transient =
    transientStatus(status) || transientCodes.has(code) || (status === null && code === "AuthenticationFailed");
  return { service: "entra", code, message: redact(message), statusCode: status, transient };
}

// The OAuth errors Entra answers for a wrong secret, tenant, client or scope: no retry fixes them.
const permanentOAuthErrors = new Set([
  "invalid_client",
  "invalid_grant",
  "unauthorized_client",
  "invalid_request",
  "invalid_scope",
  "invalid_resource",
  "unsupported_grant_type",
  "access_denied",
]);

/**
 * @azure/identity wraps MSAL's failures as AuthenticationRequiredError with MSAL's text:
 * "<oauth error>: Error(s): <AADSTS codes> - Timestamp: … - Description: <text> - Correlation ID: …". A token endpoint
 * that answered 429/5xx has no OAuth error there (MSAL prints "[object Object]"): that is an outage, and transient.
 */
function fromMsal(message: string): ServiceFailure {
  const oauthError = /^([a-z_]+): Error\(s\)/.exec(message)?.[1] ?? null;
  const description = /Description: (.*?) - Correlation ID/.exec(message)?.[1];
  if (oauthError !== null && permanentOAuthErrors.has(oauthError)) {
    return {
      service: "entra",
      code: oauthError,
      message: redact(description ?? oauthError),
      statusCode: null,
      transient: false,
    };
  }
  return {
    service: "entra",
    code: oauthError ?? "TokenEndpointUnavailable",
    message: "the Entra ID token endpoint did not issue a token (throttled or unavailable)",
    statusCode: null,
    transient: true,
  };
}

function describeAuthentication(f: WithFields, fallback: string): string {
  const description = f.errorResponse?.errorDescription;
  const text = typeof description === "string" && description.length > 0 ? description : fallback;
  // MSAL stringifies nested objects as "[object Object]"; that tells a reader nothing.
  return firstLine(text.replace(/\[object Object\]:?\s*/g, "")).trim() || "the token request failed";
}

function fromKubernetes(status: number | null, body: unknown): ServiceFailure {
  // The Kubernetes Status object carries a reason (NotFound, Conflict, TooManyRequests…) and a message; the exception's
  // own text repeats the response headers, which are noise at best.
  const parsed = parseJson(body);
  const reason = typeof parsed?.reason === "string" && parsed.reason.length > 0 ? parsed.reason : null;
  const message =
    typeof parsed?.message === "string" ? parsed.message : `HTTP ${status ?? "error"} from the Kubernetes API`;
  return {
    service: "kubernetes",
    code: reason ?? (status === null ? "KubernetesError" : `Http${status}`),
    message: redact(firstLine(message)),
    statusCode: status,
    transient: transientStatus(status),
  };
}

function parseJson(body: unknown): Record<string, unknown> | null {
  if (typeof body === "object" && body !== null) return body as Record<string, unknown>;
  if (typeof body !== "string") return null;
  try {
    const value: unknown = JSON.parse(body);
    return typeof value === "object" && value !== null ? (value as Record<string, unknown>) : null;
  } catch {
    return null;
  }
}

/** node-fetch, undici and Node sockets each put the system error code somewhere else. */
function networkCodeOf(error: Error): string | null {
  for (let current: unknown = error, depth = 0; current !== undefined && current !== null && depth < 4; depth += 1) {
    const f = fields(current);
    if (typeof f.code === "string" && networkCodes.has(f.code)) return f.code;
    if (f.type === "request-timeout" || f.type === "body-timeout") return "ETIMEDOUT";
    current = f.cause;
  }
  if (error.name === "AbortError" || error.name === "TimeoutError") return "ETIMEDOUT";
  if (error.name === "FetchError" || (error instanceof TypeError && error.message === "fetch failed")) {
    return "REQUEST_SEND_ERROR";
  }
  return null;
}

function firstLine(text: string): string {
  return text.split("\n")[0] ?? text;
}

export function isNotFound(error: unknown): boolean {
  return isRestError(error) && error.statusCode === 404;
}

/**
 * Error text can quote request URLs, headers and stack frames; keep bearer tokens, signed query strings, secrets and
 * server file paths out of everything users see.
 */
export function redact(text: string): string {
  return text
    .split("\n")
    .filter((line) => !/^\s+at\s/.test(line))
    .join("\n")
    .replace(/Bearer\s+[A-Za-z0-9._~+/=-]+/gi, "Bearer [redacted]")
    .replace(/([?&](?:sig|se|sv|t|c|s|h|code)=)[^&\s"']+/gi, "$1[redacted]")
    .replace(/(client[-_]?secret["'=:\s]+)[^\s"',]+/gi, "$1[redacted]")
    .replace(/(?:file:\/\/)?(?:\/[\w.@+-]+){2,}\.(?:[cm]?js|ts)(?::\d+){0,2}/g, "[path]")
    .trim()
    .slice(0, 2_000);
}
