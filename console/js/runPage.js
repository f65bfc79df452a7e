// @ts-check
/**
 * Run page: GET /api/clusters/{id} polled as Retry-After asks, the steps as a live timeline, the error with its ARM
 * code, role checks, and the IP verification grouped by node with every address placed on the address map.
 */
import { mapModel, renderAddressMap } from "./addressMap.js";
import { api, describeFailure, retryAfterSeconds } from "./api.js";
import { h, replace } from "./dom.js";

const finalStatuses = new Set(["Succeeded", "Failed", "Canceled", "Deleted"]);
/** Step states, including `canceled` (a step under way when its run was canceled or failed elsewhere). */
const stepIcons = { pending: "○", running: "◔", succeeded: "✓", failed: "✗", skipped: "–", canceled: "⊘" };

/**
 * @param {HTMLElement} main
 * @param {string} id
 * @returns {() => void} stops polling
 */
export function runPage(main, id) {
  let stopped = false;
  /** @type {ReturnType<typeof setTimeout> | undefined} */
  let timer;
  /** @type {ReturnType<typeof setInterval> | undefined} */
  let countdown;
  const controller = new AbortController();
  const live = h("p", { class: "status-line", role: "status", "aria-live": "polite", id: "run-live" });
  const pollLine = h("span", { class: "muted", id: "poll-line" });
  const refresh = h("button", { type: "button", id: "refresh-button" }, "Refresh now");
  const body = h("div", { class: "run-body" });
  const title = h("h1", { class: "page-title", tabindex: -1 }, "Run ", h("code", {}, id));
  replace(main, title, h("div", { class: "run-toolbar" }, live, pollLine, refresh), body);
  let lastStatus = "";

  const stop = () => {
    stopped = true;
    controller.abort();
    clearTimeout(timer);
    clearInterval(countdown);
  };

  const poll = async () => {
    clearTimeout(timer);
    clearInterval(countdown);
    /** @type {import("./api.js").ApiResponse} */
    let response;
    try {
      response = await api(`/clusters/${encodeURIComponent(id)}`, { signal: controller.signal });
    } catch (error) {
      if (stopped) return;
      live.textContent = `Could not reach the API: ${error instanceof Error ? error.message : String(error)}`;
      schedule(10);
      return;
    }
    if (stopped) return;
    if (!response.ok) {
      live.textContent = describeFailure(response);
      pollLine.textContent = "";
      if (response.status >= 500 || response.status === 429) schedule(retryAfterSeconds(response.headers, 10));
      return;
    }
    const doc = response.body ?? {};
    renderRun(body, doc);
    if (doc.status !== lastStatus) {
      live.textContent = `Status: ${String(doc.status)}`;
      lastStatus = String(doc.status);
    }
    main.setAttribute("data-run-status", String(doc.status));
    // An interim IP table (omittedRows) is followed by the whole one once the run has sent its events.
    if (finalStatuses.has(doc.status) && doc.ipVerification?.omittedRows === undefined) {
      pollLine.textContent = "Final: no more polling.";
      return;
    }
    schedule(retryAfterSeconds(response.headers, 5));
  };

  /** @param {number} seconds */
  const schedule = (seconds) => {
    if (stopped) return;
    const due = Date.now() + seconds * 1000;
    const tick = () => {
      pollLine.textContent = `Next check in ${Math.max(0, Math.ceil((due - Date.now()) / 1000))} s (Retry-After).`;
    };
    tick();
    countdown = setInterval(tick, 1000);
    timer = setTimeout(() => void poll(), seconds * 1000);
  };

  refresh.addEventListener("click", () => void poll());
  void poll();
  return stop;
}

/**
 * @param {HTMLElement} body
 * @param {any} doc
 */
function renderRun(body, doc) {
  const request = doc.request ?? null;
  const steps = Array.isArray(doc.steps) ? doc.steps : [];
  const verification = doc.ipVerification ?? null;
  replace(
    body,
    h(
      "div",
      { class: "run-layout" },
      h(
        "div",
        { class: "run-progress" },
        h(
          "dl",
          { class: "summary" },
          h("dt", {}, "Status"),
          h(
            "dd",
            {},
            h(
              "span",
              { class: `badge status-${String(doc.status).toLowerCase()}`, "data-testid": "run-status" },
              String(doc.status),
            ),
          ),
          h("dt", {}, "Cluster"),
          h("dd", {}, request ? `${request.clusterName} in ${request.resourceGroup} (${request.location})` : "—"),
          h("dt", {}, "Network mode"),
          h("dd", {}, String(request?.network?.mode ?? "—")),
          h("dt", {}, "Created"),
          h("dd", {}, time(doc.createdAt)),
          h("dt", {}, "Updated"),
          h("dd", {}, time(doc.updatedAt)),
        ),
        doc.error ? errorBox(doc.error) : null,
        h(
          "section",
          { "aria-labelledby": "steps-title" },
          h("h2", { id: "steps-title" }, "Steps"),
          h("ol", { class: "timeline", "data-testid": "timeline" }, steps.map(stepItem)),
        ),
      ),
      h(
        "div",
        { class: "run-map" },
        request ? renderAddressMap(mapModel(request, null), { marks: marksOf(verification) }) : null,
      ),
    ),
    verification ? ipSection(verification, request) : null,
    roleChecks(doc.roleChecks),
    resources(doc.resources),
  );
}

/** @param {unknown} value */
function time(value) {
  if (typeof value !== "string") return "—";
  const date = new Date(value);
  return Number.isNaN(date.getTime()) ? value : date.toLocaleString();
}

/** @param {any} step */
function stepItem(step) {
  const status = String(step?.status ?? "pending");
  const started = Date.parse(step?.startedAt ?? "");
  const completed = Date.parse(step?.completedAt ?? "");
  const duration =
    !Number.isNaN(started) && !Number.isNaN(completed)
      ? ` · ${((completed - started) / 1000).toFixed(1)} s`
      : !Number.isNaN(started) && status === "running"
        ? ` · running for ${Math.max(0, Math.round((Date.now() - started) / 1000))} s`
        : "";
  const attempts = Number(step?.attempts) || 0;
  return h(
    "li",
    { class: `step ${status}`, "data-step": String(step?.name ?? ""), "data-status": status },
    h(
      "span",
      { class: "step-icon", "aria-hidden": "true" },
      /** @type {Record<string, string>} */ (stepIcons)[status] ?? "?",
    ),
    h(
      "div",
      { class: "step-body" },
      h("strong", {}, String(step?.name ?? "")),
      h("span", { class: "step-status" }, ` ${status}`),
      h("span", { class: "muted" }, duration, attemptsNote(String(step?.name ?? ""), attempts)),
      step?.detail ? h("p", { class: "step-detail" }, String(step.detail)) : null,
    ),
  );
}

/**
 * Repeated attempts of most steps are retries after a refusal; the IP verification's are reads of the cluster while
 * its pods start, and must not read as failures.
 * @param {string} name
 * @param {number} attempts
 */
function attemptsNote(name, attempts) {
  if (attempts < 1) return "";
  if (name === "ipVerification") return attempts === 1 ? " · 1 read" : ` · ${attempts} reads while pods started`;
  return attempts === 1 ? " · 1 attempt" : ` · ${attempts} attempts`;
}

/** @param {any} error */
function errorBox(error) {
  return h(
    "section",
    { class: "error-box", role: "alert", "aria-labelledby": "error-title" },
    h("h2", { id: "error-title" }, "Failed at step ", h("code", {}, String(error.step ?? "?"))),
    h("p", {}, "ARM code ", h("code", { "data-testid": "error-code" }, String(error.code ?? "?"))),
    h("p", { class: "error-message" }, String(error.message ?? "")),
  );
}

/** @param {unknown} checks */
function roleChecks(checks) {
  if (!Array.isArray(checks) || checks.length === 0) return null;
  return h(
    "section",
    { "aria-labelledby": "roles-title" },
    h("h2", { id: "roles-title" }, "Role checks"),
    h(
      "table",
      {},
      h(
        "thead",
        {},
        h(
          "tr",
          {},
          h("th", { scope: "col" }, "Role"),
          h("th", { scope: "col" }, "Scope"),
          h("th", { scope: "col" }, "Present"),
        ),
      ),
      h(
        "tbody",
        {},
        checks.map((check) =>
          h(
            "tr",
            {},
            h("td", {}, String(check?.role ?? "")),
            h("td", { class: "scope" }, shortScope(String(check?.scope ?? ""))),
            h("td", { class: check?.present ? "ok-text" : "violation-text" }, check?.present ? "✓ yes" : "✗ no"),
          ),
        ),
      ),
    ),
  );
}

/** @param {string} scope */
function shortScope(scope) {
  const parts = scope.split("/");
  return parts.length > 4 ? `…/${parts.slice(-4).join("/")}` : scope;
}

/**
 * Pods grouped under their node: by nodeName when the API reports it, else hostNetwork pods by the node's IP.
 * @param {any} verification
 */
export function groupByNode(verification) {
  const nodes = Array.isArray(verification?.nodes) ? verification.nodes : [];
  const pods = Array.isArray(verification?.pods) ? verification.pods : [];
  /** @type {Map<string, { node: any, pods: any[] }>} */
  const groups = new Map(nodes.map((/** @type {any} */ node) => [String(node.name), { node, pods: [] }]));
  /** @type {any[]} */
  const unplaced = [];
  for (const pod of pods) {
    const named = pod.nodeName ?? pod.node;
    const byName = typeof named === "string" ? groups.get(named) : undefined;
    const byIp = pod.hostNetwork ? nodes.find((/** @type {any} */ node) => node.ip && node.ip === pod.ip) : undefined;
    const group = byName ?? (byIp ? groups.get(String(byIp.name)) : undefined);
    if (group) group.pods.push(pod);
    else unplaced.push(pod);
  }
  return { groups: [...groups.values()], unplaced };
}

/**
 * @param {any} verification
 * @param {any} request
 */
function ipSection(verification, request) {
  const { groups, unplaced } = groupByNode(verification);
  const s = verification.summary ?? {};
  const header = h(
    "thead",
    {},
    h(
      "tr",
      {},
      ["Name", "IP", "Expected range", "Actual range", "OK"].map((text) => h("th", { scope: "col" }, text)),
    ),
  );
  /** @param {any} row @param {boolean} isNode */
  const line = (row, isNode) =>
    h(
      "tr",
      { class: `${isNode ? "node-row" : "pod-row"}${row.ok ? "" : " bad"}` },
      isNode
        ? h("th", { scope: "row" }, "Node ", String(row.name ?? ""))
        : h(
            "td",
            { class: "pod-name" },
            `${row.namespace ?? ""}/${row.name ?? ""}`,
            row.hostNetwork ? h("span", { class: "muted" }, " (hostNetwork)") : null,
          ),
      // A dual-stack row carries its IPv6 address and placement beside the IPv4 ones.
      h(
        "td",
        {},
        h("code", {}, String(row.ip ?? "—")),
        row.ipv6 === undefined ? null : h("br", {}),
        row.ipv6 === undefined ? null : h("code", {}, String(row.ipv6 ?? "—")),
      ),
      h("td", {}, String(row.expected ?? "")),
      h("td", {}, row.actualV6 === undefined ? String(row.actual ?? "") : `${row.actual ?? ""} / ${row.actualV6}`),
      h("td", { class: row.ok ? "ok-text" : "violation-text" }, row.ok ? "✓" : "✗ mismatch"),
    );
  return h(
    "section",
    { "aria-labelledby": "ip-title" },
    h("h2", { id: "ip-title" }, "IP verification"),
    h(
      "p",
      { class: verification.passed ? "ok-text" : "violation-text", "data-testid": "ip-verdict" },
      verification.passed ? "✓ Passed" : "✗ Failed",
      `: ${s.nodes ?? "?"} node(s), ${s.pods ?? "?"} pod(s) (${s.hostNetworkPods ?? 0} hostNetwork), ${s.mismatches ?? 0} mismatch(es), ${s.pendingPods ?? 0} pending`,
      request?.network?.mode ? ` · ${request.network.mode} mode` : "",
    ),
    h(
      "table",
      { class: "ip-table", "data-testid": "ip-table" },
      h("caption", {}, "Nodes, each with the pods placed on it"),
      header,
      groups.map((group) =>
        h(
          "tbody",
          { class: "node-group" },
          line(group.node, true),
          group.pods.map((pod) => line(pod, false)),
        ),
      ),
      unplaced.length > 0
        ? h(
            "tbody",
            { class: "node-group" },
            h(
              "tr",
              { class: "node-row" },
              h("th", { scope: "rowgroup", colSpan: 5 }, "Pods whose node is not reported"),
            ),
            unplaced.map((pod) => line(pod, false)),
          )
        : null,
    ),
  );
}

/**
 * @param {any} verification
 * @returns {import("./addressMap.js").Mark[]}
 */
function marksOf(verification) {
  if (!verification) return [];
  const nodes = Array.isArray(verification.nodes) ? verification.nodes : [];
  const pods = Array.isArray(verification.pods) ? verification.pods : [];
  return [
    ...nodes.map((/** @type {any} */ n) => ({
      label: `node ${n.name}`,
      ip: String(n.ip ?? ""),
      ok: n.ok !== false,
      kind: /** @type {const} */ ("node"),
    })),
    ...pods.map((/** @type {any} */ p) => ({
      label: `pod ${p.namespace}/${p.name}${p.hostNetwork ? " (hostNetwork)" : ""}`,
      ip: String(p.ip ?? ""),
      ok: p.ok !== false,
      kind: /** @type {"pod" | "host-pod"} */ (p.hostNetwork ? "host-pod" : "pod"),
    })),
  ];
}

/** @param {unknown} resources */
function resources(resources) {
  if (!resources || typeof resources !== "object" || Object.keys(resources).length === 0) return null;
  return h(
    "details",
    { class: "resources" },
    h("summary", {}, "Created resources"),
    h(
      "dl",
      {},
      Object.entries(resources).flatMap(([key, value]) => [
        h("dt", {}, key),
        h("dd", {}, h("code", {}, String(value))),
      ]),
    ),
  );
}
