#!/usr/bin/env node
// SPDX-License-Identifier: Apache-2.0
'use strict';
// Local HTTP server (127.0.0.1 only) that serves the request handlers of the
// npm package @sigstore/mock (Fulcio v2, Rekor v1/v2, RFC 3161 TSA) over real
// HTTP instead of nock interception, and adds the read endpoints and trust
// material a client needs:
//   POST /api/v2/signingCert            Fulcio v2 (token in body or Bearer header), 200 + JSON
//   GET  /api/v2/trustBundle            Fulcio v2
//   GET  /api/v2/configuration          Fulcio v2
//   POST /api/v1/signingCert            Fulcio legacy v1 (cosign 2.x): 201 + PEM chain
//   GET  /api/v1/rootCert               Fulcio legacy v1: PEM chain
//   POST /api/v1/log/entries            Rekor v1 (hashedrekord/dsse/intoto...)
//   GET  /api/v1/log/entries/{uuid}     Rekor v1
//   GET  /api/v1/log/entries?logIndex=N Rekor v1
//   POST /api/v1/log/entries/retrieve   Rekor v1 (entryUUIDs, logIndexes, entries)
//   POST /api/v1/index/retrieve         Rekor v1 search index (by artifact hash)
//   GET  /api/v1/log                    Rekor v1 log info
//   GET  /api/v1/log/publicKey          Rekor v1 (PEM)
//   POST /api/v2/log/entries            Rekor v2 (mock's rekorV2Handler)
//   POST /api/v1/timestamp              TSA: JSON body or application/timestamp-query DER
//   GET  /api/v1/timestamp/certchain    TSA chain (PEM)
//   GET  /trusted_root.json             Sigstore TrustedRoot (protobuf-specs JSON)
//   GET  /signing_config.json           Sigstore SigningConfig v0.2
//   GET  /tuf/{timestamp,snapshot,targets,1.root}.json, /tuf/targets/<name>
//                                       TUF repo (if @tufjs/repo-mock is installed):
//                                       trusted_root.json, signing_config.v0.2.json,
//                                       and for cosign 2.x fulcio_v1.crt.pem, rekor.pub,
//                                       ctfe.pub, tsa_leaf.crt.pem, tsa_root.crt.pem
// Usage: node sigstore-mock-server.js [--port 0] [--keys DIR] [--out DIR]
//        [--lax] [--oidc-jwks FILE_OR_URL] [--oidc-issuer ISS]
//        [--san-uri] [--log FILE]
//   --keys DIR keep the private keys and the CA/TSA certificates across restarts
//   --out DIR  write trusted_root.json, signing_config.json, fulcio_root.pem,
//              ctfe.pub, rekor.pub, tsa_chain.pem, tuf-root.json and url
//   --lax      skip the aud/exp (without --oidc-jwks), email_verified, proof-of-possession
//              and hashedrekord signature checks
//   --san-uri  always write the certificate's SAN as a URI (the mock's own
//              behaviour); by default an e-mail subject becomes an rfc822Name
//              SAN, as real Fulcio does for e-mail issuers
//   --log FILE append one line per request: time, method, path, status
const http = require('http');
const fs = require('fs');
const path = require('path');
const crypto = require('crypto');
// Deep requires: skip @sigstore/mock's index.js, which loads nock.
const { initializeCA, initializeCTLog, fulcioHandler } = require('@sigstore/mock/dist/fulcio');
const { initializeTLog, rekorHandler, rekorV2Handler } = require('@sigstore/mock/dist/rekor');
const { initializeTSA, tsaHandler } = require('@sigstore/mock/dist/timestamp');
const pkijs = require('pkijs');
const asn1js = require('asn1js');
const jose = require('jose');
const { p256 } = require('@noble/curves/p256');

function arg(name, dflt) {
  const i = process.argv.indexOf('--' + name);
  if (i < 0) return dflt;
  const v = process.argv[i + 1];
  return v === undefined || v.startsWith('--') ? true : v;
}
const HOST = '127.0.0.1';
const PORT = parseInt(arg('port', process.env.MOCK_PORT || '0'), 10);
const KEYS = arg('keys', null);
const OUT = arg('out', null);
const LAX = !!arg('lax', false);
const OIDC_JWKS = arg('oidc-jwks', null);
const OIDC_ISSUER = arg('oidc-issuer', null);
const SAN_URI = !!arg('san-uri', false);
const LOG = arg('log', null);

// @sigstore/mock's CA always writes the SAN as a URI, also for an e-mail address.
// Real Fulcio writes an rfc822Name for e-mail identities. The CA builds its SAN
// extension through the @peculiar/x509 module object, so a subclass installed on
// that object decides the name type from the value itself (no shared state, so
// concurrent requests cannot mix up their types).
// the copies of @peculiar/x509 and pkijs that @sigstore/mock itself loads
const mockRequire = (m) => require(require.resolve(m, { paths: [path.dirname(require.resolve('@sigstore/mock/dist/fulcio'))] }));
if (!SAN_URI) {
  const x509 = mockRequire('@peculiar/x509');
  const Base = x509.SubjectAlternativeNameExtension;
  const EMAIL = /^[^@\s:/]+@[^@\s:/]+$/;
  x509.SubjectAlternativeNameExtension = class extends Base {
    constructor(data, critical) {
      if (Array.isArray(data)) data = data.map((n) => (n.type === 'url' && EMAIL.test(n.value) ? { type: 'email', value: n.value } : n));
      super(data, critical);
    }
  };
}

function loadOrCreateKey(name) {
  const file = KEYS && path.join(KEYS, name + '.key.pem');
  if (file && fs.existsSync(file)) {
    const privateKey = crypto.createPrivateKey(fs.readFileSync(file));
    return { privateKey, publicKey: crypto.createPublicKey(privateKey) };
  }
  const kp = crypto.generateKeyPairSync('ec', { namedCurve: 'prime256v1' });
  if (file) {
    fs.mkdirSync(KEYS, { recursive: true });
    fs.writeFileSync(file, kp.privateKey.export({ format: 'pem', type: 'pkcs8' }), { mode: 0o600 });
  }
  return kp;
}

const pem = (type, der) =>
  `-----BEGIN ${type}-----\n${Buffer.from(der).toString('base64').match(/.{1,64}/g).join('\n')}\n-----END ${type}-----\n`;
const spki = (k) => k.export({ format: 'der', type: 'spki' });
const sha256 = (b) => crypto.createHash('sha256').update(b).digest();

function readBody(req) {
  return new Promise((resolve, reject) => {
    const chunks = [];
    let n = 0;
    req.on('data', (c) => {
      n += c.length;
      if (n > 8 << 20) { reject(new Error('body too large')); req.destroy(); return; }
      chunks.push(c);
    });
    req.on('end', () => resolve(Buffer.concat(chunks)));
    req.on('error', reject);
  });
}

function send(res, status, body, type = 'application/json', headers = {}) {
  const buf = Buffer.isBuffer(body) ? body : Buffer.from(typeof body === 'string' ? body : JSON.stringify(body));
  res.writeHead(status, { 'Content-Type': type, 'Content-Length': buf.length, ...headers });
  res.end(buf);
}
const fail = (res, code, message) => send(res, code, { code, message });

// Key material in SPKI/uncompressed-point form for @noble/curves
function pointFromKey(keyObj) {
  const j = keyObj.export({ format: 'jwk' });
  if (j.crv !== 'P-256') throw new Error('only ECDSA P-256 keys are verified by this mock, got ' + j.crv);
  return Buffer.concat([Buffer.from([4]), Buffer.from(j.x, 'base64url'), Buffer.from(j.y, 'base64url')]);
}
// publicKey.content of a hashedrekord entry: base64 of a PEM public key or certificate
function keyFromPEMText(text) {
  if (/BEGIN CERTIFICATE/.test(text)) return new crypto.X509Certificate(text).publicKey;
  return crypto.createPublicKey(text);
}

async function main() {
  const keys = {
    fulcio: loadOrCreateKey('fulcio-ca'),
    ctlog: loadOrCreateKey('ctlog'),
    rekor: loadOrCreateKey('rekor'),
    tsa: loadOrCreateKey('tsa'),
  };
  const startedAt = new Date(Date.now() - 60 * 1000);

  // --- build the mock services (same calls as @sigstore/mock's mockFulcio/mockRekor/mockTSA)
  const ctlog = await initializeCTLog(keys.ctlog);
  const ca = await initializeCA(keys.fulcio, ctlog);
  const fulcioBySub = fulcioHandler(ca, { strict: true, subjectClaim: 'sub' });
  const fulcioByEmail = fulcioHandler(ca, { strict: true, subjectClaim: 'email' });

  const server = http.createServer();
  await new Promise((r) => server.listen(PORT, HOST, r));
  const BASE = `http://${HOST}:${server.address().port}`;

  const tlog = await initializeTLog(BASE, keys.rekor); // host goes into checkpoints
  const rekorV1 = rekorHandler(tlog, { strict: true });
  const rekorV2 = rekorV2Handler(tlog, { strict: true });
  const tsa = await initializeTSA(keys.tsa);
  // genTime with whole seconds: asn1js drops trailing zeros of the fraction
  // (".51Z", as DER requires), which sigstore-js's time parser rejects.
  tsa.getCurrentTime = () => new Date(Math.floor(Date.now() / 1000) * 1000);
  // RFC 3161 nonces are often 64-bit or larger; the mock builds them from a JS number.
  const origTstInfo = tsa.tstInfo.bind(tsa);
  tsa.tstInfo = (req) => {
    const t = origTstInfo(req);
    if (req.nonceBig !== undefined) t.nonce = asn1js.Integer.fromBigInt(req.nonceBig);
    if (req.noNonce) delete t.nonce; // RFC 3161: no nonce in the reply when the query had none
    return t;
  };
  const tsaJson = tsaHandler(tsa, { strict: true });

  // With --keys the CA and TSA certificates are kept as well. The mock issues them afresh at every
  // start with notBefore = now, so without this a restarted server (same keys) could not verify
  // signatures made before the restart: the chain would not yet be valid at the signing time.
  if (KEYS) {
    const keep = (file, currentDer, publicKey, install) => {
      const f = path.join(KEYS, file);
      if (fs.existsSync(f)) {
        const der = fs.readFileSync(f);
        const c = new crypto.X509Certificate(der);
        const sameKey = spki(c.publicKey).equals(spki(publicKey));
        if (sameKey && new Date(c.validTo).getTime() > Date.now() + 86400e3) { install(der); return; }
      }
      fs.writeFileSync(f, currentDer);
    };
    const X509 = mockRequire('@peculiar/x509');
    const pkijsM = mockRequire('pkijs');
    const ab = (der) => new Uint8Array(der).buffer;
    keep('fulcio-ca.crt.der', ca.rootCertificate, keys.fulcio.publicKey, (der) => { ca.root = new X509.X509Certificate(der); });
    const tsaRoot = tsa.rootCertificate, tsaInt = tsa.intCertificate;
    const f1 = path.join(KEYS, 'tsa-root.crt.der'), f2 = path.join(KEYS, 'tsa-leaf.crt.der');
    if (!(fs.existsSync(f1) && fs.existsSync(f2))) { fs.rmSync(f1, { force: true }); fs.rmSync(f2, { force: true }); }
    keep('tsa-root.crt.der', tsaRoot, keys.tsa.publicKey, (der) => { tsa.rootCert = pkijsM.Certificate.fromBER(ab(der)); });
    keep('tsa-leaf.crt.der', tsaInt, keys.tsa.publicKey, (der) => { tsa.intCert = pkijsM.Certificate.fromBER(ab(der)); });
  }

  const rekorSPKI = spki(keys.rekor.publicKey);
  const rekorLogID = sha256(rekorSPKI);
  const ctSPKI = spki(keys.ctlog.publicKey);
  const caRootPEM = pem('CERTIFICATE', ca.rootCertificate);
  const tsaChainPEM = pem('CERTIFICATE', tsa.intCertificate) + pem('CERTIFICATE', tsa.rootCertificate);

  // Validity start of every key in the trusted root: a minute before the oldest certificate in use
  // (with --keys the certificates, and so the trust, can be older than this start).
  const notBefore = (der) => new Date(new crypto.X509Certificate(der).validFrom).getTime();
  const validStart = Math.min(startedAt.getTime(), notBefore(ca.rootCertificate) - 60e3, notBefore(tsa.rootCertificate) - 60e3);
  const validFor = { start: new Date(validStart).toISOString() };
  const trustedRoot = {
    mediaType: 'application/vnd.dev.sigstore.trustedroot+json;version=0.1',
    tlogs: [{
      baseUrl: BASE, hashAlgorithm: 'SHA2_256',
      publicKey: { rawBytes: rekorSPKI.toString('base64'), keyDetails: 'PKIX_ECDSA_P256_SHA_256', validFor },
      logId: { keyId: rekorLogID.toString('base64') },
    }],
    certificateAuthorities: [{
      subject: { organization: 'sigstore.mock', commonName: 'sigstore' }, uri: BASE,
      certChain: { certificates: [{ rawBytes: ca.rootCertificate.toString('base64') }] }, validFor,
    }],
    ctlogs: [{
      baseUrl: BASE, hashAlgorithm: 'SHA2_256',
      publicKey: { rawBytes: ctSPKI.toString('base64'), keyDetails: 'PKIX_ECDSA_P256_SHA_256', validFor },
      logId: { keyId: sha256(ctSPKI).toString('base64') },
    }],
    timestampAuthorities: [{
      subject: { organization: 'sigstore.mock', commonName: 'tsa' }, uri: BASE + '/api/v1/timestamp',
      certChain: { certificates: [{ rawBytes: tsa.intCertificate.toString('base64') }, { rawBytes: tsa.rootCertificate.toString('base64') }] },
      validFor,
    }],
  };
  const svc = (url) => ({ url, majorApiVersion: 1, validFor, operator: 'sigstore.mock' });
  const signingConfig = {
    mediaType: 'application/vnd.dev.sigstore.signingconfig.v0.2+json',
    caUrls: [svc(BASE)], oidcUrls: OIDC_ISSUER ? [svc(OIDC_ISSUER)] : [],
    rekorTlogUrls: [svc(BASE)], tsaUrls: [svc(BASE + '/api/v1/timestamp')],
    rekorTlogConfig: { selector: 'ANY' }, tsaConfig: { selector: 'ANY' },
  };

  // --- optional TUF repository (for clients that take their trust from TUF: `cosign initialize
  //     --mirror URL/tuf --root tuf-root.json`, `sigstore verify`): needs npm @tufjs/repo-mock.
  //     Targets:
  //       trusted_root.json, signing_config.v0.2.json   sigstore-go (cosign 3), sigstore-js
  //       fulcio_v1.crt.pem, rekor.pub, ctfe.pub,       the legacy sigstore/sigstore TUF client of
  //       tsa_leaf.crt.pem, tsa_root.crt.pem            cosign 2.x, found through the custom metadata
  //                                                     {"sigstore":{"usage":...,"status":"Active"}}
  //     repo-mock's initializeTUFRepo cannot attach custom metadata, so its building blocks are
  //     called one by one here (one ECDSA key for all four roles, consistent_snapshot false).
  const tufFiles = new Map();
  let tufRootJSON = null;
  try {
    const rmDir = path.dirname(require.resolve('@tufjs/repo-mock/dist/repo'));
    const { KeyPair } = require('@tufjs/repo-mock/dist/key');
    const meta = require('@tufjs/repo-mock/dist/metadata');
    const { tufHandlers } = require('@tufjs/repo-mock/dist/handler');
    const { TargetFile } = require(require.resolve('@tufjs/models', { paths: [rmDir] }));
    const targets = [
      { name: 'trusted_root.json', content: JSON.stringify(trustedRoot) },
      { name: 'signing_config.v0.2.json', content: JSON.stringify(signingConfig) },
      { name: 'fulcio_v1.crt.pem', content: caRootPEM, usage: 'Fulcio' },
      { name: 'rekor.pub', content: pem('PUBLIC KEY', rekorSPKI), usage: 'Rekor' },
      { name: 'ctfe.pub', content: pem('PUBLIC KEY', ctSPKI), usage: 'CTFE' },
      { name: 'tsa_leaf.crt.pem', content: pem('CERTIFICATE', tsa.intCertificate), usage: 'TSA' },
      { name: 'tsa_root.crt.pem', content: pem('CERTIFICATE', tsa.rootCertificate), usage: 'TSA' },
    ];
    const files = targets.map((t) => new TargetFile({
      path: t.name, length: Buffer.byteLength(t.content),
      hashes: { sha256: sha256(Buffer.from(t.content)).toString('hex') },
      unrecognizedFields: t.usage ? { custom: { sigstore: { usage: t.usage, status: 'Active' } } } : {},
    }));
    const kp = new KeyPair();
    // repo-mock writes "expires" with milliseconds (toISOString). go-tuf v2 (sigstore-go, cosign 3)
    // checks signatures over its own re-encoding of the parsed metadata, and Go drops trailing zeros
    // of the fraction (".120Z" -> ".12Z"), so about one start in ten gave a root that cosign 3
    // rejected ("Verifying root failed, not enough signatures"). The TUF spec has no fraction at all:
    // cut it and sign again, in dependency order (snapshot hashes targets, timestamp hashes snapshot).
    const whole = (m) => { m.signed.expires = m.signed.expires.replace(/\.\d+Z$/, 'Z'); m.sign((d) => kp.sign(d), false); return m; };
    const targetsMeta = whole(meta.createTargetsMeta(files, kp));
    const snapshotMeta = whole(meta.createSnapshotMeta(targetsMeta, kp));
    const timestampMeta = whole(meta.createTimestampMeta(snapshotMeta, kp));
    const rootMeta = whole(meta.createRootMeta(kp));
    const repo = { rootMeta, snapshotMeta, timestampMeta, targetsMeta, targets };
    for (const h of tufHandlers(repo, { metadataPathPrefix: '' })) tufFiles.set('/tuf' + h.path, h.fn());
    tufRootJSON = JSON.stringify(rootMeta.toJSON());
  } catch (e) { console.error('TUF repository not built:', e.message); }

  // --- optional real OIDC token verification (JWKS from a file or a URL)
  let jwks = null;
  if (OIDC_JWKS) {
    jwks = /^https?:/.test(OIDC_JWKS)
      ? jose.createRemoteJWKSet(new URL(OIDC_JWKS))
      : jose.createLocalJWKSet(JSON.parse(fs.readFileSync(OIDC_JWKS, 'utf8')));
  }

  // --- Rekor v1 in-memory store
  const byUUID = new Map(); const byIndex = new Map(); const byBody = new Map();
  let lastProof = null;
  function emptyCheckpoint() {
    const note = `${new URL(BASE).host} - 0\n0\n${sha256(Buffer.alloc(0)).toString('base64')}\nTimestamp: ${Date.now() * 1e6}\n`;
    const sig = crypto.sign('sha256', Buffer.from(note), keys.rekor.privateKey);
    return `${note}\n\u2014 ${new URL(BASE).host} ${Buffer.concat([rekorLogID.subarray(0, 4), sig]).toString('base64')}\n`;
  }

  function verifyHashedRekord(entry) {
    const spec = entry.spec || {};
    const h = spec.data && spec.data.hash;
    if (!h || h.algorithm !== 'sha256' || !/^[0-9a-f]{64}$/.test(h.value || ''))
      throw new Error('hashedrekord: spec.data.hash must be {algorithm:"sha256", value:<64 lowercase hex>}');
    const sig = Buffer.from(spec.signature.content, 'base64');
    const keyText = Buffer.from(spec.signature.publicKey.content, 'base64').toString('utf8');
    const key = keyFromPEMText(keyText);
    const ok = p256.verify(sig, Buffer.from(h.value, 'hex'), pointFromKey(key), { lowS: false, format: 'der' });
    if (!ok) throw new Error('hashedrekord: signature does not verify against the digest and key');
  }

  function parseTimeStampReq(der) {
    const req = pkijs.TimeStampReq.fromBER(new Uint8Array(der).buffer);
    const oid = req.messageImprint.hashAlgorithm.algorithmId;
    const name = { '2.16.840.1.101.3.4.2.1': 'sha256', '2.16.840.1.101.3.4.2.2': 'sha384', '2.16.840.1.101.3.4.2.3': 'sha512' }[oid];
    if (!name) throw new Error('unsupported hash OID ' + oid);
    const out = {
      artifactHash: Buffer.from(req.messageImprint.hashedMessage.valueBlock.valueHexView).toString('base64'),
      hashAlgorithm: name,
      certificates: !!req.certReq,
    };
    if (req.reqPolicy) out.tsaPolicyOID = req.reqPolicy;
    const nonce = req.nonce ? { nonceBig: req.nonce.toBigInt() } : { noNonce: true };
    return { json: out, nonce };
  }

  // Fulcio certificate issuance shared by the v2 and legacy v1 routes.
  // j: a v2 CreateSigningCertificateRequest as JSON; auth: the Authorization header.
  // Returns {chain: [leaf PEM, root PEM]} or {status, error}.
  async function issueCertificate(j, auth, { bodyTokenAllowed = true } = {}) {
    auth = auth || '';
    if (!(bodyTokenAllowed && j.credentials && j.credentials.oidcIdentityToken)) {
      if (!/^Bearer\s+/i.test(auth)) return { status: 401, error: 'no OIDC token (credentials.oidcIdentityToken or Authorization: Bearer)' };
      j.credentials = { oidcIdentityToken: auth.replace(/^Bearer\s+/i, '').trim() };
    }
    const token = j.credentials.oidcIdentityToken;
    let claims;
    try { claims = jose.decodeJwt(token); } catch (e) { return { status: 401, error: 'malformed OIDC token: ' + e.message }; }
    if (jwks) {
      try {
        ({ payload: claims } = await jose.jwtVerify(token, jwks, { audience: 'sigstore', ...(OIDC_ISSUER ? { issuer: OIDC_ISSUER } : {}) }));
      } catch (e) { return { status: 401, error: 'OIDC token rejected: ' + e.message }; }
    } else if (!LAX) {
      const aud = [].concat(claims.aud || []);
      if (!aud.includes('sigstore')) return { status: 401, error: 'OIDC token aud must contain "sigstore"' };
      if (claims.exp && claims.exp * 1000 < Date.now()) return { status: 401, error: 'OIDC token expired' };
    }
    const challengeClaim = claims.email ? 'email' : 'sub';
    const subject = claims[challengeClaim];
    if (!subject) return { status: 400, error: 'token has neither email nor sub' };
    // real Fulcio (email issuers) insists on email_verified
    if (challengeClaim === 'email' && !LAX && claims.email_verified !== true && claims.email_verified !== 'true')
      return { status: 400, error: 'email_verified claim is not true' };
    if (j.publicKeyRequest && !LAX) {
      const pk = j.publicKeyRequest;
      let key;
      try { key = crypto.createPublicKey(pk.publicKey.content); } catch (e) { return { status: 400, error: 'publicKey.content is not a PEM public key: ' + e.message }; }
      const ok = crypto.verify(key.asymmetricKeyType === 'ed25519' ? null : 'sha256', Buffer.from(subject), key,
        Buffer.from(pk.proofOfPossession || '', 'base64'));
      if (!ok) return { status: 400, error: `proofOfPossession is not a valid signature over the ${challengeClaim} claim` };
    }
    const h = challengeClaim === 'email' ? fulcioByEmail : fulcioBySub;
    const r = await h.fn(JSON.stringify(j));
    if (r.statusCode >= 300) return { status: r.statusCode, error: String(r.response) };
    // The mock writes each PEM body as one long base64 line; real Fulcio (Go's pem.Encode) wraps at
    // 64 columns, and cosign 2 copies the chain PEM verbatim into the .sig annotations.
    const rewrap = (c) => pem('CERTIFICATE', Buffer.from(c.replace(/-----(BEGIN|END) CERTIFICATE-----|\s/g, ''), 'base64'));
    return { chain: JSON.parse(r.response).signedCertificateEmbeddedSct.chain.certificates.map(rewrap) };
  }

  const logLine = (line) => { if (LOG) fs.appendFileSync(LOG, line + '\n'); };

  server.on('request', async (req, res) => {
    const u = new URL(req.url, BASE);
    const p = u.pathname.replace(/\/+$/, '');
    // Logged as the response is ended, before it reaches the client: a test that counts the lines
    // right after its command exits sees every request that command made (a 'finish' listener
    // could run after the client had its answer and exited).
    if (LOG) {
      const end = res.end.bind(res);
      res.end = (...args) => { logLine(`${new Date().toISOString()} ${req.method} ${req.url} ${res.statusCode}`); return end(...args); };
    }
    try {
      const body = req.method === 'POST' ? await readBody(req) : Buffer.alloc(0);
      // ---------------- Fulcio v2
      if (req.method === 'POST' && p === '/api/v2/signingCert') {
        let j;
        try { j = JSON.parse(body.toString('utf8')); } catch { return fail(res, 400, 'request body is not JSON'); }
        const r = await issueCertificate(j, req.headers.authorization);
        if (r.error) return fail(res, r.status, r.error);
        // real Fulcio v2 (grpc-gateway) answers 200; the mock handler says 201
        return send(res, 200, { signedCertificateEmbeddedSct: { chain: { certificates: r.chain } } });
      }
      // ---------------- Fulcio legacy v1 (what cosign 2.x and sigstore/fulcio's pkg/api client call)
      // Request: {"publicKey":{"content":"<base64 of PEM>","algorithm":"ecdsa"},"signedEmailAddress":"<base64 sig>"}
      //      or  {"certificateSigningRequest":"<base64 of PEM CSR>"}   (Go []byte fields are base64 in JSON)
      // Token:   Authorization: Bearer <JWT>
      // Reply:   201, Content-Type application/pem-certificate-chain, leaf then chain, no trailing newline;
      //          an "SCT" header only for detached SCTs (the mock embeds them, so none is sent).
      if (req.method === 'POST' && p === '/api/v1/signingCert') {
        let j;
        try { j = JSON.parse(body.toString('utf8')); } catch { return fail(res, 400, 'request body is not JSON'); }
        const unb64 = (v) => {
          if (typeof v !== 'string' || v === '') return '';
          if (v.startsWith('-----BEGIN')) return v; // tolerate a raw PEM string
          return Buffer.from(v, 'base64').toString('utf8');
        };
        let v2;
        if (j.certificateSigningRequest) {
          v2 = { certificateSigningRequest: unb64(j.certificateSigningRequest) };
        } else if (j.publicKey && j.publicKey.content) {
          v2 = { publicKeyRequest: {
            publicKey: { algorithm: (j.publicKey.algorithm || 'ECDSA').toUpperCase(), content: unb64(j.publicKey.content) },
            proofOfPossession: j.signedEmailAddress || '' } };
        } else return fail(res, 400, 'public key not provided');
        const r = await issueCertificate(v2, req.headers.authorization, { bodyTokenAllowed: false });
        if (r.error) return fail(res, r.status, r.error);
        return send(res, 201, r.chain.map((c) => c.trim()).join('\n'), 'application/pem-certificate-chain');
      }
      if (req.method === 'GET' && p === '/api/v1/rootCert')
        return send(res, 200, caRootPEM.trim(), 'application/pem-certificate-chain');
      if (req.method === 'GET' && p === '/api/v2/trustBundle')
        return send(res, 200, { chains: [{ certificates: [caRootPEM] }] });
      if (req.method === 'GET' && p === '/api/v2/configuration')
        return send(res, 200, { issuers: [{ issuerUrl: OIDC_ISSUER || 'https://fake.oidcissuer.com', audience: 'sigstore', challengeClaim: 'email' }] });

      // ---------------- Rekor v1
      if (req.method === 'POST' && p === '/api/v1/log/entries') {
        let entry;
        try { entry = JSON.parse(body.toString('utf8')); } catch { return fail(res, 400, 'request body is not JSON'); }
        if (!entry.kind || !entry.apiVersion || !entry.spec) return fail(res, 422, 'proposed entry needs kind, apiVersion, spec');
        if (entry.kind === 'hashedrekord' && !LAX) {
          try { verifyHashedRekord(entry); } catch (e) { return fail(res, 400, e.message); }
        }
        const canon = require('canonicalize')(entry);
        if (byBody.has(canon)) {
          const uuid = byBody.get(canon);
          return fail409(res, uuid);
        }
        const r = await rekorV1.fn(JSON.stringify(entry));
        if (r.statusCode >= 300) return fail(res, r.statusCode, String(r.response));
        const mocked = JSON.parse(r.response);
        // The mock names entries by random bytes; Rekor names them by their Merkle leaf hash,
        // sha256(0x00 || body), which clients such as cosign check. Re-key as Rekor does.
        const e1 = mocked[Object.keys(mocked)[0]];
        const uuid = require('crypto').createHash('sha256')
          .update(Buffer.concat([Buffer.from([0]), Buffer.from(e1.body, 'base64')])).digest('hex');
        const le = { [uuid]: e1 };
        byUUID.set(uuid, le[uuid]); byIndex.set(le[uuid].logIndex, uuid); byBody.set(canon, uuid);
        lastProof = le[uuid].verification.inclusionProof;
        return send(res, 201, le, 'application/json', { ETag: uuid, Location: `/api/v1/log/entries/${uuid}` });
      }
      if (req.method === 'GET' && p.startsWith('/api/v1/log/entries/')) {
        const uuid = p.slice('/api/v1/log/entries/'.length).slice(-64);
        if (!byUUID.has(uuid)) return fail(res, 404, 'entry not found');
        return send(res, 200, { [uuid]: byUUID.get(uuid) });
      }
      if (req.method === 'GET' && p === '/api/v1/log/entries') {
        const idx = parseInt(u.searchParams.get('logIndex'), 10);
        const uuid = byIndex.get(idx);
        if (uuid === undefined) return fail(res, 404, 'entry not found');
        return send(res, 200, { [uuid]: byUUID.get(uuid) });
      }
      if (req.method === 'POST' && p === '/api/v1/log/entries/retrieve') {
        const q = JSON.parse(body.toString('utf8') || '{}');
        const out = [];
        for (const id of q.entryUUIDs || []) { const k = id.slice(-64); if (byUUID.has(k)) out.push({ [k]: byUUID.get(k) }); }
        for (const i of q.logIndexes || []) { const k = byIndex.get(i); if (k) out.push({ [k]: byUUID.get(k) }); }
        // search by proposed entry (what cosign sends to find a signature's entry)
        for (const e of q.entries || []) { const k = byBody.get(require('canonicalize')(e)); if (k) out.push({ [k]: byUUID.get(k) }); }
        return send(res, 200, out);
      }
      if (req.method === 'POST' && p === '/api/v1/index/retrieve') {
        // search index by artifact hash ("sha256:<hex>") or public key: returns entry UUIDs
        const q = JSON.parse(body.toString('utf8') || '{}');
        const want = (q.hash || '').toLowerCase();
        const out = [];
        for (const [canon, uuid] of byBody) {
          const e = JSON.parse(canon);
          const h = e.spec && e.spec.data && e.spec.data.hash;
          if (want && h && `${h.algorithm}:${h.value}`.toLowerCase() === want) out.push(uuid);
        }
        return send(res, 200, out);
      }
      if (req.method === 'GET' && p === '/api/v1/log/publicKey')
        return send(res, 200, pem('PUBLIC KEY', rekorSPKI), 'application/x-pem-file');
      if (req.method === 'GET' && p === '/api/v1/log') {
        const info = lastProof
          ? { rootHash: lastProof.rootHash, treeSize: lastProof.treeSize, signedTreeHead: lastProof.checkpoint, treeID: lastProof.checkpoint.split('\n')[0].split(' - ')[1] }
          : { rootHash: sha256(Buffer.alloc(0)).toString('hex'), treeSize: 0, signedTreeHead: emptyCheckpoint(), treeID: '0' };
        return send(res, 200, info);
      }
      // ---------------- Rekor v2 (write only, as in the mock)
      if (req.method === 'POST' && p === '/api/v2/log/entries') {
        const r = await rekorV2.fn(body.toString('utf8'));
        return r.statusCode >= 300 ? fail(res, r.statusCode, String(r.response)) : send(res, r.statusCode, r.response);
      }
      // ---------------- Timestamp Authority
      if (req.method === 'POST' && p === '/api/v1/timestamp') {
        const ct = String(req.headers['content-type'] || '');
        let jsonBody = body.toString('utf8');
        if (/timestamp-query/.test(ct)) {
          let parsed;
          try { parsed = parseTimeStampReq(body); } catch (e) { return fail(res, 400, 'bad TimeStampReq: ' + e.message); }
          jsonBody = JSON.stringify(parsed.json);
          const r = await tsaJsonWithNonce(parsed.nonce, jsonBody);
          return r.statusCode >= 300 ? fail(res, r.statusCode, String(r.response)) : send(res, r.statusCode, r.response, r.contentType);
        }
        const r = await tsaJson.fn(jsonBody);
        return r.statusCode >= 300 ? fail(res, r.statusCode, String(r.response)) : send(res, r.statusCode, r.response, r.contentType);
      }
      if (req.method === 'GET' && p === '/api/v1/timestamp/certchain')
        return send(res, 200, tsaChainPEM, 'application/pem-certificate-chain');
      // ---------------- trust material
      if (req.method === 'GET' && p === '/trusted_root.json') return send(res, 200, trustedRoot);
      if (req.method === 'GET' && p === '/signing_config.json') return send(res, 200, signingConfig);
      if (req.method === 'GET' && tufFiles.has(p)) {
        const r = tufFiles.get(p);
        return send(res, r.statusCode, r.response, r.contentType || 'application/octet-stream');
      }
      if (req.method === 'GET' && p === '/healthz') return send(res, 200, { ok: true });
      return fail(res, 404, `no route for ${req.method} ${p}`);
    } catch (e) {
      return fail(res, 500, e.stack || String(e));
    }
  });

  function fail409(res, uuid) {
    const msg = `An equivalent entry already exists in the transparency log with UUID ${uuid}`;
    return send(res, 409, { code: 409, message: msg }, 'application/json', { Location: `/api/v1/log/entries/${uuid}` });
  }
  // The TSA handler reads nonce from JSON as a JS number; carry the exact big nonce alongside.
  let pendingNonce;
  const origTimestamp = tsa.timestamp.bind(tsa);
  tsa.timestamp = (r) => origTimestamp(pendingNonce !== undefined ? { ...r, ...pendingNonce } : r);
  let tsaQueue = Promise.resolve();
  function tsaJsonWithNonce(nonce, jsonBody) {
    const run = async () => { pendingNonce = nonce; try { return await tsaJson.fn(jsonBody); } finally { pendingNonce = undefined; } };
    const pr = tsaQueue.then(run, run);
    tsaQueue = pr.catch(() => {});
    return pr;
  }

  if (OUT) {
    fs.mkdirSync(OUT, { recursive: true });
    fs.writeFileSync(path.join(OUT, 'trusted_root.json'), JSON.stringify(trustedRoot, null, 2));
    fs.writeFileSync(path.join(OUT, 'signing_config.json'), JSON.stringify(signingConfig, null, 2));
    fs.writeFileSync(path.join(OUT, 'fulcio_root.pem'), caRootPEM);
    fs.writeFileSync(path.join(OUT, 'ctfe.pub'), pem('PUBLIC KEY', ctSPKI));
    fs.writeFileSync(path.join(OUT, 'rekor.pub'), pem('PUBLIC KEY', rekorSPKI));
    fs.writeFileSync(path.join(OUT, 'tsa_chain.pem'), tsaChainPEM);
    fs.writeFileSync(path.join(OUT, 'url'), BASE + '\n');
    if (tufRootJSON) fs.writeFileSync(path.join(OUT, 'tuf-root.json'), tufRootJSON);
  }
  process.stdout.write(JSON.stringify({ url: BASE, pid: process.pid }) + '\n');
  const stop = () => server.close(() => process.exit(0));
  process.on('SIGTERM', stop); process.on('SIGINT', stop);
}

main().catch((e) => { console.error(e); process.exit(1); });
