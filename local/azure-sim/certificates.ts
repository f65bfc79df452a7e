/**
 * A throwaway CA and server certificates signed by it. The Azure SDK refuses bearer tokens over plain http and kubectl
 * verifies the API server against certificate-authority-data, so the simulator speaks TLS the clients can be told to
 * trust. The CA key is kept (and persisted with the state) so each simulated cluster gets its own certificate and a
 * restarted simulator keeps the CA every client already trusts.
 */
import { constants, privateEncrypt } from "node:crypto";
import forge from "node-forge";

export interface CertificateAuthority {
  caCertPem: string;
  caKeyPem: string;
}

export interface ServerCertificate {
  certPem: string;
  keyPem: string;
}

const validityMs = 365 * 24 * 3600 * 1000;

function serial(): string {
  return `01${forge.util.bytesToHex(forge.random.getBytesSync(15))}`;
}

export function createCertificateAuthority(): CertificateAuthority {
  const { pki } = forge;
  const now = new Date();
  const keys = pki.rsa.generateKeyPair(2048);
  const ca = pki.createCertificate();
  ca.publicKey = keys.publicKey;
  ca.serialNumber = serial();
  ca.validity.notBefore = new Date(now.getTime() - 60_000);
  ca.validity.notAfter = new Date(now.getTime() + validityMs);
  const subject = [{ name: "commonName", value: "aks-provisioning-api Azure simulator CA" }];
  ca.setSubject(subject);
  ca.setIssuer(subject);
  ca.setExtensions([
    { name: "basicConstraints", cA: true, critical: true },
    { name: "keyUsage", keyCertSign: true, cRLSign: true, critical: true },
    { name: "subjectKeyIdentifier" },
  ]);
  ca.sign(keys.privateKey, forge.md.sha256.create());
  return { caCertPem: pki.certificateToPem(ca), caKeyPem: pki.privateKeyToPem(keys.privateKey) };
}

// DER DigestInfo header for SHA-256 (RFC 8017 §9.2): what PKCS#1 v1.5 signs ahead of the digest.
const sha256DigestInfo = Buffer.from("3031300d060960864801650304020105000420", "hex");

/**
 * forge builds the certificate; node:crypto makes the RSA signature (PKCS#1 v1.5 over SHA-256, as forge would), because
 * forge's pure-JS RSA took ~40 ms of the event loop per certificate.
 */
function nativeSigner(caKeyPem: string): forge.pki.rsa.PrivateKey {
  const sign = (md: forge.md.MessageDigest) =>
    privateEncrypt(
      { key: caKeyPem, padding: constants.RSA_PKCS1_PADDING },
      Buffer.concat([sha256DigestInfo, Buffer.from(md.digest().getBytes(), "binary")]),
    ).toString("binary");
  return { sign } as unknown as forge.pki.rsa.PrivateKey;
}

interface Issuer {
  ca: forge.pki.Certificate;
  /** One key pair for every server certificate this CA issues (see issueServerCertificate). */
  serverKeys: forge.pki.rsa.KeyPair;
}

const issuers = new Map<string, Issuer>();

function issuerOf(authority: CertificateAuthority): Issuer {
  const known = issuers.get(authority.caKeyPem);
  if (known !== undefined) return known;
  const { pki } = forge;
  const issuer = {
    ca: pki.certificateFromPem(authority.caCertPem),
    serverKeys: pki.rsa.generateKeyPair(2048),
  };
  issuers.set(authority.caKeyPem, issuer);
  return issuer;
}

/**
 * A server certificate for localhost/127.0.0.1 plus `extraNames` (a cluster's FQDN), signed by the CA. Each cluster gets
 * its own certificate, but all share one key pair: generating a 2048-bit RSA key blocks the simulator's event loop for
 * 100–200 ms, and a fleet of 100 clusters finishing together stalled every simulated service for 15 s. No client can
 * tell: TLS checks the chain and the names, not whether two servers' keys differ.
 */
export function issueServerCertificate(
  authority: CertificateAuthority,
  commonName: string,
  extraNames: string[] = [],
): ServerCertificate {
  const { pki } = forge;
  const { ca, serverKeys: keys } = issuerOf(authority);
  const now = new Date();
  const cert = pki.createCertificate();
  cert.publicKey = keys.publicKey;
  cert.serialNumber = serial();
  cert.validity.notBefore = new Date(now.getTime() - 60_000);
  cert.validity.notAfter = new Date(now.getTime() + validityMs);
  cert.setSubject([{ name: "commonName", value: commonName }]);
  cert.setIssuer(ca.subject.attributes);
  cert.setExtensions([
    { name: "basicConstraints", cA: false },
    { name: "keyUsage", digitalSignature: true, keyEncipherment: true, critical: true },
    { name: "extKeyUsage", serverAuth: true },
    {
      name: "subjectAltName",
      altNames: [
        { type: 2, value: "localhost" },
        { type: 7, ip: "127.0.0.1" },
        ...extraNames.map((value) => ({ type: 2, value })),
      ],
    },
  ]);
  cert.sign(nativeSigner(authority.caKeyPem), forge.md.sha256.create());
  return { certPem: pki.certificateToPem(cert), keyPem: pki.privateKeyToPem(keys.privateKey) };
}
