// @ts-check
/** The console's shell: an optional API key, hash routing (#/plan, #/runs, #/runs/{id}) and one error path. */
import { adoptKeyFromFragment, api, describeFailure, getKey, setKey, ApiError } from "./api.js";
import { h, replace } from "./dom.js";
import { listPage } from "./listPage.js";
import { planPage } from "./planPage.js";
import { runPage } from "./runPage.js";

/** @type {Promise<any> | null} */
let openapiPromise = null;

/** The OpenAPI document (request schema, list filters), fetched once per key. */
function openapi() {
  openapiPromise ??= api("/openapi.json").then((response) => {
    if (!response.ok) {
      openapiPromise = null;
      throw new ApiError(describeFailure(response), response);
    }
    return response.body;
  });
  return openapiPromise;
}

/** @param {string} hash */
function navigate(hash) {
  if (window.location.hash === hash) void render();
  else window.location.hash = hash;
}

const app = { openapi, navigate };
/** @type {(() => void) | null} */
let dispose = null;
let firstRender = true;

async function render() {
  dispose?.();
  dispose = null;
  const main = /** @type {HTMLElement} */ (document.getElementById("main"));
  main.removeAttribute("data-run-status");
  const [path = "", search = ""] = window.location.hash.replace(/^#/, "").split("?");
  const parts = path.split("/").filter((part) => part !== "");
  const page = parts[0] ?? "plan";
  for (const link of document.querySelectorAll("nav a[data-page]")) {
    if (link.getAttribute("data-page") === page) link.setAttribute("aria-current", "page");
    else link.removeAttribute("aria-current");
  }
  try {
    if (page === "runs" && parts[1]) {
      document.title = "Run · AKS provisioning console";
      dispose = runPage(main, decodeURIComponent(parts[1]));
    } else if (page === "runs") {
      document.title = "Runs · AKS provisioning console";
      await listPage(main, app, new URLSearchParams(search));
    } else {
      document.title = "Plan · AKS provisioning console";
      await planPage(main, app, new URLSearchParams(search));
    }
  } catch (error) {
    replace(
      main,
      h("h1", { class: "page-title", tabindex: -1 }, "Cannot load this page"),
      h("p", { class: "violation-text", role: "alert" }, error instanceof Error ? error.message : String(error)),
    );
  }
  // Move focus to the new page's heading (not on first load, so the skip link stays first).
  const heading = main.querySelector(".page-title");
  if (!firstRender && heading instanceof HTMLElement) heading.focus();
  firstRender = false;
}

const keyInput = /** @type {HTMLInputElement} */ (document.getElementById("function-key"));
const keyState = /** @type {HTMLElement} */ (document.getElementById("key-state"));

function showKeyState() {
  keyInput.value = getKey();
  keyState.textContent = getKey() === "" ? "No key needed when you are signed in." : "Key set for this tab.";
}

function setUpKeyForm() {
  const form = /** @type {HTMLFormElement} */ (document.getElementById("key-form"));
  showKeyState();
  form.addEventListener("submit", (event) => {
    event.preventDefault();
    setKey(keyInput.value.trim());
    openapiPromise = null;
    showKeyState();
    void render();
  });
}

adoptKeyFromFragment();
setUpKeyForm();
window.addEventListener("hashchange", () => {
  // A #key=… link opened in a tab that already shows the console arrives as a hash change.
  if (adoptKeyFromFragment()) {
    openapiPromise = null;
    showKeyState();
  }
  void render();
});
void render();
