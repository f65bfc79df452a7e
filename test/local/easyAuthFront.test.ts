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
      caller: { kind: "user", name: "alice@contoso.example", objectId: "oid-a", roles: ["Aks.TeamA"], groups: ["g-1"] },
    });
  });

  it("passes function-key callers through without a principal, and refuses tampered or foreign tokens with 401", () => {
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
