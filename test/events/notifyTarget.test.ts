import { createServer } from "node:http";
import type { AddressInfo } from "node:net";
import { describe, expect, it } from "vitest";
import { addressProblem, isForbiddenAddress, urlProblem } from "../../src/events/notifyTarget.js";
import { signatureHeader, verifySignature } from "../../src/events/signature.js";
import { classifyStatus, postToWebhook } from "../../src/events/webhookDelivery.js";
import { startCountingReceiver, succeededEvent } from "../fixtures/webhooks.js";

describe("notify targets", () => {
  it("knows link-local, metadata and platform addresses in every spelling", () => {
    for (const address of [
      "169.254.169.254",
      "169.254.0.1",
      "168.63.129.16",
      "fe80::1",
      "febf::1",
      "::ffff:169.254.169.254",
      "0.0.0.0",
      "::",
    ]) {
      expect(isForbiddenAddress(address), address).toBe(true);
    }
    for (const address of ["10.0.0.1", "20.1.2.3", "fec0::1", "2001:db8::1", "127.0.0.1"]) {
      expect(isForbiddenAddress(address), address).toBe(false);
    }
  });

  it("judges IPv4 addresses embedded in IPv6 (compatible, NAT64, 6to4, Teredo) as themselves", () => {
    const rules = { allowLoopback: false };
    for (const url of [
      "https://[::a9fe:a9fe]/",
      "https://[::169.254.169.254]/",
      "https://[64:ff9b::a9fe:a9fe]/",
      "https://[64:ff9b:1::a9fe:a9fe]/",
      "https://[2002:a9fe:a9fe::1]/",
      "https://[2001:0:a9fe:a9fe::1]/",
      // Teredo's client address is stored with every bit flipped: 5601:5601 is 169.254.169.254.
      "https://[2001:0:4136:e378:8000:63bf:5601:5601]/",
      "https://[2002:a83f:8110::]/",
    ]) {
      expect(urlProblem(url, rules), url).toMatch(/link-local or metadata/);
    }
    expect(urlProblem("https://[::7f00:1]/", rules)).toMatch(/loopback/);
    expect(urlProblem("https://[64:ff9b::7f00:1]/", rules)).toMatch(/loopback/);
    // At delivery, the resolved address is judged the same way.
    expect(addressProblem("64:ff9b::a9fe:a9fe", rules)).toMatch(/link-local or metadata/);
    // Ordinary public and private IPv6 receivers are still fine.
    for (const url of ["https://[2606:4700::1111]/", "https://[fd00:77::1]/", "https://[2002:0808:0808::1]/"]) {
      expect(urlProblem(url, rules), url).toBeNull();
    }
  });

  it("checks resolved addresses: loopback only when allowed, metadata never", () => {
    expect(addressProblem("127.0.0.1", { allowLoopback: false })).toMatch(/loopback/);
    expect(addressProblem("127.0.0.1", { allowLoopback: true })).toBeNull();
    expect(addressProblem("169.254.169.254", { allowLoopback: true })).toMatch(/metadata/);
    expect(urlProblem("https://hooks.example.com/x", { allowLoopback: false })).toBeNull();
  });

  it("gives up on a name that resolves to loopback when loopback is not allowed (checked after DNS)", async () => {
    const attempt = await postToWebhook("https://localhost:1/x", "{}", {}, { allowLoopback: false });
    expect(attempt).toMatchObject({ kind: "rejected" });
  });

  it("judges the addresses a name resolves to and connects only to the address it judged", async () => {
    const receiver = await startCountingReceiver();
    const resolvingTo = (...addresses: string[]) => ({
      resolve: (host: string) => {
        expect(host).toBe("hooks.example.com");
        return Promise.resolve(addresses.map((address) => ({ address, family: address.includes(":") ? 6 : 4 })));
      },
    });
    const send = (options: ReturnType<typeof resolvingTo>, rules = { allowLoopback: true }) =>
      postToWebhook(`http://hooks.example.com:${receiver.port}/x`, "{}", {}, rules, options);
    try {
      // A public-looking name whose DNS answer is the metadata service (or embeds it, or is link-local).
      for (const address of ["169.254.169.254", "::ffff:169.254.169.254", "64:ff9b::a9fe:a9fe", "fe80::1"]) {
        expect(await send(resolvingTo(address)), address).toMatchObject({
          kind: "rejected",
          detail: expect.stringContaining("link-local or metadata") as string,
        });
      }
      // One bad address among good ones is enough: the connection could go to any of them.
      expect(await send(resolvingTo("127.0.0.1", "169.254.169.254"))).toMatchObject({ kind: "rejected" });
      expect(await send(resolvingTo("127.0.0.1"), { allowLoopback: false })).toMatchObject({ kind: "rejected" });
      expect(receiver.hits).toBe(0);
      // The name is not resolved a second time by the socket: the request reaches the address that was judged.
      expect(await send(resolvingTo("127.0.0.1"))).toEqual({ kind: "delivered", httpStatus: 204 });
      expect(receiver.hits).toBe(1);
    } finally {
      receiver.close();
    }
  });

  it("classifies answers: 2xx done, 4xx but 408/429 give up, the rest retry", () => {
    expect([200, 204, 400, 404, 410, 408, 429, 500, 503].map(classifyStatus)).toEqual([
      "delivered",
      "delivered",
      "rejected",
      "rejected",
      "rejected",
      "retry",
      "retry",
      "retry",
      "retry",
    ]);
  });

  it("posts to a loopback receiver and signs the exact bytes", async () => {
    let seen = { body: "", signature: "" };
    const server = createServer((request, response) => {
      const chunks: Buffer[] = [];
      request.on("data", (chunk: Buffer) => chunks.push(chunk));
      request.on("end", () => {
        seen = { body: Buffer.concat(chunks).toString(), signature: String(request.headers["x-signature-256"]) };
        response.writeHead(204).end();
      });
    });
    await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
    const port = (server.address() as AddressInfo).port;
    const event = succeededEvent("20261123100000000", new Date("2026-11-23T10:00:00Z"));
    expect(event.id).toBe("c1.20261123100000000.succeeded");
    const body = JSON.stringify(event);
    const attempt = await postToWebhook(
      `http://localhost:${port}/hook`,
      body,
      { "X-Signature-256": signatureHeader(body, "k".repeat(20)) },
      { allowLoopback: true },
    );
    server.close();
    expect(attempt).toEqual({ kind: "delivered", httpStatus: 204 });
    expect(verifySignature(seen.body, "k".repeat(20), seen.signature)).toBe(true);
    expect(verifySignature(seen.body, "x".repeat(20), seen.signature)).toBe(false);
  });
});
