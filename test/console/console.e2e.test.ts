/**
 * The web console in a real browser against the real local stack (simulator + local Functions host running dist/):
 * plan a valid and an invalid request, start a run and watch it reach Succeeded, list it. Fails on any browser console
 * error. Screenshots land in test-output/console/.
 */
import { readFileSync, rmSync } from "node:fs";
import { join } from "node:path";
import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import { createEasyAuthFront } from "../../local/easyAuthFront.js";
import { repoRoot, startTestStack, type TestStack } from "../e2e/harness.js";
import { launchBrowser, lowContrastText, outputDir, type Browser } from "./browser.js";

const examples = Object.fromEntries(
  ["pod-subnet", "node-subnet", "kubenet", "overlay"].map((mode) => [
    mode,
    JSON.parse(readFileSync(join(repoRoot, "docs/examples", `${mode}.json`), "utf8")),
  ]),
);

let stack: TestStack;
let browser: Browser;
const front = createEasyAuthFront();
// URLs of page requests that carried an API key after sign-in: there must be none.
const keyed: string[] = [];
const shots = outputDir();
rmSync(join(shots, "failure.png"), { force: true });

beforeAll(async () => {
  [stack, browser] = await Promise.all([
    startTestStack({}, { EASY_AUTH_ENABLED: "true" }, { kind: "memory" }, { easyAuth: front }),
    launchBrowser(),
  ]);
});

afterEach(async (context) => {
  // A failing test leaves its last screen behind for whoever reads the log.
  if (context.task.result?.state === "fail") {
    await browser?.page.screenshot({ path: join(shots, "failure.png"), fullPage: true }).catch(() => undefined);
    console.error(`browser errors: ${JSON.stringify(browser?.errors)}`);
  }
});

afterAll(async () => {
  await browser?.close();
  await stack?.close();
});

describe("web console", () => {
  it("works on the sign-in session alone: plans, creates, follows a run to Succeeded and lists it", async () => {
    const { page } = browser;
    const consoleUrl = `${stack.host.baseUrl}/api/console/`;

    // Signed out and without a key the API refuses the runs list, and the page says what to do.
    await page.goto(`${consoleUrl}#/runs`);
    await page.waitForSelector("text=sign in through App Service authentication");
    await page.fill("#function-key", "not-the-key");
    const refusedBefore = browser.errors.length;
    // The hint is already on the page: wait for the refused call itself, or its console error lands after the reset.
    await Promise.all([
      page.waitForResponse(
        (response) => response.status() === 401 && response.request().headers()["x-api-key"] === "not-the-key",
      ),
      page.press("#function-key", "Enter"),
    ]);
    await page.waitForSelector("text=sign in through App Service authentication");
    // Chromium logs each refused call as a console error: expected here, and only here.
    await expect.poll(() => browser.errors.length).toBeGreaterThan(refusedBefore);
    expect(browser.errors.every((e) => e.includes("status of 401"))).toBe(true);

    // A person holds no key: clearing it and signing in (the front sets the session cookie, as App Service does) is
    // all the console needs from here on; no call below carries a key.
    await page.fill("#function-key", "");
    await page.press("#function-key", "Enter");
    page.on("request", (request) => {
      if (request.headers()["x-api-key"] !== undefined) keyed.push(request.url());
    });
    const token = front.sign({ name: "alice@contoso.example" });
    await page.goto(`${stack.host.baseUrl}/.auth/login/local?token=${token}&post_login_redirect_uri=/api/console/`);
    await page.waitForSelector("#plan-form");
    expect(await page.evaluate(() => (globalThis as any).sessionStorage.getItem("aks-provisioning.apiKey"))).toBeNull();
    // Every refusal so far was signed out (401); none is expected from here on.
    expect(browser.errors.every((e) => e.includes("status of 401"))).toBe(true);
    browser.errors.length = 0;

    // The form is generated from the API's schema: the mode select offers exactly the API's modes, and "not set"
    // (the API's default, overlay) because the mode is optional.
    const modes = await page.$$eval("#f-network-mode option", (options) => options.map((o) => (o as any).value));
    expect(modes).toEqual(["", "pod-subnet", "node-subnet", "kubenet", "overlay"]);

    // --- a valid plan (pod-subnet example): the address map places subnets in order and in proportion ---
    await page.selectOption("#example", "pod-subnet");
    await page.fill("#f-nodePool-count", "4");
    expect(JSON.parse(await page.inputValue("#request-json")).nodePool.count).toBe(4);
    await page.click("#plan-button");
    await page.waitForSelector("[data-testid=plan-verdict].ok-text");
    const geometry = await page.evaluate(() => {
      const box = (selector: string) => {
        const r = (globalThis as any).document.querySelector(selector).getBoundingClientRect();
        return { left: r.left, width: r.width, right: r.right };
      };
      return {
        vnet: box("[data-testid=vnet-bar]"),
        pod: box("[data-testid=segment-pod-subnet]"),
        node: box("[data-testid=segment-node-subnet]"),
        zoom: box("[data-testid=vnet-zoom-bar]"),
        zoomPod: box("[data-testid=zoom-segment-pod-subnet]"),
        zoomNode: box("[data-testid=zoom-segment-node-subnet]"),
      };
    });
    // VNet 10.240.0.0/12; pod subnet 10.242.0.0/16 is the 3rd sixteenth, node subnet 10.243.0.0/16 the 4th.
    const inner = geometry.vnet.width - 2; // 1px border each side
    const sixteenth = inner / 16;
    expect(geometry.pod.left).toBeLessThan(geometry.node.left);
    expect(Math.abs(geometry.pod.width - sixteenth)).toBeLessThan(1.5);
    expect(Math.abs(geometry.node.width - sixteenth)).toBeLessThan(1.5);
    expect(Math.abs(geometry.pod.left - (geometry.vnet.left + 1 + 2 * sixteenth))).toBeLessThan(1.5);
    expect(Math.abs(geometry.node.left - (geometry.vnet.left + 1 + 3 * sixteenth))).toBeLessThan(1.5);
    expect(Math.abs(geometry.pod.right - geometry.node.left)).toBeLessThan(1.5); // adjacent, no gap
    // The zoomed bar spans 10.242.0.0/15, the smallest block holding both: pod subnet left half, node subnet right.
    const half = (geometry.zoom.width - 2) / 2;
    expect(Math.abs(geometry.zoomPod.left - (geometry.zoom.left + 1))).toBeLessThan(1.5);
    expect(Math.abs(geometry.zoomPod.width - half)).toBeLessThan(1.5);
    expect(Math.abs(geometry.zoomNode.left - (geometry.zoom.left + 1 + half))).toBeLessThan(1.5);
    expect(Math.abs(geometry.zoomNode.width - half)).toBeLessThan(1.5);
    expect(await page.$$eval(".modes .chart-row", (rows) => rows.length)).toBe(4);
    expect(await page.textContent("[data-testid=row-service-cidr]")).toContain("DNS service IP 10.0.0.10");
    expect(await lowContrastText(page)).toEqual([]);
    await page.screenshot({ path: join(shots, "plan.png"), fullPage: true });
    await page.evaluate(() => (globalThis as any).scrollTo(0, 0));
    await page.screenshot({ path: join(shots, "plan-viewport.png") }); // the README's picture: one laptop screen

    // --- an invalid plan: the violation is listed and drawn on the node subnet ---
    await page.fill(
      "#request-json",
      JSON.stringify({
        subscriptionId: "11111111-2222-3333-4444-555555555555",
        resourceGroup: "rg-too-small",
        location: "eastus2",
        clusterName: "aks-too-small",
        network: {
          mode: "node-subnet",
          vnet: { name: "vnet-aks", addressPrefixes: ["10.10.0.0/16"] },
          nodeSubnet: { name: "snet-nodes", addressPrefix: "10.10.0.0/26" },
          serviceCidr: "10.10.0.0/16",
        },
        nodePool: { count: 3, maxPods: 30 },
      }),
    );
    await page.dispatchEvent("#request-json", "change");
    expect(await page.inputValue("#f-network-nodeSubnet-addressPrefix")).toBe("10.10.0.0/26");
    await page.click("#plan-button");
    await page.waitForSelector("[data-testid=plan-verdict].violation-text");
    expect(await page.textContent(".violations")).toContain("subnet-too-small");
    expect(await page.getAttribute("[data-testid=segment-node-subnet]", "class")).toContain("violation");
    expect(await page.getAttribute("[data-testid=bar-node-subnet]", "class")).toContain("violation");
    // The service CIDR overlapping the VNet is marked on the service CIDR's bar, not on the subnet's.
    expect(await page.textContent(".violations")).toContain("network.serviceCidr");
    expect(await page.getAttribute("[data-testid=bar-service-cidr]", "class")).toContain("violation");
    expect(await lowContrastText(page)).toEqual([]);
    await page.screenshot({ path: join(shots, "plan-invalid.png"), fullPage: true });

    // --- every network mode plans and draws: pod CIDR only where pods take it, usage on every subnet ---
    for (const mode of ["node-subnet", "kubenet", "overlay", "pod-subnet"]) {
      await page.selectOption("#example", mode);
      await page.click("#plan-button");
      // The new answer is in when the map carries this mode (the previous one is still on screen until then).
      await page.waitForSelector(`.address-map h3 .badge:text-is("${mode}")`);
      expect(await page.getAttribute("[data-testid=plan-verdict]", "class")).toContain("ok-text");
      const drawn = await page.$$eval("[data-testid^=bar-], [data-testid^=segment-]", (bars) =>
        bars.map((bar) => bar.getAttribute("data-testid")),
      );
      expect(drawn).toContain("bar-node-subnet");
      expect(drawn.includes("bar-pod-cidr"), mode).toBe(mode === "kubenet" || mode === "overlay");
      expect(drawn.includes("segment-pod-subnet"), mode).toBe(mode === "pod-subnet");
      expect(await page.$$eval("[data-testid=bar-node-subnet] .part.now", (parts) => parts.length), mode).toBe(1);
    }

    // --- keyboard only: Tab from the top reaches the key field, the example picker and Plan; Enter plans ---
    await page.selectOption("#example", "node-subnet");
    await page.evaluate(() => (globalThis as any).document.activeElement?.blur());
    const visited: string[] = [];
    for (let i = 0; i < 80 && !visited.includes("plan-button"); i += 1) {
      await page.keyboard.press("Tab");
      visited.push(await page.evaluate(() => (globalThis as any).document.activeElement?.id ?? ""));
    }
    expect(visited).toContain("plan-button");
    expect(visited.indexOf("function-key")).toBeLessThan(visited.indexOf("example"));
    await page.keyboard.press("Enter");
    await page.waitForSelector(`.address-map h3 .badge:text-is("node-subnet")`);

    // --- every form control has a label; keyboard reaches the Plan button ---
    const unlabeled = await page.$$eval("input, select, textarea", (controls) =>
      controls.filter((c) => (c as any).labels?.length === 0 && !c.getAttribute("aria-label")).map((c) => c.id),
    );
    expect(unlabeled).toEqual([]);

    // --- start a run (overlay) and watch it reach Succeeded ---
    await page.selectOption("#example", "overlay");
    await page.click("#create-button");
    await page.waitForURL(/#\/runs\/[^/]+$/);
    await page.waitForSelector("[data-testid=timeline] li");
    const firstSeen = await page.getAttribute("main", "data-run-status");
    if (firstSeen !== "Succeeded") {
      // Still running: the page waits as Retry-After says (10 s from this API) and shows the countdown.
      expect(await page.textContent("#poll-line")).toMatch(/Next check in \d+ s/);
    }
    await page.waitForSelector("main[data-run-status=Succeeded]", { timeout: 60_000 });
    const steps = await page.$$eval("[data-testid=timeline] li", (items) =>
      items.map((li) => [li.getAttribute("data-step"), li.getAttribute("data-status")]),
    );
    expect(steps.length).toBeGreaterThanOrEqual(10);
    expect(steps.find(([name]) => name === "cluster")?.[1]).toBe("succeeded");
    expect(await page.textContent("[data-testid=ip-verdict]")).toContain("Passed");
    expect(await page.$$eval(".ip-table tbody.node-group", (groups) => groups.length)).toBeGreaterThanOrEqual(3);
    // Pod addresses sit on the pod CIDR's bar (overlay), node addresses on the node subnet's.
    expect(await page.$$eval("[data-testid=bar-pod-cidr] .tick.pod", (t) => t.length)).toBeGreaterThan(0);
    expect(await page.$$eval("[data-testid=bar-node-subnet] .tick.node", (t) => t.length)).toBe(3);
    expect(await lowContrastText(page)).toEqual([]);
    await page.screenshot({ path: join(shots, "run.png"), fullPage: true });
    await page.evaluate(() => (globalThis as any).scrollTo(0, 0));
    await page.screenshot({ path: join(shots, "run-viewport.png") });
    const runId = decodeURIComponent(page.url().split("/").pop() ?? "");

    // --- a run that fails: the error with its ARM code and step ---
    stack.sim.control.addFault({
      method: "PUT",
      path: "/managedClusters/aks-quota$",
      count: 1,
      status: 400,
      code: "ErrCode_InsufficientVCPUQuota",
      message: "Insufficient regional vcpu quota left for location eastus",
    });
    const failing = await stack.api("/api/clusters", {
      method: "POST",
      body: { ...examples.kubenet, resourceGroup: "rg-aks-quota", clusterName: "aks-quota" },
    });
    expect(failing.status).toBe(202);
    const failed = await stack.waitForFinal(failing.body.id);
    stack.sim.control.clearFaults();
    expect(failed.status).toBe("Failed");
    await page.goto(`${consoleUrl}#/runs/${failing.body.id}`);
    await page.waitForSelector("main[data-run-status=Failed]");
    expect(await page.textContent("[data-testid=error-code]")).toBe("ErrCode_InsufficientVCPUQuota");
    expect(await page.textContent("[role=alert]")).toContain("cluster");
    expect(await page.getAttribute("[data-step=cluster]", "data-status")).toBe("failed");
    expect(await lowContrastText(page)).toEqual([]);
    await page.screenshot({ path: join(shots, "run-failed.png"), fullPage: true });

    // --- the list shows both, pages through them, and filters by status ---
    await page.click("nav a[data-page=runs]");
    await page.waitForSelector(`[data-testid=runs-table] tr[data-id="${runId}"]`);
    await page.selectOption("#filter-top", "10");
    await page.waitForSelector(`[data-testid=runs-table] tr[data-id="${failing.body.id}"]`);
    expect(await page.$$eval("[data-testid=runs-table] tbody tr", (rows) => rows.length)).toBe(2);
    await page.screenshot({ path: join(shots, "list.png"), fullPage: true });
    await page.goto(`${consoleUrl}#/runs?top=1`);
    await page.waitForSelector(`[data-testid=runs-table] tr[data-id="${failing.body.id}"]`); // newest first
    await page.click("#next-page");
    await page.waitForSelector(`[data-testid=runs-table] tr[data-id="${runId}"]`);
    expect(await page.isDisabled("#next-page")).toBe(true);
    await page.click("#prev-page");
    await page.waitForSelector(`[data-testid=runs-table] tr[data-id="${failing.body.id}"]`);
    await page.selectOption("#filter-status", "Succeeded");
    await page.waitForSelector(`[data-testid=runs-table] tr[data-id="${runId}"]`);
    await page.selectOption("#filter-status", "Canceled");
    await page.waitForSelector("text=No runs.");

    expect(browser.errors).toEqual([]);
    expect(keyed).toEqual([]);
  }, 120_000);

  it("opens a portal's plan link (#/plan?request=…) with that request planned and its address map drawn", async () => {
    const { page } = browser;
    const consoleUrl = `${stack.host.baseUrl}/api/console/`;
    await page.goto(`${consoleUrl}#key=${encodeURIComponent(stack.host.functionKey)}`);
    await page.waitForSelector("#plan-form");
    // The address aks:plan (portals/backstage) outputs: the request as base64url JSON in the route's query.
    const request = { ...examples.overlay, clusterName: "aks-linked" };
    const encoded = Buffer.from(JSON.stringify(request)).toString("base64url");
    await page.goto(`${consoleUrl}#/plan?request=${encoded}`);
    await page.waitForSelector("[data-testid=plan-verdict]");
    expect(await page.textContent("[data-testid=plan-verdict]")).toContain("Valid plan");
    expect(JSON.parse(await page.inputValue("#request-json"))).toEqual(request);
    expect(browser.errors).toEqual([]);
  }, 60_000);
});
