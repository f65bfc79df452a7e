// @ts-check
/** List page: GET /api/clusters with the status filter and continuation-token paging. */
import { api, describeFailure } from "./api.js";
import { h, replace } from "./dom.js";

/**
 * @param {HTMLElement} main
 * @param {{ openapi: () => Promise<any> }} app
 * @param {URLSearchParams} query status, top
 */
export async function listPage(main, app, query) {
  const doc = await app.openapi();
  const parameters = doc?.paths?.["/clusters"]?.get?.parameters ?? [];
  const statusEnum = parameters.find((/** @type {any} */ p) => p?.name === "status")?.schema?.enum ?? [];
  const status = h(
    "select",
    { id: "filter-status" },
    h("option", { value: "" }, "any"),
    statusEnum.map((/** @type {string} */ value) => h("option", { value }, value)),
  );
  status.value = query.get("status") ?? "";
  // Page sizes offered, plus any other the API accepts (1-100) given in the URL, e.g. #/runs?top=5.
  const asked = Number.parseInt(query.get("top") ?? "", 10);
  const sizes = ["10", "20", "50", "100"];
  if (Number.isInteger(asked) && asked >= 1 && asked <= 100 && !sizes.includes(String(asked))) {
    sizes.push(String(asked));
    sizes.sort((a, b) => Number(a) - Number(b));
  }
  const top = h(
    "select",
    { id: "filter-top" },
    sizes.map((value) => h("option", { value }, value)),
  );
  top.value = sizes.includes(String(asked)) ? String(asked) : "20";
  const live = h("p", { class: "status-line", role: "status", "aria-live": "polite" });
  const table = h("div", { class: "list-results" });
  const prev = h("button", { type: "button", id: "prev-page", disabled: true }, "← Newer");
  const next = h("button", { type: "button", id: "next-page", disabled: true }, "Older →");
  /** tokens[i] is the token that fetched page i */
  const tokens = [""];
  let page = 0;

  const load = async () => {
    const params = new URLSearchParams({ top: top.value });
    if (status.value !== "") params.set("status", status.value);
    const token = tokens[page] ?? "";
    if (token !== "") params.set("continuationToken", token);
    live.textContent = "Loading…";
    const response = await api(`/clusters?${params.toString()}`);
    if (!response.ok) {
      live.textContent = describeFailure(response);
      return;
    }
    const items = Array.isArray(response.body?.items) ? response.body.items : [];
    const continuation = response.body?.continuationToken;
    tokens.length = page + 1;
    if (typeof continuation === "string" && continuation !== "") tokens.push(continuation);
    prev.disabled = page === 0;
    next.disabled = tokens.length <= page + 1;
    live.textContent = `Page ${page + 1}: ${items.length} run(s)${status.value ? ` with status ${status.value}` : ""}.`;
    replace(
      table,
      items.length === 0
        ? h("p", { class: "muted" }, "No runs.")
        : h(
            "table",
            { "data-testid": "runs-table" },
            h("caption", {}, "Provisioning runs, newest first"),
            h(
              "thead",
              {},
              h(
                "tr",
                {},
                ["Cluster", "Resource group", "Subscription", "Status", "Created", "Updated"].map((text) =>
                  h("th", { scope: "col" }, text),
                ),
              ),
            ),
            h(
              "tbody",
              {},
              items.map((/** @type {any} */ item) =>
                h(
                  "tr",
                  { "data-id": String(item.id) },
                  h(
                    "td",
                    {},
                    h(
                      "a",
                      { href: `#/runs/${encodeURIComponent(String(item.id))}` },
                      String(item.clusterName ?? item.id),
                    ),
                  ),
                  h("td", {}, String(item.resourceGroup ?? "—")),
                  h("td", { class: "mono" }, String(item.subscriptionId ?? "—")),
                  h(
                    "td",
                    {},
                    h("span", { class: `badge status-${String(item.status).toLowerCase()}` }, String(item.status)),
                  ),
                  h("td", {}, time(item.createdAt)),
                  h("td", {}, time(item.updatedAt)),
                ),
              ),
            ),
          ),
    );
  };
  const restart = () => {
    tokens.length = 1;
    page = 0;
    const params = new URLSearchParams({ top: top.value });
    if (status.value !== "") params.set("status", status.value);
    window.history.replaceState(null, "", `#/runs?${params.toString()}`);
    void load();
  };
  status.addEventListener("change", restart);
  top.addEventListener("change", restart);
  prev.addEventListener("click", () => {
    page = Math.max(0, page - 1);
    void load();
  });
  next.addEventListener("click", () => {
    page += 1;
    void load();
  });

  replace(
    main,
    h("h1", { class: "page-title", tabindex: -1 }, "Provisioning runs"),
    h(
      "form",
      { class: "filters", "aria-label": "Filters", onsubmit: (event) => event.preventDefault() },
      h("div", { class: "field inline" }, h("label", { for: "filter-status" }, "Status"), status),
      h("div", { class: "field inline" }, h("label", { for: "filter-top" }, "Per page"), top),
      h("button", { type: "button", id: "reload-list", onclick: () => void load() }, "Reload"),
    ),
    live,
    table,
    h("nav", { class: "pager", "aria-label": "Pages of runs" }, prev, next),
  );
  await load();
}

/** @param {unknown} value */
function time(value) {
  if (typeof value !== "string") return "—";
  const date = new Date(value);
  return Number.isNaN(date.getTime()) ? value : date.toLocaleString();
}
