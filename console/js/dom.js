// @ts-check
/** Tiny DOM helpers: elements are built with properties and text nodes only, never from HTML strings. */

/**
 * @typedef {string | number | Node | null | undefined | false} Child
 * @typedef {Record<string, string | number | boolean | null | undefined | ((event: Event) => void)>} Props
 */

/**
 * h("button", { class: "primary", onclick: go }, "Plan"). Keys starting with "on" are listeners, "class" is className,
 * "aria-*", "data-*", "for", "role" and anything unknown are attributes; false/null/undefined props are left out.
 * @template {keyof HTMLElementTagNameMap} K
 * @param {K} tag
 * @param {Props} [props]
 * @param {...(Child | Child[])} children
 * @returns {HTMLElementTagNameMap[K]}
 */
export function h(tag, props = {}, ...children) {
  const element = document.createElement(tag);
  for (const [key, value] of Object.entries(props)) {
    if (value === undefined || value === null || value === false) continue;
    if (typeof value === "function") {
      element.addEventListener(key.slice(2).toLowerCase(), value);
    } else if (key === "class") {
      element.className = String(value);
    } else if (key in element && !key.includes("-") && key !== "for" && key !== "list") {
      /** @type {any} */ (element)[key] = value;
    } else {
      element.setAttribute(key, value === true ? "" : String(value));
    }
  }
  append(element, children);
  return element;
}

/**
 * @param {Node} parent
 * @param {(Child | Child[])[]} children
 */
export function append(parent, children) {
  for (const child of children.flat()) {
    if (child === null || child === undefined || child === false) continue;
    parent.appendChild(typeof child === "object" ? child : document.createTextNode(String(child)));
  }
}

/**
 * Replaces every child of parent.
 * @param {Node} parent
 * @param {...(Child | Child[])} children
 */
export function replace(parent, ...children) {
  while (parent.firstChild) parent.removeChild(parent.firstChild);
  append(parent, children);
}

/** @param {number} n */
export function fmt(n) {
  return new Intl.NumberFormat("en-US").format(n);
}

/**
 * Sets a percentage-based box through the CSSOM (allowed by the CSP, unlike style attributes).
 * @param {HTMLElement} element
 * @param {number} leftFraction
 * @param {number} widthFraction
 */
export function place(element, leftFraction, widthFraction) {
  element.style.setProperty("left", `${(leftFraction * 100).toFixed(4)}%`);
  element.style.setProperty("width", `${(widthFraction * 100).toFixed(4)}%`);
}

/**
 * A mark at one point (its width comes from the stylesheet).
 * @param {HTMLElement} element
 * @param {number} leftFraction
 */
export function placeAt(element, leftFraction) {
  element.style.setProperty("left", `${(leftFraction * 100).toFixed(4)}%`);
}
