import { describe, expect, it } from "vitest";
import { createEasyAuthFront } from "../../local/easyAuthFront.js";
import { callerFromPrincipal } from "../../src/identity/caller.js";

describe("the local Easy Auth front", () => {
  const front = createEasyAuthFront({ signingKey: "test-signing-key" });

  it("turns a signed test principal into the header App Service would send, which the app reads back", () => {
    const token = front.sign({
      name: "alice@contoso.example",
      objectId: "oid-a",
      roles: ["Aks.TeamA"],
      groups: ["G-1"],
    });
    const verdict = front.authenticate({ authorization: `Bearer ${token}` });
    expect(verdict.status).toBe(200);
    if (verdict.status !== 200 || verdict.principal === null) throw new Error("no principal");
    const caller = callerFromPrincipal(verdict.principal);
    expect(caller).toEqual({
      ok: true,
      caller: {
        kind: "user",
        name: "alice@contoso.example",
        objectId: "oid-a",
        roles: ["Aks.TeamA"],
        groups: ["g-1"],
        keyScope: null,
      },
    });
  });

  it("reads an app's client-credentials principal as an app, named by its client id", () => {
    const token = front.sign({ name: "pipeline", appId: "app-1", roles: ["Aks.TeamA"] });
    const verdict = front.authenticate({ authorization: `Bearer ${token}` });
    if (verdict.status !== 200 || verdict.principal === null) throw new Error("no principal");
    expect(callerFromPrincipal(verdict.principal)).toMatchObject({
      ok: true,
      caller: { kind: "app", name: "app:app-1", roles: ["Aks.TeamA"] },
    });
  });

  it("signs a browser in with a session cookie that then stands for the token, and signs it out", () => {
    const token = front.sign({ name: "alice@contoso.example" });
    const url = new URL(`http://h/.auth/login/local?token=${token}&post_login_redirect_uri=/api/console/`);
    const page = front.authPage(url);
    expect(page).toMatchObject({ status: 302, headers: { Location: "/api/console/" } });
    const cookie = (page?.headers["Set-Cookie"] ?? "").split(";")[0] ?? "";
    expect(front.authenticate({ cookie: `other=1; ${cookie}` })).toMatchObject({ status: 200 });
    expect(front.authenticate({ cookie: `${cookie}x` }).status).toBe(401);
    // Never an open redirect, and a bad token signs no one in.
    const away = front.authPage(new URL(`http://h/.auth/login/local?token=${token}&post_login_redirect_uri=//evil`));
    expect(away?.headers.Location).toBe("/");
    expect(front.authPage(new URL("http://h/.auth/login/local?token=abc.def"))?.status).toBe(401);
    expect(front.authPage(new URL("http://h/.auth/logout"))?.headers["Set-Cookie"]).toContain("Max-Age=0");
    expect(front.authPage(new URL("http://h/api/clusters"))).toBeNull();
  });

  it("passes callers without a token through (a key caller, or no one), and refuses tampered or foreign tokens with 401", () => {
    expect(front.authenticate({})).toEqual({ status: 200, principal: null });
    const token = front.sign({ name: "alice@contoso.example", roles: ["Aks.TeamA"] });
    const [payload = "", signature = ""] = token.split(".");
    const forged = Buffer.from(JSON.stringify({ name: "alice@contoso.example", roles: ["Admin"] })).toString(
      "base64url",
    );
    expect(front.authenticate({ authorization: `Bearer ${forged}.${signature}` }).status).toBe(401);
    expect(front.authenticate({ authorization: `Bearer ${payload}.${signature}x` }).status).toBe(401);
    const other = createEasyAuthFront({ signingKey: "another-key" });
    expect(front.authenticate({ authorization: `Bearer ${other.sign({ name: "eve" })}` }).status).toBe(401);
    expect(front.authenticate(new Headers({ authorization: "Basic abc" })).status).toBe(401);
  });
});
