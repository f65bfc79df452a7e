// @ts-check
/**
 * A form generated from the ClusterRequest JSON Schema that GET /api/openapi.json publishes (generated from the zod
 * schema the API validates with), so the form never drifts from the API. Handles the shapes that schema uses: objects,
 * nullable objects (anyOf with null), enums, strings, nullable strings, integers, booleans, string arrays, string maps
 * and arrays of objects (node pools: one fieldset per item, built from the item schema, with add and remove).
 */
import { h } from "./dom.js";

/**
 * @typedef {{ type?: string | string[], properties?: Record<string, Schema>, required?: string[], enum?: unknown[],
 *   anyOf?: Schema[], items?: Schema, additionalProperties?: boolean | Schema, minimum?: number, maximum?: number,
 *   minItems?: number, maxItems?: number, pattern?: string, description?: string, $ref?: string }} Schema
 * @typedef {{ path: string[],
 *   kind: "string" | "enum" | "integer" | "boolean" | "list" | "map" | "object" | "objects",
 *   nullable: boolean, element: HTMLElement, toggle?: HTMLInputElement, items?: ObjectList }} Field
 */

const maxSafe = Number.MAX_SAFE_INTEGER;

/** @param {string[]} path */
const idOf = (path) => `f-${path.join("-")}`;

/** "nodeSubnet" → "node subnet", "dnsServiceIp" → "DNS service IP", "ipv6AddressPrefix" → "IPv6 address prefix" */
export function labelOf(/** @type {string} */ name) {
  const words = { vnet: "VNet", ipv6: "IPv6", ipv4: "IPv4" };
  return name
    .replace(/([a-z0-9])([A-Z])/g, "$1 $2")
    .toLowerCase()
    .replace(/\b(ip|dns|cidr|vm|id|vnet|ipv6|ipv4)\b/g, (word) =>
      word in words ? words[/** @type {keyof typeof words} */ (word)] : word.toUpperCase(),
    );
}

/** "nodePools" → "node pool" (the legend of one item) */
const itemLabelOf = (/** @type {string} */ name) => labelOf(name).replace(/s$/, "");

/**
 * @param {Schema} schema
 * @returns {{ schema: Schema, nullable: boolean }}
 */
function unwrapNullable(schema) {
  if (Array.isArray(schema.anyOf)) {
    const others = schema.anyOf.filter((option) => option.type !== "null");
    if (others.length === 1 && others.length < schema.anyOf.length && others[0])
      return { schema: others[0], nullable: true };
  }
  if (Array.isArray(schema.type) && schema.type.includes("null")) {
    const type = schema.type.filter((t) => t !== "null");
    return { schema: { ...schema, type: type.length === 1 ? type[0] : type }, nullable: true };
  }
  return { schema, nullable: false };
}

export class SchemaForm {
  /**
   * @param {Schema} schema the ClusterRequest schema
   * @param {() => void} onInput called when the person edits a field
   * @param {string[]} prefix where this form's object sits in the request (an item of an array of objects)
   */
  constructor(schema, onInput, prefix = []) {
    /** @type {Field[]} */
    this.fields = [];
    this.prefix = prefix;
    this.onInput = onInput;
    this.root = h("div", { class: "schema-form" });
    this.build(schema, [], this.root, true);
    // An item's form sits inside its parent's root, whose listeners see the same events as they bubble.
    if (prefix.length === 0) {
      this.root.addEventListener("input", () => onInput());
      this.root.addEventListener("change", () => onInput());
    }
  }

  /**
   * Marks the fields the violations name (`aria-invalid` and the message beside the field), clearing earlier marks; a
   * violation of a whole object or list goes to its first field. Returns how many fields were marked.
   * @param {{ path?: string, message?: string }[]} violations
   */
  markInvalid(violations) {
    for (const old of this.root.querySelectorAll(".field-error")) old.remove();
    for (const control of this.root.querySelectorAll("[aria-invalid]")) {
      control.removeAttribute("aria-invalid");
      const described = (control.getAttribute("aria-describedby") ?? "")
        .split(" ")
        .filter((id) => id !== "" && !id.endsWith("-error"));
      if (described.length === 0) control.removeAttribute("aria-describedby");
      else control.setAttribute("aria-describedby", described.join(" "));
    }
    const controls = [...this.root.querySelectorAll(".field > [data-path]")];
    let marked = 0;
    for (const violation of violations) {
      const path = typeof violation.path === "string" ? violation.path : "";
      if (path === "") continue;
      const control =
        controls.find((c) => c.getAttribute("data-path") === path) ??
        controls.find((c) => (c.getAttribute("data-path") ?? "").startsWith(`${path}.`)) ??
        controls
          .filter((c) => path.startsWith(`${c.getAttribute("data-path")}.`))
          .sort((a, b) => (b.getAttribute("data-path") ?? "").length - (a.getAttribute("data-path") ?? "").length)[0];
      if (!control || !control.parentElement) continue;
      const errorId = `${control.id}-error`;
      let message = control.parentElement.querySelector(`#${CSS.escape(errorId)}`);
      if (!message) {
        message = h("p", { class: "field-error violation-text", id: errorId });
        control.parentElement.appendChild(message);
        const described = control.getAttribute("aria-describedby");
        control.setAttribute("aria-describedby", described ? `${described} ${errorId}` : errorId);
        marked += 1;
      }
      message.appendChild(h("span", {}, `⚠ ${typeof violation.message === "string" ? violation.message : "invalid"} `));
      control.setAttribute("aria-invalid", "true");
    }
    return marked;
  }

  /**
   * @param {Schema} raw
   * @param {string[]} path
   * @param {HTMLElement} parent
   * @param {boolean} required
   */
  build(raw, path, parent, required) {
    const { schema, nullable } = unwrapNullable(raw);
    const name = path[path.length - 1] ?? "";
    const full = [...this.prefix, ...path];
    const id = idOf(full);
    const hint = required ? " (required)" : "";
    if (schema.type === "object" && schema.properties) {
      if (path.length === 0) {
        for (const [key, child] of Object.entries(schema.properties)) {
          this.build(child, [key], parent, (schema.required ?? []).includes(key));
        }
        return;
      }
      const toggle = required
        ? undefined
        : h("input", { type: "checkbox", id: `${id}-on`, "data-path": full.join(".") });
      const body = h("div", { class: "fieldset-body" });
      const fieldset = h(
        "fieldset",
        { id },
        h("legend", {}, toggle ?? "", toggle ? h("label", { for: `${id}-on` }, labelOf(name)) : labelOf(name) + hint),
        body,
      );
      if (toggle) {
        toggle.setAttribute("aria-controls", `${id}-body`);
        body.id = `${id}-body`;
        toggle.addEventListener("change", () => this.syncToggle(toggle, body));
      }
      for (const [key, child] of Object.entries(schema.properties)) {
        this.build(child, [...path, key], body, (schema.required ?? []).includes(key));
      }
      parent.appendChild(fieldset);
      this.fields.push({ path, kind: "object", nullable, element: fieldset, toggle });
      if (toggle) this.syncToggle(toggle, body);
      return;
    }
    /** @type {Field["kind"]} */
    let kind = "string";
    /** @type {HTMLElement} */
    let control;
    let note = "";
    if (Array.isArray(schema.enum)) {
      kind = "enum";
      control = h(
        "select",
        { id, required },
        required ? null : h("option", { value: "" }, "(not set)"),
        schema.enum.map((value) => {
          const text = typeof value === "string" ? value : JSON.stringify(value);
          return h("option", { value: text }, text);
        }),
      );
    } else if (schema.type === "integer" || schema.type === "number") {
      kind = "integer";
      const min = typeof schema.minimum === "number" && schema.minimum > -maxSafe ? schema.minimum : undefined;
      const max = typeof schema.maximum === "number" && schema.maximum < maxSafe ? schema.maximum : undefined;
      control = h("input", { id, type: "number", inputMode: "numeric", step: 1, min, max, required });
      if (min !== undefined || max !== undefined) note = `${min ?? "…"}–${max ?? "…"}`;
    } else if (schema.type === "boolean") {
      kind = "boolean";
      control = h(
        "select",
        { id },
        h("option", { value: "" }, "(not set)"),
        h("option", { value: "true" }, "yes"),
        h("option", { value: "false" }, "no"),
      );
    } else if (schema.type === "array" && schema.items && unwrapNullable(schema.items).schema.type === "object") {
      const list = new ObjectList(unwrapNullable(schema.items).schema, full, name, this.onInput);
      const fieldset = h(
        "fieldset",
        { id, class: "object-list", "data-path": full.join(".") },
        h("legend", {}, labelOf(name) + hint),
        list.root,
      );
      parent.appendChild(fieldset);
      this.fields.push({ path, kind: "objects", nullable, element: fieldset, items: list });
      return;
    } else if (schema.type === "array") {
      kind = "list";
      control = h("textarea", { id, rows: 2, spellcheck: false, required });
      note = "one per line";
    } else if (schema.type === "object") {
      kind = "map";
      control = h("textarea", { id, rows: 2, spellcheck: false });
      note = "key=value, one per line";
    } else {
      control = h("input", { id, type: "text", spellcheck: false, autocomplete: "off", required });
      if (nullable) note = "empty: not set";
    }
    control.setAttribute("data-path", full.join("."));
    const noteId = `${id}-note`;
    if (note !== "") control.setAttribute("aria-describedby", noteId);
    parent.appendChild(
      h(
        "div",
        { class: "field" },
        h("label", { for: id }, labelOf(name), required ? h("span", { class: "req" }, " (required)") : null),
        control,
        note === "" ? null : h("span", { class: "note", id: noteId }, note),
      ),
    );
    this.fields.push({ path, kind, nullable, element: control });
  }

  /**
   * @param {HTMLInputElement} toggle
   * @param {HTMLElement} body
   */
  syncToggle(toggle, body) {
    body.hidden = !toggle.checked;
  }

  /**
   * Writes the form's values into a copy of base (fields the form does not know, such as new optional API fields, are
   * kept as they are).
   * @param {Record<string, unknown>} base
   */
  read(base) {
    const result = structuredClone(base);
    for (const field of this.fields) {
      if (field.kind === "object") {
        if (field.toggle && !field.toggle.checked) deleteAt(result, field.path);
        continue;
      }
      if (this.hiddenByToggle(field)) continue;
      if (field.kind === "objects") {
        const value = field.items?.read(getAt(result, field.path));
        if (value === undefined) deleteAt(result, field.path);
        else setAt(result, field.path, value);
        continue;
      }
      const control = /** @type {HTMLInputElement} */ (field.element);
      const text = control.value;
      /** @type {unknown} */
      let value;
      switch (field.kind) {
        case "integer":
          value = text.trim() === "" ? undefined : Number(text);
          break;
        case "boolean":
          value = text === "" ? undefined : text === "true";
          break;
        case "list": {
          const items = text
            .split("\n")
            .map((line) => line.trim())
            .filter((line) => line !== "");
          value = items.length === 0 ? undefined : items;
          break;
        }
        case "map": {
          const entries = text
            .split("\n")
            .map((line) => line.trim())
            .filter((line) => line !== "")
            .map((line) => {
              const at = line.indexOf("=");
              return at < 0 ? [line, ""] : [line.slice(0, at).trim(), line.slice(at + 1).trim()];
            });
          value = entries.length === 0 ? undefined : Object.fromEntries(entries);
          break;
        }
        default:
          value = text.trim() === "" ? undefined : text.trim();
      }
      if (value === undefined) deleteAt(result, field.path);
      else setAt(result, field.path, value);
    }
    return result;
  }

  /** @param {Field} field */
  hiddenByToggle(field) {
    return this.fields.some(
      (other) =>
        other.toggle !== undefined &&
        !other.toggle.checked &&
        other.path.length < field.path.length &&
        other.path.every((part, i) => field.path[i] === part),
    );
  }

  /**
   * Fills the form from a request object.
   * @param {unknown} value
   */
  fill(value) {
    for (const field of this.fields) {
      const current = getAt(value, field.path);
      if (field.kind === "object") {
        if (field.toggle) {
          field.toggle.checked = current !== undefined && current !== null;
          const body = field.element.querySelector(".fieldset-body");
          if (body instanceof HTMLElement) this.syncToggle(field.toggle, body);
        }
        continue;
      }
      if (field.kind === "objects") {
        field.items?.fill(current);
        continue;
      }
      const control = /** @type {HTMLInputElement} */ (field.element);
      if (current === undefined || current === null) control.value = "";
      else if (field.kind === "list" && Array.isArray(current)) control.value = current.join("\n");
      else if (field.kind === "map" && typeof current === "object")
        control.value = Object.entries(current)
          .map(([k, v]) => `${k}=${String(v)}`)
          .join("\n");
      else control.value = typeof current === "string" ? current : JSON.stringify(current);
    }
  }
}

/**
 * An array of objects as one fieldset per item, each a form of the item schema, with buttons to add and remove items.
 * Items keep the fields their form does not know, as the whole form does.
 */
class ObjectList {
  /**
   * @param {Schema} itemSchema
   * @param {string[]} path the array's path in the request
   * @param {string} name the array's property name
   * @param {() => void} onInput
   */
  constructor(itemSchema, path, name, onInput) {
    this.itemSchema = itemSchema;
    this.path = path;
    this.itemLabel = itemLabelOf(name);
    this.onInput = onInput;
    /** @type {{ form: SchemaForm, base: Record<string, unknown> }[]} */
    this.items = [];
    this.list = h("div", { class: "object-list-items" });
    this.add = h("button", { type: "button", class: "add-item" }, `Add a ${this.itemLabel}`);
    this.add.addEventListener("click", () => {
      this.resize(this.items.length + 1);
      this.onInput();
      const first = this.items.at(-1)?.form.root.querySelector("input, select, textarea");
      if (first instanceof HTMLElement) first.focus();
    });
    this.root = h("div", {}, this.list, this.add);
  }

  /** @param {number} count */
  resize(count) {
    while (this.items.length > count) this.items.pop();
    while (this.items.length < count) {
      const index = this.items.length;
      this.items.push({ form: new SchemaForm(this.itemSchema, this.onInput, [...this.path, String(index)]), base: {} });
    }
    this.list.replaceChildren(
      ...this.items.map(({ form }, index) => {
        const remove = h("button", { type: "button", class: "remove-item" }, `Remove ${this.itemLabel} ${index + 1}`);
        remove.addEventListener("click", () => {
          const kept = this.read(undefined) ?? [];
          kept.splice(index, 1);
          this.fill(kept);
          this.onInput();
        });
        return h(
          "fieldset",
          { class: "object-item", id: idOf([...this.path, String(index)]) },
          h("legend", {}, `${this.itemLabel} ${index + 1}`),
          form.root,
          remove,
        );
      }),
    );
  }

  /** @param {unknown} value */
  fill(value) {
    const items = Array.isArray(value) ? value : [];
    this.resize(items.length);
    items.forEach((item, index) => {
      const entry = this.items[index];
      if (!entry) return;
      entry.base = item !== null && typeof item === "object" ? structuredClone(item) : {};
      entry.form.fill(entry.base);
    });
  }

  /**
   * @param {unknown} current the array as the request has it now (its items' unknown fields are kept)
   * @returns {Record<string, unknown>[] | undefined}
   */
  read(current) {
    if (this.items.length === 0) return undefined;
    const bases = Array.isArray(current) ? current : [];
    return this.items.map(({ form, base }, index) => {
      const known = bases[index];
      return form.read(known !== null && typeof known === "object" ? known : base);
    });
  }
}

/**
 * @param {unknown} root
 * @param {string[]} path
 * @returns {unknown}
 */
export function getAt(root, path) {
  /** @type {any} */
  let value = root;
  for (const key of path) {
    if (value === null || typeof value !== "object") return undefined;
    value = value[key];
  }
  return value;
}

/**
 * @param {Record<string, any>} root
 * @param {string[]} path
 * @param {unknown} value
 */
function setAt(root, path, value) {
  let node = root;
  for (const key of path.slice(0, -1)) {
    if (node[key] === null || typeof node[key] !== "object") node[key] = {};
    node = node[key];
  }
  node[path[path.length - 1] ?? ""] = value;
}

/**
 * Deletes path, and objects left empty on the way up.
 * @param {Record<string, any>} root
 * @param {string[]} path
 */
function deleteAt(root, path) {
  const parents = [root];
  let node = root;
  for (const key of path.slice(0, -1)) {
    if (node[key] === null || typeof node[key] !== "object") return;
    node = node[key];
    parents.push(node);
  }
  delete node[path[path.length - 1] ?? ""];
  for (let i = path.length - 1; i > 0; i -= 1) {
    const parent = parents[i - 1];
    const key = path[i - 1] ?? "";
    const child = parents[i];
    if (parent && child && Object.keys(child).length === 0 && !Array.isArray(child)) delete parent[key];
    else break;
  }
}
