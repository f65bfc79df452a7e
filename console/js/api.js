// @ts-check
/**
 * Every API call: same origin with the Easy Auth session cookie (credentials "same-origin"), which is all a person
 * needs behind App Service authentication. A machine caller's API key, when one is typed in, rides in x-api-key.
 */

const storageKey = "aks-provisioning.apiKey";

/** The API's base path: the console is served at <base>/console/, the API at <base>/. */
export function apiBase() {
  return new URL("../", window.location.href).pathname.replace(/\/$/, "");
}

export function getKey() {
  return window.sessionStorage.getItem(storageKey) ?? "";
}

/** @param {string} key */
export function setKey(key) {
  if (key === "") window.sessionStorage.removeItem(storageKey);
  else window.sessionStorage.setItem(storageKey, key);
}

/**
 * `npm start` prints the console URL with #key=… in the fragment (never sent to a server, so never in a log). Take it,
 * keep it for this tab only, and drop it from the address bar and history.
 */
export function adoptKeyFromFragment() {
  const match = /(?:^#|&)key=([^&]*)/.exec(window.location.hash);
  if (match === null) return false;
  setKey(decodeURIComponent(match[1] ?? ""));
  window.history.replaceState(null, "", `${window.location.pathname}${window.location.search}#/plan`);
  return true;
}

/**
 * @typedef {{ status: number, ok: boolean, headers: Headers, body: any }} ApiResponse
 */

export class ApiError extends Error {
  /**
   * @param {string} message
   * @param {ApiResponse} response
   */
  constructor(message, response) {
    super(message);
    this.response = response;
  }
}

/**
 * @param {string} path API path such as "/plans"
 * @param {{ method?: string, body?: unknown, signal?: AbortSignal }} [init]
 * @returns {Promise<ApiResponse>}
 */
export async function api(path, init = {}) {
  /** @type {Record<string, string>} */
  const headers = { accept: "application/json" };
  const key = getKey();
  if (key !== "") headers["x-api-key"] = key;
  if (init.body !== undefined) headers["content-type"] = "application/json";
  const response = await fetch(`${apiBase()}${path}`, {
    method: init.method ?? (init.body === undefined ? "GET" : "POST"),
    headers,
    credentials: "same-origin",
    cache: "no-store",
    body: init.body === undefined ? undefined : typeof init.body === "string" ? init.body : JSON.stringify(init.body),
    signal: init.signal,
  });
  const text = await response.text();
  let body = null;
  try {
    body = text === "" ? null : JSON.parse(text);
  } catch {
    body = text;
  }
  return { status: response.status, ok: response.ok, headers: response.headers, body };
}

/**
 * A sentence for a failed call: the problem+json detail when there is one.
 * @param {ApiResponse} response
 */
export function describeFailure(response) {
  if (response.status === 401) {
    return "The API refused the call (401): sign in through App Service authentication, or paste an API key above.";
  }
  const body = response.body;
  if (body && typeof body === "object") {
    const detail = [body.title, body.detail].filter((part) => typeof part === "string").join(": ");
    if (detail !== "") return `${response.status} ${detail}`;
  }
  return `The API answered ${response.status}.`;
}

/**
 * Seconds to wait before polling again, from Retry-After (delta-seconds or an HTTP date).
 * @param {Headers} headers
 * @param {number} fallback
 */
export function retryAfterSeconds(headers, fallback) {
  const value = headers.get("retry-after");
  if (value === null || value.trim() === "") return fallback;
  const seconds = Number(value);
  if (Number.isFinite(seconds) && seconds >= 0) return seconds;
  const date = Date.parse(value);
  return Number.isNaN(date) ? fallback : Math.max(0, (date - Date.now()) / 1000);
}
