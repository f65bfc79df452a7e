/**
 * A throwaway CA and a server certificate for localhost, made at start. The Azure SDK refuses bearer tokens over
 * plain http, so the simulator must speak TLS that the clients can be told to trust.
 */
import forge from "node-forge";

export interface SimulatorCertificates {
  caCertPem: string;
  serverCertPem: string;
  serverKeyPem: string;
}

function serial(): string {
  return `01${forge.util.bytesToHex(forge.random.getBytesSync(15))}`;
}

export function createCertificates(): SimulatorCertificates {
  const { pki } = forge;
  const now = new Date();
  const notAfter = new Date(now.getTime() + 30 * 24 * 3600 * 1000);

  const caKeys = pki.rsa.generateKeyPair(2048);
  const ca = pki.createCertificate();
  ca.publicKey = caKeys.publicKey;
  ca.serialNumber = serial();
  ca.validity.notBefore = new Date(now.getTime() - 60_000);
  ca.validity.notAfter = notAfter;
  const caSubject = [{ name: "commonName", value: "aks-provisioning-api Azure simulator CA" }];
  ca.setSubject(caSubject);
  ca.setIssuer(caSubject);
  ca.setExtensions([
    { name: "basicConstraints", cA: true, critical: true },
    { name: "keyUsage", keyCertSign: true, cRLSign: true, critical: true },
    { name: "subjectKeyIdentifier" },
  ]);
  ca.sign(caKeys.privateKey, forge.md.sha256.create());

  const serverKeys = pki.rsa.generateKeyPair(2048);
  const server = pki.createCertificate();
  server.publicKey = serverKeys.publicKey;
  server.serialNumber = serial();
  server.validity.notBefore = new Date(now.getTime() - 60_000);
  server.validity.notAfter = notAfter;
  server.setSubject([{ name: "commonName", value: "localhost" }]);
  server.setIssuer(caSubject);
  server.setExtensions([
    { name: "basicConstraints", cA: false },
    { name: "keyUsage", digitalSignature: true, keyEncipherment: true, critical: true },
    { name: "extKeyUsage", serverAuth: true },
    {
      name: "subjectAltName",
      altNames: [
        { type: 2, value: "localhost" },
        { type: 7, ip: "127.0.0.1" },
      ],
    },
  ]);
  server.sign(caKeys.privateKey, forge.md.sha256.create());

  return {
    caCertPem: pki.certificateToPem(ca),
    serverCertPem: pki.certificateToPem(server),
    serverKeyPem: pki.privateKeyToPem(serverKeys.privateKey),
  };
}
