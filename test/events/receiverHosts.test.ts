/** NOTIFY_ALLOWED_HOSTS: which receivers a deployment lets callers name, parsed once and matched on the URL's host. */
import { describe, expect, it } from "vitest";
import { ConfigError, loadConfig } from "../../src/config.js";
import { urlProblem } from "../../src/events/notifyTarget.js";
import { isAllowedReceiver, parseReceiverHosts } from "../../src/events/receiverHosts.js";

const patterns = (text: string) => {
  const parsed = parseReceiverHosts(text);
  if (!parsed.ok) throw new Error(parsed.message);
  return parsed.patterns;
};

describe("the receiver allow-list", () => {
  it("matches exact hosts and names strictly under a *. suffix, whatever the case or trailing dot", () => {
    const list = patterns(" hooks.example.com , *.ci.contoso.example,10.1.2.3, [FD00:0::1]");
    for (const host of ["hooks.example.com", "HOOKS.example.com.", "a.ci.contoso.example", "x.y.ci.contoso.example"])
      expect(isAllowedReceiver(host, list), host).toBe(true);
    expect(isAllowedReceiver("10.1.2.3", list)).toBe(true);
    expect(isAllowedReceiver("[fd00::1]", list)).toBe(true);
    for (const host of [
      "ci.contoso.example",
      "evilci.contoso.example",
      "hooks.example.com.evil.example",
      "a.hooks.example.com",
      "10.1.2.4",
      "example.com",
    ])
      expect(isAllowedReceiver(host, list), host).toBe(false);
  });

  it("refuses entries that are not a host, an address or *.<domain with a dot>", () => {
    for (const bad of ["*", "*.com", "https://hooks.example.com", "hooks.example.com/x", "a_b.example", "*.*.x.y", ","])
      expect(parseReceiverHosts(bad).ok, bad).toBe(false);
  });

  it("is an app setting: a bad one stops the app at load, a good one reaches the API settings", () => {
    expect(() => loadConfig({ NOTIFY_ALLOWED_HOSTS: "*.com" })).toThrow(ConfigError);
    expect(() => loadConfig({ NOTIFY_ALLOWED_HOSTS: "*.com" })).toThrow(/NOTIFY_ALLOWED_HOSTS: '\*\.com'/);
    expect(loadConfig({ NOTIFY_ALLOWED_HOSTS: "*.example.com" }).api.notifyAllowedHosts).toEqual([
      { kind: "suffix", suffix: "example.com" },
    ]);
    expect(loadConfig({}).api.notifyAllowedHosts).toBeNull();
  });

  it("refuses a URL off the list without naming the hosts on it; the address rules still hold on the list", () => {
    const rules = { allowLoopback: false, allowedHosts: patterns("*.example.com,169.254.169.254") };
    expect(urlProblem("https://hooks.example.com/x", rules)).toBeNull();
    const refused = urlProblem("https://hooks.other.example/x", rules);
    expect(refused).toMatch(/NOTIFY_ALLOWED_HOSTS/);
    expect(refused).not.toMatch(/example\.com/);
    expect(urlProblem("http://hooks.example.com/x", rules)).toMatch(/https/);
    expect(urlProblem("https://169.254.169.254/x", rules)).toMatch(/link-local or metadata/);
    expect(urlProblem("https://hooks.other.example/x", { allowLoopback: false })).toBeNull();
  });
});
