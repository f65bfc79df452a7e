// @ts-check
/** Plan page: build or paste a request, POST /api/plans, draw the address map and the per-mode comparison. */
import { mapModel, renderAddressMap, renderModesChart } from "./addressMap.js";
import { api, describeFailure } from "./api.js";
import { fmt, h, replace } from "./dom.js";
import { examples } from "./examples.js";
import { SchemaForm } from "./schemaForm.js";

const draftKey = "aks-provisioning.draft";

/**
 * @param {HTMLElement} main
 * @param {{ openapi: () => Promise<any>, navigate: (hash: string) => void }} app
 * @param {URLSearchParams} [search] the route's query: `request` preloads a request (see linkedRequest)
 */
export async function planPage(main, app, search = new URLSearchParams()) {
  const doc = await app.openapi();
  const schema = resolveRequestSchema(doc);
  const status = h("p", { class: "status-line", role: "status", "aria-live": "polite" });
  const results = h("div", { class: "results", id: "plan-results", tabindex: -1 });
  const json = h("textarea", {
    id: "request-json",
    rows: 18,
    spellcheck: false,
    "aria-describedby": "request-json-note",
  });
  const form = new SchemaForm(schema, () => {
    /** @type {Record<string, unknown>} */
    let base = {};
    try {
      base = JSON.parse(json.value || "{}");
    } catch {
      base = {};
    }
    json.value = JSON.stringify(form.read(base), null, 2);
    saveDraft();
    namePicker();
  });
  const saveDraft = () => window.sessionStorage.setItem(draftKey, json.value);
  const fillFormFromJson = () => {
    try {
      const parsed = JSON.parse(json.value);
      form.fill(parsed);
      json.value = JSON.stringify(parsed, null, 2);
      json.removeAttribute("aria-invalid");
    } catch {
      json.setAttribute("aria-invalid", "true");
    }
    saveDraft();
    namePicker();
  };
  json.addEventListener("change", fillFormFromJson);

  const ownRequest = h("option", { value: "" }, "Your own request");
  const exampleSelect = h(
    "select",
    { id: "example" },
    ownRequest,
    Object.keys(examples).map((mode) => h("option", { value: mode }, mode)),
  );
  /** The picker names the example the request is, or says it is the person's own once it differs from them all. */
  const namePicker = () => {
    /** @type {string} */
    let text;
    try {
      text = JSON.stringify(JSON.parse(json.value));
    } catch {
      text = "";
    }
    const match = Object.entries(examples).find(([, example]) => JSON.stringify(example) === text);
    exampleSelect.value = match ? match[0] : "";
  };
  const loadExample = () => {
    const chosen = /** @type {Record<string, unknown>} */ (examples)[exampleSelect.value];
    if (!chosen) return;
    json.value = JSON.stringify(chosen, null, 2);
    fillFormFromJson();
  };
  exampleSelect.addEventListener("change", loadExample);

  /** @returns {unknown} */
  const body = () => {
    try {
      return JSON.parse(json.value);
    } catch (error) {
      status.textContent = `The request is not JSON: ${error instanceof Error ? error.message : String(error)}`;
      json.focus();
      return undefined;
    }
  };

  const planButton = h("button", { type: "submit", class: "primary", id: "plan-button" }, "Plan");
  const createButton = h("button", { type: "button", id: "create-button" }, "Create cluster");

  const plan = async () => {
    const request = body();
    if (request === undefined) return;
    status.textContent = "Planning…";
    const response = await api("/plans", { body: request });
    if (!response.ok) {
      status.textContent = describeFailure(response);
      replace(results);
      return;
    }
    showPlan(results, status, request, response.body);
    markFields(response.body?.violations);
  };
  /** @param {unknown} violations */
  const markFields = (violations) => {
    const list = Array.isArray(violations) ? violations : [];
    const marked = form.markInvalid(list);
    if (marked > 0) status.textContent += ` The form marks ${marked} field(s).`;
  };

  const create = async () => {
    const request = body();
    if (request === undefined) return;
    status.textContent = "Starting the run…";
    const response = await api("/clusters", { method: "POST", body: request });
    if (response.status === 202 || response.status === 200) {
      const id = response.body?.id;
      if (typeof id === "string") {
        app.navigate(`#/runs/${encodeURIComponent(id)}`);
        return;
      }
    }
    status.textContent = describeFailure(response);
    const errors = Array.isArray(response.body?.errors) ? response.body.errors : [];
    if (errors.length > 0) {
      showPlan(results, status, request, { valid: false, violations: errors, plan: null, modes: [] });
      status.textContent = `${describeFailure(response)} — nothing was created.`;
      markFields(errors);
    }
  };

  const requestForm = h(
    "form",
    {
      id: "plan-form",
      class: "request",
      // The API is the validator (and reports every rule at once); the browser's own checks would stop at the first.
      noValidate: true,
      "aria-labelledby": "request-title",
      onsubmit: (event) => {
        event.preventDefault();
        guard(plan);
      },
    },
    h("h2", { id: "request-title" }, "Request"),
    h("div", { class: "field" }, h("label", { for: "example" }, "Start from an example"), exampleSelect),
    h("details", { open: true }, h("summary", {}, "Form (generated from the API's schema)"), form.root),
    h(
      "div",
      { class: "field" },
      h("label", { for: "request-json" }, "Request JSON"),
      json,
      h(
        "span",
        { class: "note", id: "request-json-note" },
        "Paste a request here, or edit the form: both stay in step. Fields the form does not know are kept.",
      ),
    ),
    // Kept in view at the bottom of the window while the form scrolls by: Plan and Create need no scrolling to.
    h("div", { class: "actions" }, h("div", { class: "buttons" }, planButton, createButton), status),
  );
  /** Runs an action; a network failure becomes a sentence in the status line, not an uncaught error. */
  const guard = (/** @type {() => Promise<void>} */ action) => {
    action().catch((error) => {
      status.textContent = `Could not reach the API: ${error instanceof Error ? error.message : String(error)}`;
    });
  };
  createButton.addEventListener("click", () => guard(create));

  replace(
    main,
    h("h1", { class: "page-title", tabindex: -1 }, "Plan a cluster's addresses"),
    h("div", { class: "plan-layout" }, requestForm, results),
  );

  // A portal links here with its request (#/plan?request=<base64url JSON>): show it and its address map at once.
  const linked = linkedRequest(search);
  const draft = window.sessionStorage.getItem(draftKey);
  json.value = linked ?? draft ?? JSON.stringify(examples["pod-subnet"], null, 2);
  fillFormFromJson();
  if (linked !== null) guard(plan);
}

/**
 * The request a link carries, as JSON text; null when there is none or it does not decode.
 * @param {URLSearchParams} search
 */
export function linkedRequest(search) {
  const encoded = search.get("request");
  if (encoded === null) return null;
  try {
    const binary = atob(encoded.replace(/-/g, "+").replace(/_/g, "/"));
    const text = new TextDecoder().decode(Uint8Array.from(binary, (char) => char.charCodeAt(0)));
    return JSON.stringify(JSON.parse(text), null, 2);
  } catch {
    return null;
  }
}

/**
 * The request schema the API validates with, from the OpenAPI document (inline, by $ref, or as the first part of an
 * allOf: the plan's body is the request plus the top-level fields set aside before planning, such as notify).
 * @param {any} doc
 */
export function resolveRequestSchema(doc) {
  const schemas = doc?.components?.schemas ?? {};
  /** @type {any} */
  let schema =
    doc?.paths?.["/plans"]?.post?.requestBody?.content?.["application/json"]?.schema ?? schemas.ClusterRequest;
  if (schema && Array.isArray(schema.allOf)) schema = schema.allOf[0];
  if (schema && typeof schema.$ref === "string") {
    schema = schemas[schema.$ref.split("/").pop() ?? ""];
  }
  if (!schema || schema.type !== "object") throw new Error("The OpenAPI document has no ClusterRequest schema");
  return schema;
}

/**
 * @param {HTMLElement} results
 * @param {HTMLElement} status
 * @param {unknown} sent
 * @param {any} answer
 */
function showPlan(results, status, sent, answer) {
  const violations = Array.isArray(answer?.violations) ? answer.violations : [];
  const warnings = Array.isArray(answer?.warnings) ? answer.warnings : [];
  const plan = answer?.plan ?? null;
  const request = answer?.request ?? sent;
  const valid = answer?.valid === true;
  status.textContent = valid
    ? "Valid: the plan is below."
    : `${violations.length} violation(s): each is marked on the range it concerns.`;
  replace(
    results,
    h(
      "h2",
      { id: "results-title", class: valid ? "ok-text" : "violation-text", "data-testid": "plan-verdict" },
      valid ? "✓ Valid plan" : `✗ ${violations.length} violation(s)`,
    ),
    violations.length > 0
      ? h(
          "ul",
          { class: "violations", "aria-label": "Violations" },
          violations.map((/** @type {any} */ v) =>
            h(
              "li",
              { "data-path": String(v.path ?? "") },
              h("code", {}, String(v.code ?? "")),
              " ",
              h("span", { class: "path" }, String(v.path || "(request)")),
              ": ",
              String(v.message ?? ""),
            ),
          ),
        )
      : null,
    warnings.length > 0
      ? h(
          "ul",
          { class: "warnings", "aria-label": "Warnings" },
          warnings.map((/** @type {any} */ w) =>
            h("li", {}, typeof w === "string" ? w : String(w?.message ?? JSON.stringify(w))),
          ),
        )
      : null,
    plan ? summary(plan) : null,
    renderAddressMap(mapModel(request, plan), { violations }),
    Array.isArray(answer?.modes) && answer.modes.length > 0
      ? renderModesChart(answer.modes, String(plan?.mode ?? request?.network?.mode ?? ""))
      : null,
  );
  results.focus();
}

/** @param {any} plan */
function summary(plan) {
  const rows = [
    ["Network mode", plan.mode],
    ["Pod IPs from", plan.podIpSource],
    ["VNet addresses consumed now", fmt(Number(plan.vnetAddressesConsumedNow) || 0)],
    ["VNet addresses consumed at surge", fmt(Number(plan.vnetAddressesConsumedAtSurge) || 0)],
    ["Service CIDR", plan.serviceCidr],
    ["DNS service IP", plan.dnsServiceIp],
    ...(plan.podCidr
      ? [["Pod CIDR", `${plan.podCidr.cidr} (room for ${fmt(Number(plan.podCidr.maxNodes) || 0)} nodes)`]]
      : []),
    ...(Array.isArray(plan.deferredChecks) && plan.deferredChecks.length > 0
      ? [["Checks deferred", plan.deferredChecks.join(", ")]]
      : []),
  ];
  return h(
    "dl",
    { class: "summary" },
    rows.flatMap(([term, value]) => [h("dt", {}, String(term)), h("dd", {}, String(value ?? "—"))]),
  );
}
