// @ts-check
/**
 * The address map: the VNet's prefixes as bars with each subnet placed in proportion, each subnet's own bar split
 * into reserved / consumed now / consumed at surge / free, and beside them the ranges that live outside the VNet
 * (service CIDR with the DNS IP, pod CIDR). Violations are drawn on the range their `path` concerns; observed node
 * and pod IPs (run page) are ticks on the range they fall in.
 */
import { containsIp, containsRange, formatIp, parseCidr, parseIp } from "./cidr.js";
import { fmt, h, place, placeAt } from "./dom.js";

/**
 * @typedef {import("./cidr.js").Range} Range
 * @typedef {{ path: string, code: string, message: string }} Violation
 * @typedef {{ size: number, reserved: number, usable: number, consumedNow: number, consumedAtSurge: number,
 *   free: number, headroomNodes?: number }} Usage
 * @typedef {{ key: string, label: string, name: string, cidr: string, range: Range | null, path: string,
 *   usage: Usage | null }} MapRange
 * @typedef {{ mode: string, vnetName: string, prefixes: MapRange[], subnets: MapRange[], podCidr: MapRange | null,
 *   serviceCidr: MapRange | null, dnsServiceIp: { ip: string, value: number | null, path: string } | null }} MapModel
 * @typedef {{ label: string, ip: string, ok: boolean, kind: "node" | "pod" | "host-pod" }} Mark
 */

/**
 * Builds the model from a request (as sent, or as the API normalised it) and, when the request is valid, the plan.
 * @param {any} request
 * @param {any} [plan]
 * @returns {MapModel}
 */
export function mapModel(request, plan = null) {
  const network = (request && typeof request === "object" && request.network) || {};
  const vnet = network.vnet || {};
  const planSubnets = Array.isArray(plan?.subnets) ? plan.subnets : [];
  const prefixes = (Array.isArray(vnet.addressPrefixes) ? vnet.addressPrefixes : []).map(
    (/** @type {unknown} */ cidr, /** @type {number} */ i) => ({
      key: `vnet-${i}`,
      label: "VNet prefix",
      name: String(vnet.name ?? ""),
      cidr: typeof cidr === "string" ? cidr : JSON.stringify(cidr),
      range: parseCidr(cidr),
      path: `network.vnet.addressPrefixes.${i}`,
      usage: null,
    }),
  );
  /** @type {MapRange[]} */
  const subnets = [];
  /** @type {Set<unknown>} */
  const used = new Set();
  for (const [role, key] of /** @type {const} */ ([
    ["node", "nodeSubnet"],
    ["pod", "podSubnet"],
  ])) {
    const subnet = network[key];
    if (!subnet || typeof subnet !== "object") continue;
    const planned = planSubnets.find((/** @type {any} */ s) => s && s.role === role && !used.has(s));
    if (planned) used.add(planned);
    subnets.push({
      key: `${role}-subnet`,
      label: `${role} subnet`,
      name: String(subnet.name ?? ""),
      cidr: String(subnet.addressPrefix ?? ""),
      range: parseCidr(subnet.addressPrefix),
      path: `network.${key}`,
      usage: planned && typeof planned.usable === "number" ? planned : null,
    });
  }
  // Subnets the plan has beyond the request's node and pod subnet (e.g. further node pools): drawn the same way.
  planSubnets.forEach((/** @type {any} */ planned, /** @type {number} */ i) => {
    if (!planned || used.has(planned) || typeof planned.cidr !== "string") return;
    subnets.push({
      key: `subnet-${i}`,
      label: `${String(planned.role ?? "other")} subnet`,
      name: String(planned.name ?? ""),
      cidr: planned.cidr,
      range: parseCidr(planned.cidr),
      path: typeof planned.path === "string" ? planned.path : `plan.subnets.${i}`,
      usage: typeof planned.usable === "number" ? planned : null,
    });
  });
  const podCidrText = plan?.podCidr?.cidr ?? network.podCidr;
  const serviceText = plan?.serviceCidr ?? network.serviceCidr;
  const dnsText = plan?.dnsServiceIp ?? network.dnsServiceIp;
  /** @param {string} key @param {string} label @param {unknown} cidr @param {string} path @returns {MapRange | null} */
  const single = (key, label, cidr, path) =>
    typeof cidr === "string" && cidr !== ""
      ? { key, label, name: "", cidr, range: parseCidr(cidr), path, usage: null }
      : null;
  return {
    mode: String(plan?.mode ?? network.mode ?? ""),
    vnetName: String(vnet.name ?? (typeof vnet.id === "string" ? vnet.id.split("/").pop() : "")),
    prefixes,
    subnets,
    podCidr: single("pod-cidr", "pod CIDR", podCidrText, "network.podCidr"),
    serviceCidr: single("service-cidr", "service CIDR", serviceText, "network.serviceCidr"),
    dnsServiceIp:
      typeof dnsText === "string" && dnsText !== ""
        ? { ip: dnsText, value: parseIp(dnsText), path: "network.dnsServiceIp" }
        : null,
  };
}

/**
 * Whether a violation concerns the range at rangePath ("network.nodeSubnet" concerns
 * "network.nodeSubnet.addressPrefix"; "network.vnet.addressPrefixes" concerns every prefix).
 * @param {string} violationPath
 * @param {string} rangePath
 */
export function concerns(violationPath, rangePath) {
  return (
    violationPath === rangePath ||
    violationPath.startsWith(`${rangePath}.`) ||
    rangePath.startsWith(`${violationPath}.`)
  );
}

/**
 * @param {MapModel} model
 * @param {{ violations?: Violation[], marks?: Mark[] }} [options]
 * @returns {HTMLElement}
 */
export function renderAddressMap(model, options = {}) {
  const violations = options.violations ?? [];
  const marks = options.marks ?? [];
  /** Violations drawn somewhere on the map; the rest are listed at its end. */
  const drawn = new Set();
  /** @param {string} path */
  const violationsFor = (path) => {
    const found = violations.filter((v) => typeof v.path === "string" && concerns(v.path, path));
    for (const v of found) drawn.add(v);
    return found;
  };

  const section = h("section", { class: "address-map", "aria-labelledby": "map-title" });
  section.appendChild(
    h("h3", { id: "map-title" }, "Address map", model.mode ? h("span", { class: "badge" }, model.mode) : null),
  );

  /**
   * Subnets inside [start, start + size) as proportional segments of bar; returns the keys placed.
   * @param {HTMLElement} bar @param {Range} outer @param {boolean} main
   */
  const drawSegments = (bar, outer, main) => {
    const keys = [];
    for (const subnet of model.subnets) {
      if (!subnet.range || !containsRange(outer, subnet.range)) continue;
      keys.push(subnet.key);
      const subnetViolations = violationsFor(subnet.path);
      const description =
        `${subnet.label} ${subnet.name} ${subnet.cidr}, ${fmt(subnet.range.size)} addresses` +
        (subnetViolations.length > 0 ? `, ${subnetViolations.length} violation(s)` : "");
      const segment = h(
        "div",
        {
          class: `segment ${subnet.key}${subnetViolations.length > 0 ? " violation" : ""}`,
          "data-testid": `${main ? "" : "zoom-"}segment-${subnet.key}`,
          "data-cidr": subnet.cidr,
          // One keyboard stop per subnet: the main bar's segment.
          tabindex: main ? 0 : undefined,
          role: "img",
          "aria-label": description,
          title: description,
        },
        h("span", { class: "segment-label" }, subnetViolations.length > 0 ? "⚠ " : "", subnet.name || subnet.label),
      );
      place(segment, (subnet.range.start - outer.start) / outer.size, subnet.range.size / outer.size);
      bar.appendChild(segment);
    }
    return keys;
  };

  // --- the VNet ---
  const vnetBlock = h("div", { class: "map-block" }, h("h4", {}, `VNet ${model.vnetName}`.trim()));
  const placed = new Set();
  for (const prefix of model.prefixes) {
    const row = h("div", { class: "map-row" });
    const prefixViolations = violationsFor(prefix.path);
    const bar = h("div", {
      class: `bar vnet-bar${prefixViolations.length > 0 ? " violation" : ""}`,
      "data-cidr": prefix.cidr,
      "data-testid": "vnet-bar",
    });
    row.appendChild(
      h(
        "div",
        { class: "row-label" },
        h("strong", {}, prefix.cidr),
        prefix.range ? ` · ${fmt(prefix.range.size)} addresses` : " · not an IPv4 CIDR",
      ),
    );
    row.appendChild(bar);
    if (prefix.range) {
      const outer = prefix.range;
      const keys = drawSegments(bar, outer, true);
      for (const key of keys) placed.add(key);
      row.appendChild(scaleLine(outer.start, outer.size));
      // Small subnets in a large VNet are slivers: zoom to the smallest block holding them all.
      const inside = model.subnets.flatMap((subnet) =>
        subnet.range && keys.includes(subnet.key) ? [subnet.range] : [],
      );
      if (inside.length > 0) {
        const zoom = enclosingBlock(
          Math.min(...inside.map((r) => r.start)),
          Math.max(...inside.map((r) => r.start + r.size - 1)),
          outer,
        );
        // One subnet alone would just fill the zoomed bar: only zoom when it shows how several sit together.
        if (zoom.size <= outer.size / 8 && inside.length > 1) {
          const label = `${formatIp(zoom.start)}/${32 - Math.log2(zoom.size)}`;
          const zoomBar = h("div", { class: "bar vnet-bar zoom", "data-testid": "vnet-zoom-bar", "data-cidr": label });
          drawSegments(zoomBar, { text: label, start: zoom.start, size: zoom.size, prefixLength: 0 }, false);
          row.appendChild(
            h("p", { class: "usage muted" }, `Zoomed to ${label}, the smallest block holding the subnets:`),
          );
          row.appendChild(zoomBar);
          row.appendChild(scaleLine(zoom.start, zoom.size));
        }
      }
    }
    for (const v of prefixViolations) row.appendChild(violationNote(v));
    vnetBlock.appendChild(row);
  }
  if (model.prefixes.length === 0) {
    vnetBlock.appendChild(
      h("p", { class: "muted" }, "The request names an existing VNet without its prefixes: subnets are shown alone."),
    );
  }
  section.appendChild(vnetBlock);

  // --- each subnet: usage, and observed IPs ---
  const subnetBlock = h("div", { class: "map-block" }, h("h4", {}, "Subnets"));
  for (const subnet of model.subnets) {
    subnetBlock.appendChild(
      rangeRow(subnet, violationsFor(subnet.path), marks, !placed.has(subnet.key) && model.prefixes.length > 0),
    );
  }
  section.appendChild(subnetBlock);

  // --- beside the VNet ---
  const beside = h("div", { class: "map-block" }, h("h4", {}, "Cluster ranges (outside the VNet)"));
  if (model.serviceCidr) {
    const row = rangeRow(model.serviceCidr, violationsFor(model.serviceCidr.path), [], false);
    const dns = model.dnsServiceIp;
    if (dns) {
      const dnsViolations = violationsFor(dns.path);
      const bar = row.querySelector(".bar");
      const range = model.serviceCidr.range;
      if (bar instanceof HTMLElement && range && dns.value !== null && containsIp(range, dns.value)) {
        const tick = h("span", {
          class: `tick dns${dnsViolations.length > 0 ? " violation" : ""}`,
          "data-testid": "dns-tick",
          title: `DNS service IP ${dns.ip}`,
        });
        placeAt(tick, (dns.value - range.start) / range.size);
        bar.appendChild(tick);
      }
      const label = row.querySelector(".row-label");
      label?.appendChild(
        h(
          "span",
          { class: `dns-label${dnsViolations.length > 0 ? " violation-text" : ""}` },
          ` · DNS service IP ${dns.ip}${dnsViolations.length > 0 ? " ⚠" : ""}`,
        ),
      );
      for (const v of dnsViolations) row.appendChild(violationNote(v));
    }
    beside.appendChild(row);
  }
  if (model.podCidr) beside.appendChild(rangeRow(model.podCidr, violationsFor(model.podCidr.path), marks, false));
  if (!model.serviceCidr && !model.podCidr) beside.appendChild(h("p", { class: "muted" }, "None given."));
  section.appendChild(beside);
  const elsewhere = violations.filter((v) => !drawn.has(v));
  if (elsewhere.length > 0) {
    section.appendChild(
      h(
        "div",
        { class: "map-block", "data-testid": "unplaced-violations" },
        h("h4", {}, "Violations not tied to a range drawn here"),
        elsewhere.map(violationNote),
      ),
    );
  }
  return section;
}

/** @param {Violation} v */
function violationNote(v) {
  return h("p", { class: "violation-text" }, h("strong", {}, `⚠ ${v.code}`), ` ${v.message}`);
}

/**
 * One range as its own bar: usage split when the plan has it, observed IPs as ticks.
 * @param {MapRange} item
 * @param {Violation[]} violations
 * @param {Mark[]} marks
 * @param {boolean} outsideVnet
 */
function rangeRow(item, violations, marks, outsideVnet) {
  const bad = violations.length > 0 || outsideVnet;
  const bar = h("div", {
    class: `bar range-bar ${item.key}${bad ? " violation" : ""}`,
    "data-testid": `bar-${item.key}`,
    "data-cidr": item.cidr,
  });
  const row = h(
    "div",
    { class: "map-row", "data-testid": `row-${item.key}` },
    h(
      "div",
      { class: "row-label" },
      h("strong", {}, item.label),
      item.name ? ` ${item.name}` : "",
      ` ${item.cidr}`,
      item.range ? ` · ${fmt(item.range.size)} addresses` : " · not an IPv4 CIDR",
      // A value that is not a CIDR at all is outside nothing: its own violation says what is wrong.
      outsideVnet && item.range ? h("span", { class: "violation-text" }, " · outside the VNet's prefixes") : null,
    ),
    bar,
  );
  const usage = item.usage;
  /** Addresses the main bar spans from the range's first address (less than the range when zoomed to usage). */
  let barSpan = item.range ? item.range.size : 0;
  if (usage && usage.size > 0) {
    // Addresses are handed out from the bottom of a subnet: when the plan uses a sliver of a large subnet, the bar
    // shows the first `scale` addresses (a power of two) so consumption stays visible, and says so.
    const used = usage.reserved + Math.max(usage.consumedNow, usage.consumedAtSurge);
    const scale = Math.min(usage.size, 2 ** Math.ceil(Math.log2(Math.max(16, used * 1.5))));
    // Azure reserves a subnet's first four addresses (network, gateway, two for DNS) and its last (broadcast); the
    // rest are handed out from .4 up. The last one is drawn where it is, when the bar reaches it.
    const first = Math.min(4, usage.reserved);
    const last = usage.reserved - first;
    const lastShown = scale === usage.size ? last : 0;
    const parts = [
      ["reserved", first, `${fmt(first)} reserved by Azure (the first four: network, gateway, DNS)`],
      ["now", usage.consumedNow, `${fmt(usage.consumedNow)} consumed now`],
      ["surge", Math.max(0, usage.consumedAtSurge - usage.consumedNow), "more at upgrade surge"],
      ["free", Math.max(0, usage.free), "free"],
    ];
    let at = 0;
    for (const [kind, count, text] of parts) {
      const n = Math.min(Number(count), scale - lastShown - at);
      if (n <= 0) continue;
      const part = h("span", {
        class: `part ${kind}`,
        title: kind === "surge" || kind === "free" ? `${fmt(Number(count))} ${text}` : String(text),
        "data-part": String(kind),
      });
      place(part, at / scale, n / scale);
      at += n;
      bar.appendChild(part);
    }
    if (lastShown > 0) {
      const part = h("span", {
        class: "part reserved",
        title: "the last address, reserved by Azure (broadcast)",
        "data-part": "reserved-last",
      });
      place(part, (scale - lastShown) / scale, lastShown / scale);
      bar.appendChild(part);
    }
    barSpan = scale;
    if (scale < usage.size) {
      bar.classList.add("zoomed");
      bar.setAttribute("data-scale", String(scale));
    }
    row.appendChild(
      h(
        "p",
        { class: "usage" },
        legend("now", `${fmt(usage.consumedNow)} consumed now`),
        legend(
          "surge",
          `${fmt(usage.consumedAtSurge)} at upgrade surge (+${fmt(Math.max(0, usage.consumedAtSurge - usage.consumedNow))})`,
        ),
        legend("free", `${fmt(usage.free)} free`),
        legend("reserved", `${fmt(usage.reserved)} reserved`),
        typeof usage.headroomNodes === "number" ? ` · room for ${fmt(usage.headroomNodes)} more nodes` : "",
        scale < usage.size
          ? h("span", { class: "muted" }, ` · bar shows the first ${fmt(scale)} of ${fmt(usage.size)} addresses`)
          : "",
      ),
    );
    if (item.range) row.appendChild(scaleLine(item.range.start, scale));
  }
  const range = item.range;
  if (range) {
    const inRange = marks.flatMap((mark) => {
      const value = parseIp(mark.ip);
      return value !== null && containsIp(range, value) ? [{ mark, value }] : [];
    });
    /** @param {HTMLElement} target @param {number} start @param {number} size */
    const tickInto = (target, start, size) => {
      for (const { mark, value } of inRange) {
        const tick = h("span", {
          class: `tick ${mark.kind}${mark.ok ? "" : " violation"}`,
          title: `${mark.label} ${mark.ip}`,
          "data-ip": mark.ip,
        });
        placeAt(tick, (value - start) / size);
        target.appendChild(tick);
      }
    };
    tickInto(bar, range.start, barSpan);
    if (!usage) row.appendChild(scaleLine(range.start, range.size));
    if (inRange.length > 0) {
      const values = inRange.map((m) => m.value);
      const zoom = enclosingBlock(Math.min(...values), Math.max(...values), range);
      row.appendChild(
        h(
          "p",
          { class: "usage muted" },
          `${inRange.length} observed address(es) marked on this range`,
          zoom.size < range.size ? `; zoomed to ${formatIp(zoom.start)}/${32 - Math.log2(zoom.size)} below` : "",
        ),
      );
      if (zoom.size < range.size) {
        const zoomBar = h("div", {
          class: `bar range-bar zoom ${item.key}`,
          "data-testid": `zoom-${item.key}`,
          role: "img",
          "aria-label": `${inRange.length} observed addresses in ${formatIp(zoom.start)}/${32 - Math.log2(zoom.size)}`,
        });
        tickInto(zoomBar, zoom.start, zoom.size);
        row.appendChild(zoomBar);
        row.appendChild(scaleLine(zoom.start, zoom.size));
      }
    }
  }
  for (const v of violations) row.appendChild(violationNote(v));
  return row;
}

/**
 * The smallest CIDR block inside range holding both addresses (at least a /28, so ticks have room).
 * @param {number} lo
 * @param {number} hi
 * @param {Range} range
 */
function enclosingBlock(lo, hi, range) {
  let size = 16;
  while (size < range.size && Math.floor(lo / size) !== Math.floor(hi / size)) size *= 2;
  size = Math.min(size, range.size);
  return { start: Math.floor(lo / size) * size, size };
}

/**
 * @param {number} start
 * @param {number} size
 */
function scaleLine(start, size) {
  return h(
    "div",
    { class: "scale", "aria-hidden": "true" },
    h("span", {}, formatIp(start)),
    h("span", {}, formatIp(start + size - 1)),
  );
}

/**
 * @param {string} kind
 * @param {string} text
 */
function legend(kind, text) {
  return h("span", { class: "legend" }, h("span", { class: `swatch ${kind}`, "aria-hidden": "true" }), text);
}

/**
 * The per-mode comparison (`modes` in the plan response) as a bar chart of VNet addresses consumed at surge.
 * @param {any[]} modes
 * @param {string} current
 */
export function renderModesChart(modes, current) {
  const rows = modes.filter((m) => m && typeof m.mode === "string");
  const max = Math.max(1, ...rows.map((m) => Number(m.vnetAddressesConsumedAtSurge) || 0));
  return h(
    "section",
    { class: "modes", "aria-labelledby": "modes-title" },
    h("h3", { id: "modes-title" }, "VNet addresses each network mode would consume at surge"),
    h(
      "ul",
      { class: "chart" },
      rows.map((m) => {
        const value = Number(m.vnetAddressesConsumedAtSurge) || 0;
        const bar = h("span", { class: `chart-bar${m.fitsInRequestedSubnets ? "" : " nofit"}` });
        place(bar, 0, value / max);
        return h(
          "li",
          { class: `chart-row${m.mode === current ? " current" : ""}`, "data-mode": m.mode },
          h("span", { class: "chart-label" }, m.mode, m.mode === current ? " (requested)" : ""),
          h("span", { class: "chart-track", "aria-hidden": "true" }, bar),
          h(
            "span",
            { class: "chart-value" },
            fmt(value),
            m.fitsInRequestedSubnets ? " · fits" : h("strong", { class: "violation-text" }, " · does not fit"),
          ),
          typeof m.notes === "string" ? h("span", { class: "chart-notes muted" }, m.notes) : null,
        );
      }),
    ),
  );
}
