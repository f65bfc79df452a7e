/**
 * The plan page's form as a newcomer meets it, in Debian's Chromium against the real local host and simulator: node
 * pools edited as objects, the invalid field itself marked, no sideways scrolling on a phone, Plan and Create in view
 * without scrolling, the usage bar drawing Azure's reserved addresses where Azure reserves them, and the example
 * picker naming what is loaded.
 */
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import { repoRoot, startTestStack, type TestStack } from "../e2e/harness.js";
import { launchBrowser, outputDir, type Browser } from "./browser.js";

const example = (name: string) =>
  JSON.parse(readFileSync(join(repoRoot, "docs/examples", `${name}.json`), "utf8")) as Record<string, any>;

let stack: TestStack;
let browser: Browser;
const shots = outputDir();

beforeAll(async () => {
  [stack, browser] = await Promise.all([startTestStack(), launchBrowser()]);
});

afterEach(async (context) => {
  if (context.task.result?.state === "fail") {
    await browser?.page.screenshot({ path: join(shots, "plan-form-failure.png"), fullPage: true }).catch(() => null);
    console.error(`browser errors: ${JSON.stringify(browser?.errors)}`);
  }
  expect(browser.errors).toEqual([]);
});

afterAll(async () => {
  await browser?.close();
  await stack?.close();
});

/** The plan page, fresh: no draft kept from an earlier test, the window at the given size. */
async function openPlan(width = 1366, height = 900) {
  const { page } = browser;
  await page.setViewportSize({ width, height });
  await page.goto(`${stack.host.baseUrl}/api/console/#key=${encodeURIComponent(stack.apiKey)}`);
  await page.evaluate(() => (globalThis as any).sessionStorage.removeItem("aks-provisioning.draft"));
  await page.reload();
  await page.waitForSelector("#plan-form");
  return page;
}

const requestJson = async () => JSON.parse(await browser.page.inputValue("#request-json")) as Record<string, any>;

async function plan(verdict: "ok-text" | "violation-text") {
  await browser.page.click("#plan-button");
  await browser.page.waitForSelector(`[data-testid=plan-verdict].${verdict}`);
}

describe("the plan page's form", () => {
  it("edits node pools as objects: each pool its own fields, pools added and removed, the request kept whole", async () => {
    const page = await openPlan();
    await page.selectOption("#example", "overlay-user-pools");
    const pools = example("overlay-user-pools").nodePools as Record<string, any>[];
    expect(await page.$$eval(".object-item > legend", (items) => items.map((i) => i.textContent))).toEqual([
      "node pool 1",
      "node pool 2",
      "node pool 3",
    ]);
    expect(await page.inputValue("#f-nodePools-1-name")).toBe("apps");
    expect(await page.inputValue("#f-nodePools-1-mode")).toBe("User");
    expect(await page.inputValue("#f-nodePools-2-nodeSubnet-addressPrefix")).toBe("10.80.8.0/22");
    expect(await page.textContent("#plan-form")).not.toContain("[object Object]");

    // An edit elsewhere leaves the pools as they were; an edit of a pool changes that pool only.
    await page.fill("#f-clusterName", "aks-pools-edited");
    expect((await requestJson()).nodePools).toEqual(pools);
    await page.fill("#f-nodePools-1-count", "5");
    const edited = await requestJson();
    expect(edited.nodePools).toEqual([pools[0], { ...pools[1], count: 5 }, pools[2]]);

    await page.click("text=Add a node pool");
    expect(await page.$$eval(".object-item", (items) => items.length)).toBe(4);
    await page.fill("#f-nodePools-3-name", "extra");
    await page.selectOption("#f-nodePools-3-mode", "User");
    expect((await requestJson()).nodePools[3]).toEqual({ name: "extra", mode: "User" });
    await page.click("text=Remove node pool 4");
    expect((await requestJson()).nodePools).toEqual(edited.nodePools);

    await plan("ok-text");
    expect(await page.textContent("#plan-results")).toContain("✓ Valid plan");
  });

  it("marks the invalid field itself, with the message beside it, and clears the mark once it is fixed", async () => {
    const page = await openPlan();
    await page.selectOption("#example", "overlay-user-pools");
    await page.fill("#f-network-nodeSubnet-addressPrefix", "10.80.0.0/33");
    await page.fill("#f-nodePools-1-name", "Apps_1");
    await plan("violation-text");

    const field = async (id: string) =>
      page.$eval(id, (control) => {
        const described = (control.getAttribute("aria-describedby") ?? "").split(" ");
        const errors = described
          .map((ref: string) => (globalThis as any).document.getElementById(ref))
          .filter((e: any) => e?.classList.contains("field-error"));
        return {
          invalid: control.getAttribute("aria-invalid"),
          message: errors.map((e: any) => e.textContent).join(" "),
          besideIt: errors.every((e: any) => e.parentElement === control.parentElement),
        };
      });
    const prefix = await field("#f-network-nodeSubnet-addressPrefix");
    expect(prefix).toMatchObject({ invalid: "true", besideIt: true });
    expect(prefix.message).toContain("is not an IPv4 CIDR");
    const poolName = await field("#f-nodePools-1-name");
    expect(poolName.invalid).toBe("true");
    expect(poolName.message).toContain("node pool name");
    expect(await field("#f-clusterName")).toMatchObject({ invalid: null, message: "" });
    // A value that is not a CIDR at all is not "outside the VNet": its own violation says what is wrong.
    expect(await page.textContent("#plan-results")).not.toContain("outside the VNet's prefixes");
    await page.screenshot({ path: join(shots, "plan-invalid-field.png") });

    await page.fill("#f-network-nodeSubnet-addressPrefix", "10.80.0.0/24");
    await page.fill("#f-nodePools-1-name", "apps");
    await plan("ok-text");
    expect(await page.$$eval("[aria-invalid]", (marked) => marked.length)).toBe(0);
    expect(await page.$$eval(".field-error", (messages) => messages.length)).toBe(0);
  });

  it("fits a 390 px phone without sideways scrolling, before and after a plan", async () => {
    const page = await openPlan(390, 844);
    const overflow = () =>
      page.evaluate(() => {
        const root = (globalThis as any).document.documentElement;
        return root.scrollWidth - root.clientWidth;
      });
    expect(await overflow()).toBe(0);
    await page.selectOption("#example", "overlay-user-pools");
    expect(await overflow()).toBe(0);
    await plan("ok-text");
    expect(await overflow()).toBe(0);
    await page.screenshot({ path: join(shots, "plan-phone.png"), fullPage: true });
  });

  it("shows Plan and Create without scrolling past the form, on a laptop and on a phone", async () => {
    for (const [width, height] of [
      [1366, 768],
      [390, 844],
    ] as const) {
      const page = await openPlan(width, height);
      for (const button of ["#plan-button", "#create-button"]) {
        const box = await page.$eval(button, (element) => {
          const r = element.getBoundingClientRect();
          const hit = (globalThis as any).document.elementFromPoint(r.left + r.width / 2, r.top + r.height / 2);
          return { top: r.top, bottom: r.bottom, onTop: hit === element || element.contains(hit) };
        });
        expect(box.top, `${button} at ${width}×${height}`).toBeGreaterThanOrEqual(0);
        expect(box.bottom, `${button} at ${width}×${height}`).toBeLessThanOrEqual(height);
        expect(box.onTop, `${button} at ${width}×${height} is covered`).toBe(true);
      }
      await plan("ok-text");
    }
  });

  it("draws Azure's reserved addresses where Azure reserves them: the first four and the last", async () => {
    const page = await openPlan();
    await page.selectOption("#example", "overlay");
    // A /28 node subnet is drawn whole: 16 addresses, .0–.3 and .15 reserved, three nodes from .4.
    await page.fill("#f-network-nodeSubnet-addressPrefix", "10.20.0.0/28");
    await plan("ok-text");
    const parts = await page.$$eval("[data-testid=bar-node-subnet] .part", (elements) =>
      elements.map((e: any) => ({
        part: e.getAttribute("data-part"),
        left: Number.parseFloat(e.style.left),
        width: Number.parseFloat(e.style.width),
      })),
    );
    const sixteenth = 100 / 16;
    const at = (name: string) => parts.find((p) => p.part === name);
    expect(at("reserved")).toMatchObject({ left: 0 });
    expect(at("reserved")?.width).toBeCloseTo(4 * sixteenth, 3);
    expect(at("now")?.left).toBeCloseTo(4 * sixteenth, 3);
    expect(at("now")?.width).toBeCloseTo(3 * sixteenth, 3);
    expect(at("reserved-last")?.left).toBeCloseTo(15 * sixteenth, 3);
    expect(at("reserved-last")?.width).toBeCloseTo(sixteenth, 3);
    const free = at("free");
    expect((free?.left ?? 0) + (free?.width ?? 0)).toBeCloseTo(15 * sixteenth, 3);

    // The pod-subnet example's /16 node subnet is zoomed to its first 16 addresses: .0–.3 reserved, nodes from .4.
    await page.selectOption("#example", "pod-subnet");
    await plan("ok-text");
    const zoomed = await page.$$eval("[data-testid=bar-node-subnet] .part", (elements) =>
      elements.map((e: any) => [e.getAttribute("data-part"), Number.parseFloat(e.style.width)]),
    );
    expect(zoomed[0]).toEqual(["reserved", 25]);
    expect(zoomed.some(([part]) => part === "reserved-last")).toBe(false);
  });

  it("names the example that is loaded, and says when the request has become the person's own", async () => {
    const page = await openPlan();
    const picked = () => page.$eval("#example", (select: any) => select.selectedOptions[0].textContent);
    expect(await picked()).toBe("pod-subnet"); // what the page loads first
    await page.selectOption("#example", "kubenet");
    expect(await picked()).toBe("kubenet");
    await page.fill("#f-clusterName", "aks-mine");
    expect(await picked()).toBe("Your own request");
    await page.fill("#f-clusterName", example("kubenet").clusterName as string);
    expect(await picked()).toBe("kubenet");
    // The draft survives a reload, and the picker still names it.
    await page.reload();
    await page.waitForSelector("#plan-form");
    expect(await picked()).toBe("kubenet");
  });
});
