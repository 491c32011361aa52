#!/usr/bin/env node
// SPDX-License-Identifier: Apache-2.0
'use strict';
// Fake KMS / secret-store peers for offline tests, on 127.0.0.1 only.
// One process, one HTTP port and (with --tls-cert/--tls-key) one HTTPS port,
// real ECDSA P-256 keys and real auth checks:
//   AWS KMS     POST /  (X-Amz-Target: TrentService.{GetPublicKey,DescribeKey,Sign,Verify}), SigV4 verified
//   GCP KMS     GET  /v1/{cryptoKey}, /v1/{cryptoKey}/cryptoKeyVersions[/N], /v1/{version}/publicKey
//               POST /v1/{version}:asymmetricSign            (Bearer token)
//               POST /token (JWT-bearer grant, service account), GET /computeMetadata/v1/.../token
//   Azure KV    GET  /keys/{name}[/{version}]?api-version=   POST /keys/{name}/{version}/sign?api-version=
//               POST /{tenant}/oauth2/v2.0/token (client_credentials)   (401 challenge when no token)
//   Vault       GET  /v1/{mount}/keys/{name}   POST /v1/{mount}/sign/{name}[/sha2-256]   (X-Vault-Token)
//   Kubernetes  GET|PUT /api/v1/namespaces/{ns}/secrets/{name}, POST /api/v1/namespaces/{ns}/secrets,
//               GET /version, /api                             (Bearer token)
// usage: node fake-kms-server.js --out DIR [--keys DIR] [--port 0] [--tls-port 0 --tls-cert F --tls-key F]
const http = require('http');
const https = require('https');
const fs = require('fs');
const path = require('path');
const crypto = require('crypto');
const { p256 } = require('@noble/curves/p256');

const arg = (n, d) => { const i = process.argv.indexOf('--' + n); return i < 0 ? d : process.argv[i + 1]; };
const OUT = arg('out', './fake-kms-out');
const KEYS = arg('keys', OUT);
const HOST = '127.0.0.1';

// ---------------------------------------------------------------- fixed test credentials
const AWS = { accessKeyId: 'AKIDEXAMPLE', secretAccessKey: 'wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY', account: '111122223333',
  keyId: '1234abcd-12ab-34cd-56ef-1234567890ab', alias: 'alias/cosign-test', maxSkewSec: 900 };
const GCP = { project: 'test-project', location: 'global', keyRing: 'test-ring', key: 'cosign-key', version: '1',
  clientEmail: 'signer@test-project.iam.gserviceaccount.com' };
const AZ = { tenant: '00000000-0000-0000-0000-000000000001', clientId: 'test-client', clientSecret: 'test-secret',
  keyName: 'cosign-key', keyVersion: '0123456789abcdef0123456789abcdef' };
const VAULT = { token: 'test-root-token', mount: 'transit', key: 'cosign-key' };
const K8S = { token: 'test-k8s-token' };

function loadKey(name, type = 'ec') {
  const f = path.join(KEYS, name + '.key.pem');
  if (fs.existsSync(f)) return crypto.createPrivateKey(fs.readFileSync(f));
  const { privateKey } = type === 'rsa'
    ? crypto.generateKeyPairSync('rsa', { modulusLength: 2048 })
    : crypto.generateKeyPairSync('ec', { namedCurve: 'prime256v1' });
  fs.mkdirSync(KEYS, { recursive: true });
  fs.writeFileSync(f, privateKey.export({ format: 'pem', type: 'pkcs8' }), { mode: 0o600 });
  return privateKey;
}
const keys = { aws: loadKey('aws'), gcp: loadKey('gcp'), azure: loadKey('azure'), vault: loadKey('vault') };
const gcpSA = loadKey('gcp-service-account', 'rsa');
const pubPEM = (k) => crypto.createPublicKey(k).export({ format: 'pem', type: 'spki' });
const pubDER = (k) => crypto.createPublicKey(k).export({ format: 'der', type: 'spki' });
const sha256 = (b) => crypto.createHash('sha256').update(b).digest();
const hmac = (k, s) => crypto.createHmac('sha256', k).update(s).digest();
const scalar = (k) => Buffer.from(k.export({ format: 'jwk' }).d, 'base64url');
// ECDSA over an externally computed digest (what every KMS "sign digest" call does)
function signDigest(key, digest) { return Buffer.from(p256.sign(digest, scalar(key), { lowS: false }).toDERRawBytes()); }
function signDigestRaw(key, digest) { return Buffer.from(p256.sign(digest, scalar(key), { lowS: false }).toCompactRawBytes()); }
function verifyDigest(key, digest, der) {
  const j = crypto.createPublicKey(key).export({ format: 'jwk' });
  const pt = Buffer.concat([Buffer.from([4]), Buffer.from(j.x, 'base64url'), Buffer.from(j.y, 'base64url')]);
  try { return p256.verify(der, digest, pt, { lowS: false, format: 'der' }); } catch { return false; }
}

// ---------------------------------------------------------------- plumbing
function readBody(req) {
  return new Promise((res, rej) => { const c = []; req.on('data', (d) => c.push(d)); req.on('end', () => res(Buffer.concat(c))); req.on('error', rej); });
}
function send(res, code, body, type = 'application/json', headers = {}) {
  const b = Buffer.isBuffer(body) ? body : Buffer.from(typeof body === 'string' ? body : JSON.stringify(body));
  res.writeHead(code, { 'Content-Type': type, 'Content-Length': b.length, ...headers }); res.end(b);
}
const log = (...a) => { if (process.env.FAKE_KMS_LOG) console.error(new Date().toISOString(), ...a); };
const bearer = (req) => (/^Bearer\s+(.+)$/i.exec(req.headers.authorization || '') || [])[1];
const issued = new Map(); // access token -> {aud, exp}
function issueToken(aud, ttl = 3600) {
  const t = 'ya29.fake-' + crypto.randomBytes(16).toString('hex');
  issued.set(t, { aud, exp: Date.now() + ttl * 1000 }); return t;
}
const tokenOK = (t, aud) => { const e = t && issued.get(t); return !!e && e.aud === aud && e.exp > Date.now(); };

// ---------------------------------------------------------------- AWS SigV4 (header form)
const uriEncode = (s, keepSlash) => encodeURIComponent(s).replace(/[!'()*]/g, (c) => '%' + c.charCodeAt(0).toString(16).toUpperCase())
  .replace(keepSlash ? /%2F/g : /$^/, '/');
function canonicalQuery(search) {
  if (!search) return '';
  return search.replace(/^\?/, '').split('&').filter(Boolean).map((kv) => {
    const i = kv.indexOf('='); const k = i < 0 ? kv : kv.slice(0, i); const v = i < 0 ? '' : kv.slice(i + 1);
    const dec = (x) => decodeURIComponent(x.replace(/\+/g, ' '));
    return [uriEncode(dec(k)), uriEncode(dec(v))];
  }).sort((a, b) => (a[0] < b[0] ? -1 : a[0] > b[0] ? 1 : a[1] < b[1] ? -1 : a[1] > b[1] ? 1 : 0)).map((p) => p.join('=')).join('&');
}
// returns null when valid, else an error string
function checkSigV4(req, body, rawHeaders, opt = {}) {
  const cfg = { accessKeyId: AWS.accessKeyId, secretAccessKey: AWS.secretAccessKey, service: 'kms', maxSkewSec: AWS.maxSkewSec, now: Date.now(), ...opt };
  const m = /^AWS4-HMAC-SHA256 Credential=([^/]+)\/(\d{8})\/([^/]+)\/([^/]+)\/aws4_request,\s*SignedHeaders=([^,]+),\s*Signature=([0-9a-f]{64})$/.exec(req.headers.authorization || '');
  if (!m) return 'missing or malformed AWS4-HMAC-SHA256 Authorization header';
  const [, akid, date, region, service, signedHeaders, sig] = m;
  if (akid !== cfg.accessKeyId) return 'UnrecognizedClientException: unknown access key ' + akid;
  if (service !== cfg.service) return `credential scope service is ${service}, expected ${cfg.service}`;
  const amzDate = req.headers['x-amz-date'];
  if (!amzDate || amzDate.slice(0, 8) !== date) return 'X-Amz-Date missing or not matching the credential scope date';
  const t = Date.parse(amzDate.replace(/^(\d{4})(\d{2})(\d{2})T(\d{2})(\d{2})(\d{2})Z$/, '$1-$2-$3T$4:$5:$6Z'));
  if (!(Math.abs(cfg.now - t) <= cfg.maxSkewSec * 1000)) return 'Signature expired / clock skew: ' + amzDate;
  const names = signedHeaders.split(';');
  if (!names.includes('host')) return 'SignedHeaders must include host';
  // canonical header values: all occurrences, comma-joined, sequential spaces collapsed
  const vals = {};
  for (let i = 0; i < rawHeaders.length; i += 2) {
    const n = rawHeaders[i].toLowerCase();
    (vals[n] = vals[n] || []).push(rawHeaders[i + 1].trim().replace(/\s+/g, ' '));
  }
  const qi = req.url.indexOf('?');
  const u = { pathname: qi < 0 ? req.url : req.url.slice(0, qi), search: qi < 0 ? '' : req.url.slice(qi) };
  // non-S3 services: remove dot segments and empty segments, keep a trailing slash
  const segs = [];
  for (const s of u.pathname.split('/')) { if (s === '' || s === '.') continue; if (s === '..') segs.pop(); else segs.push(s); }
  const trailing = /\/(\.\.?)?$/.test(u.pathname) && segs.length > 0;
  const canonicalPath = '/' + segs.map((s) => uriEncode(decodeURIComponent(s))).join('/') + (trailing ? '/' : '');
  const creq = [req.method, canonicalPath, canonicalQuery(u.search),
    names.map((n) => `${n}:${(vals[n] || []).join(',')}\n`).join(''), signedHeaders,
    req.headers['x-amz-content-sha256'] && req.headers['x-amz-content-sha256'] !== 'UNSIGNED-PAYLOAD' ? req.headers['x-amz-content-sha256'] : sha256(body).toString('hex')].join('\n');
  const scope = `${date}/${region}/${service}/aws4_request`;
  const sts = ['AWS4-HMAC-SHA256', amzDate, scope, sha256(creq).toString('hex')].join('\n');
  let k = hmac('AWS4' + cfg.secretAccessKey, date); k = hmac(k, region); k = hmac(k, service); k = hmac(k, 'aws4_request');
  const expect = hmac(k, sts).toString('hex');
  if (!crypto.timingSafeEqual(Buffer.from(expect), Buffer.from(sig))) {
    log('sigv4 mismatch. canonical request:\n' + creq + '\nstring to sign:\n' + sts);
    return 'InvalidSignatureException: The request signature we calculated does not match the signature you provided.';
  }
  return null;
}
const awsArn = `arn:aws:kms:us-east-1:${AWS.account}:key/${AWS.keyId}`;
function awsResolve(id) {
  if (!id) return false;
  const alias = AWS.alias;
  return id === AWS.keyId || id === awsArn || id === alias || id === `arn:aws:kms:us-east-1:${AWS.account}:${alias}`;
}
async function handleAWS(req, res, body) {
  const err = (code, type, message) => send(res, code, { __type: type, message }, 'application/x-amz-json-1.1', { 'x-amzn-RequestId': crypto.randomUUID() });
  const bad = checkSigV4(req, body, req.rawHeaders);
  if (bad) return err(bad.startsWith('Unrecognized') ? 400 : 403, bad.split(':')[0].includes('Exception') ? bad.split(':')[0] : 'InvalidSignatureException', bad);
  if (!/^application\/x-amz-json-1\.1/.test(req.headers['content-type'] || '')) return err(400, 'SerializationException', 'Content-Type must be application/x-amz-json-1.1');
  let j; try { j = JSON.parse(body.toString() || '{}'); } catch { return err(400, 'SerializationException', 'bad JSON'); }
  const op = String(req.headers['x-amz-target'] || '').replace(/^TrentService\./, '');
  if (!awsResolve(j.KeyId)) return err(400, 'NotFoundException', `Key '${j.KeyId}' does not exist`);
  const ok = (b) => send(res, 200, b, 'application/x-amz-json-1.1', { 'x-amzn-RequestId': crypto.randomUUID() });
  const spec = { CustomerMasterKeySpec: 'ECC_NIST_P256', KeySpec: 'ECC_NIST_P256', KeyUsage: 'SIGN_VERIFY', SigningAlgorithms: ['ECDSA_SHA_256'] };
  switch (op) {
    case 'GetPublicKey': return ok({ KeyId: awsArn, PublicKey: pubDER(keys.aws).toString('base64'), ...spec });
    case 'DescribeKey': return ok({ KeyMetadata: { AWSAccountId: AWS.account, Arn: awsArn, CreationDate: 1700000000, Description: 'fake', Enabled: true,
      KeyId: AWS.keyId, KeyManager: 'CUSTOMER', KeyState: 'Enabled', MultiRegion: false, Origin: 'AWS_KMS', ...spec } });
    case 'Sign': case 'Verify': {
      if (j.SigningAlgorithm !== 'ECDSA_SHA_256') return err(400, 'ValidationException', 'SigningAlgorithm must be ECDSA_SHA_256 for this key');
      const msg = Buffer.from(j.Message || '', 'base64');
      const mt = j.MessageType || 'RAW';
      if (mt === 'DIGEST' && msg.length !== 32) return err(400, 'ValidationException', 'DIGEST must be 32 bytes for ECDSA_SHA_256');
      const digest = mt === 'DIGEST' ? msg : sha256(msg);
      if (op === 'Sign') return ok({ KeyId: awsArn, Signature: signDigest(keys.aws, digest).toString('base64'), SigningAlgorithm: 'ECDSA_SHA_256' });
      const valid = verifyDigest(keys.aws, digest, Buffer.from(j.Signature || '', 'base64'));
      return valid ? ok({ KeyId: awsArn, SignatureValid: true, SigningAlgorithm: 'ECDSA_SHA_256' }) : err(400, 'KMSInvalidSignatureException', '');
    }
    default: return err(400, 'UnknownOperationException', 'unsupported target ' + op);
  }
}

// ---------------------------------------------------------------- GCP Cloud KMS (REST v1)
const crc32cTable = (() => { const t = new Uint32Array(256); for (let i = 0; i < 256; i++) { let c = i; for (let k = 0; k < 8; k++) c = c & 1 ? 0x82f63b78 ^ (c >>> 1) : c >>> 1; t[i] = c >>> 0; } return t; })();
const crc32c = (b) => { let c = 0xffffffff; for (const x of b) c = crc32cTable[(c ^ x) & 0xff] ^ (c >>> 8); return ((c ^ 0xffffffff) >>> 0); };
const gcpKeyName = `projects/${GCP.project}/locations/${GCP.location}/keyRings/${GCP.keyRing}/cryptoKeys/${GCP.key}`;
const gcpVerName = `${gcpKeyName}/cryptoKeyVersions/${GCP.version}`;
const gcpVersion = () => ({ name: gcpVerName, state: 'ENABLED', protectionLevel: 'SOFTWARE', algorithm: 'EC_SIGN_P256_SHA256', createTime: '2024-01-01T00:00:00Z', generateTime: '2024-01-01T00:00:00Z' });
async function handleGCPToken(req, res, body) {
  // RFC 7523 JWT bearer grant, as Google service-account credentials do
  const f = new URLSearchParams(body.toString());
  if (f.get('grant_type') !== 'urn:ietf:params:oauth:grant-type:jwt-bearer') return send(res, 400, { error: 'unsupported_grant_type' });
  const parts = String(f.get('assertion') || '').split('.');
  if (parts.length !== 3) return send(res, 400, { error: 'invalid_grant', error_description: 'malformed assertion' });
  const hdr = JSON.parse(Buffer.from(parts[0], 'base64url')); const cl = JSON.parse(Buffer.from(parts[1], 'base64url'));
  const ok = hdr.alg === 'RS256' && crypto.verify('sha256', Buffer.from(parts[0] + '.' + parts[1]), crypto.createPublicKey(gcpSA), Buffer.from(parts[2], 'base64url'));
  if (!ok || cl.iss !== GCP.clientEmail || !(cl.exp * 1000 > Date.now()) || !/cloud-platform|cloudkms/.test(cl.scope || ''))
    return send(res, 400, { error: 'invalid_grant', error_description: 'Invalid JWT Signature, issuer, expiry or scope.' });
  return send(res, 200, { access_token: issueToken('gcp'), expires_in: 3599, token_type: 'Bearer' });
}
async function handleGCP(req, res, body, p, u) {
  const err = (code, status, message) => send(res, code, { error: { code, message, status } });
  if (!tokenOK(bearer(req), 'gcp')) return err(401, 'UNAUTHENTICATED', 'Request had invalid authentication credentials.');
  const name = decodeURIComponent(p.slice('/v1/'.length));
  if (req.method === 'GET' && name === gcpKeyName)
    return send(res, 200, { name: gcpKeyName, primary: undefined, purpose: 'ASYMMETRIC_SIGN', createTime: '2024-01-01T00:00:00Z',
      versionTemplate: { protectionLevel: 'SOFTWARE', algorithm: 'EC_SIGN_P256_SHA256' }, destroyScheduledDuration: '86400s' });
  if (req.method === 'GET' && name === `${gcpKeyName}/cryptoKeyVersions`)
    return send(res, 200, { cryptoKeyVersions: [gcpVersion()], totalSize: 1 });
  if (req.method === 'GET' && name === gcpVerName) return send(res, 200, gcpVersion());
  if (req.method === 'GET' && name === `${gcpVerName}/publicKey`) {
    const pem = pubPEM(keys.gcp);
    return send(res, 200, { pem, algorithm: 'EC_SIGN_P256_SHA256', pemCrc32c: String(crc32c(Buffer.from(pem))), name: gcpVerName, protectionLevel: 'SOFTWARE' });
  }
  if (req.method === 'POST' && name === `${gcpVerName}:asymmetricSign`) {
    let j; try { j = JSON.parse(body.toString()); } catch { return err(400, 'INVALID_ARGUMENT', 'bad JSON'); }
    const d = j.digest && j.digest.sha256 && Buffer.from(j.digest.sha256, 'base64');
    if (!d || d.length !== 32) return err(400, 'INVALID_ARGUMENT', 'digest.sha256 (32 bytes, base64) is required for EC_SIGN_P256_SHA256');
    if (j.digestCrc32c !== undefined && String(crc32c(d)) !== String(j.digestCrc32c)) return err(400, 'INVALID_ARGUMENT', 'The checksum in field digest_crc32c did not match the data in field digest.');
    const sig = signDigest(keys.gcp, d);
    return send(res, 200, { signature: sig.toString('base64'), signatureCrc32c: String(crc32c(sig)), verifiedDigestCrc32c: j.digestCrc32c !== undefined,
      name: gcpVerName, protectionLevel: 'SOFTWARE' });
  }
  return err(404, 'NOT_FOUND', `${name} not found.`);
}

// ---------------------------------------------------------------- Azure Key Vault (keys API)
const azKid = (base) => `${base}/keys/${AZ.keyName}/${AZ.keyVersion}`;
async function handleAzureToken(req, res, body, p) {
  const f = new URLSearchParams(body.toString());
  if (p !== `/${AZ.tenant}/oauth2/v2.0/token`) return send(res, 400, { error: 'invalid_request', error_description: 'AADSTS90002: Tenant not found.' });
  if (f.get('grant_type') !== 'client_credentials' || f.get('client_id') !== AZ.clientId || f.get('client_secret') !== AZ.clientSecret)
    return send(res, 401, { error: 'invalid_client', error_description: 'AADSTS7000215: Invalid client secret provided.' });
  if (f.get('scope') !== 'https://vault.azure.net/.default') return send(res, 400, { error: 'invalid_scope', error_description: 'scope must be https://vault.azure.net/.default' });
  return send(res, 200, { token_type: 'Bearer', expires_in: 3599, ext_expires_in: 3599, access_token: issueToken('azure') });
}
async function handleAzure(req, res, body, p, u, base) {
  if (!u.searchParams.get('api-version')) return send(res, 400, { error: { code: 'BadParameter', message: 'api-version query parameter is required' } });
  if (!tokenOK(bearer(req), 'azure'))
    return send(res, 401, { error: { code: 'Unauthorized', message: 'AKV10000: Request is missing a Bearer or PoP token.' } }, 'application/json',
      { 'WWW-Authenticate': `Bearer authorization="${base}/${AZ.tenant}", resource="https://vault.azure.net"` });
  const m = /^\/keys\/([^/]+)(?:\/([^/]*))?(?:\/(sign|verify))?$/.exec(p);
  if (!m || m[1] !== AZ.keyName || (m[2] && m[2] !== AZ.keyVersion))
    return send(res, 404, { error: { code: 'KeyNotFound', message: `A key with (name/id) ${m ? m[1] : p} was not found in this key vault.` } });
  const j = crypto.createPublicKey(keys.azure).export({ format: 'jwk' });
  if (req.method === 'GET' && !m[3])
    return send(res, 200, { key: { kid: azKid(base), kty: 'EC', key_ops: ['sign', 'verify'], crv: 'P-256', x: j.x, y: j.y },
      attributes: { enabled: true, created: 1700000000, updated: 1700000000, recoveryLevel: 'Recoverable+Purgeable', exportable: false } });
  if (req.method === 'POST' && m[3] === 'sign') {
    let b; try { b = JSON.parse(body.toString()); } catch { return send(res, 400, { error: { code: 'BadParameter', message: 'bad JSON' } }); }
    if (b.alg !== 'ES256') return send(res, 400, { error: { code: 'BadParameter', message: `Algorithm ${b.alg} not supported for key type EC P-256` } });
    const d = Buffer.from(String(b.value || ''), 'base64url');
    if (d.length !== 32) return send(res, 400, { error: { code: 'BadParameter', message: 'ES256 value must be a 32-byte digest' } });
    return send(res, 200, { kid: azKid(base), value: signDigestRaw(keys.azure, d).toString('base64url') });
  }
  return send(res, 405, { error: { code: 'MethodNotAllowed', message: req.method } });
}

// ---------------------------------------------------------------- HashiCorp Vault / OpenBao transit
function handleVault(req, res, body, p) {
  const err = (code, ...errors) => send(res, code, { errors });
  if (req.headers['x-vault-token'] !== VAULT.token) return err(403, 'permission denied');
  const wrap = (data) => send(res, 200, { request_id: crypto.randomUUID(), lease_id: '', renewable: false, lease_duration: 0, data, wrap_info: null, warnings: null, auth: null, mount_type: 'transit' });
  const m = /^\/v1\/([^/]+)\/(keys|sign|verify)\/([^/]+)(?:\/([^/]+))?$/.exec(p);
  if (!m || m[1] !== VAULT.mount) return err(404);
  if (m[3] !== VAULT.key) return err(m[2] === 'keys' ? 404 : 400, m[2] === 'keys' ? undefined : 'signing key not found');
  if (req.method === 'GET' && m[2] === 'keys')
    return wrap({ name: VAULT.key, type: 'ecdsa-p256', latest_version: 1, min_available_version: 0, min_decryption_version: 1, min_encryption_version: 0,
      supports_signing: true, supports_encryption: false, supports_decryption: false, supports_derivation: false, exportable: false, deletion_allowed: false,
      keys: { 1: { creation_time: '2024-01-01T00:00:00Z', name: 'P-256', public_key: pubPEM(keys.vault) } } });
  if ((req.method === 'POST' || req.method === 'PUT') && m[2] === 'sign') {
    let j; try { j = JSON.parse(body.toString()); } catch { return err(400, 'bad JSON'); }
    const hashAlg = m[4] || j.hash_algorithm || 'sha2-256';
    if (hashAlg !== 'sha2-256') return err(400, 'unsupported hash algorithm for this fake: ' + hashAlg);
    const input = Buffer.from(String(j.input || ''), 'base64');
    const prehashed = j.prehashed === true || j.prehashed === 'true';
    if (prehashed && input.length !== 32) return err(400, 'prehashed input must be a sha2-256 digest');
    if (j.key_version !== undefined && !['', '0', '1', 0, 1].includes(j.key_version)) return err(400, 'requested version for signing does not exist');
    const digest = prehashed ? input : sha256(input);
    const sig = (j.marshaling_algorithm === 'jws') ? signDigestRaw(keys.vault, digest).toString('base64url') : signDigest(keys.vault, digest).toString('base64');
    return wrap({ signature: 'vault:v1:' + sig, key_version: 1 });
  }
  return err(405);
}

// ---------------------------------------------------------------- Kubernetes secrets
const secrets = new Map(); // "ns/name" -> Secret object
function handleK8s(req, res, body, p) {
  const status = (code, reason, message, details) => send(res, code, { kind: 'Status', apiVersion: 'v1', metadata: {}, status: 'Failure', message, reason, details, code });
  if (bearer(req) !== K8S.token) return status(401, 'Unauthorized', 'Unauthorized');
  if (p === '/version') return send(res, 200, { major: '1', minor: '30', gitVersion: 'v1.30.0-fake', platform: 'linux/amd64' });
  if (p === '/api') return send(res, 200, { kind: 'APIVersions', versions: ['v1'], serverAddressByClientCIDRs: [{ clientCIDR: '0.0.0.0/0', serverAddress: '127.0.0.1' }] });
  const m = /^\/api\/v1\/namespaces\/([^/]+)\/secrets(?:\/([^/]+))?$/.exec(p);
  if (!m) return status(404, 'NotFound', 'the server could not find the requested resource');
  const [, ns, name] = m;
  if (req.method === 'GET' && name) {
    const s = secrets.get(`${ns}/${name}`);
    return s ? send(res, 200, s) : status(404, 'NotFound', `secrets "${name}" not found`, { name, kind: 'secrets' });
  }
  if (req.method === 'POST' && !name || req.method === 'PUT' && name) {
    let s; try { s = JSON.parse(body.toString()); } catch { return status(400, 'BadRequest', 'bad JSON'); }
    const n = name || (s.metadata && s.metadata.name);
    if (!n) return status(422, 'Invalid', 'metadata.name required');
    if (req.method === 'POST' && secrets.has(`${ns}/${n}`)) return status(409, 'AlreadyExists', `secrets "${n}" already exists`, { name: n, kind: 'secrets' });
    s = { kind: 'Secret', apiVersion: 'v1', type: 'Opaque', ...s, metadata: { ...(s.metadata || {}), name: n, namespace: ns, uid: crypto.randomUUID(), resourceVersion: String(Date.now()) } };
    secrets.set(`${ns}/${n}`, s);
    return send(res, req.method === 'POST' ? 201 : 200, s);
  }
  return status(405, 'MethodNotAllowed', req.method);
}

// ---------------------------------------------------------------- router
function handlerFor(scheme) {
  return async (req, res) => {
    const base = `${scheme}://${req.headers.host}`;
    const u = new URL(req.url, base); const p = u.pathname;
    try {
      const body = await readBody(req);
      log(req.method, req.url, req.headers['x-amz-target'] || '');
      if (req.method === 'POST' && p === '/' && req.headers['x-amz-target']) return await handleAWS(req, res, body);
      if (req.method === 'POST' && p === '/token') return await handleGCPToken(req, res, body);
      if (req.method === 'GET' && p === '/computeMetadata/v1/instance/service-accounts/default/token') {
        if (req.headers['metadata-flavor'] !== 'Google') return send(res, 403, 'Missing Metadata-Flavor:Google header', 'text/plain');
        return send(res, 200, { access_token: issueToken('gcp'), expires_in: 3599, token_type: 'Bearer' });
      }
      if (p.startsWith('/v1/projects/')) return await handleGCP(req, res, body, p, u);
      if (req.method === 'POST' && /^\/[^/]+\/oauth2\/v2\.0\/token$/.test(p)) return await handleAzureToken(req, res, body, p);
      if (p.startsWith('/keys/')) return await handleAzure(req, res, body, p, u, base);
      if (p.startsWith('/v1/')) return handleVault(req, res, body, p);
      if (p === '/version' || p === '/api' || p.startsWith('/api/v1/')) return handleK8s(req, res, body, p);
      return send(res, 404, { message: 'no route ' + req.method + ' ' + p });
    } catch (e) { return send(res, 500, { message: e.stack }); }
  };
}

async function main() {
  fs.mkdirSync(OUT, { recursive: true });
  const srv = http.createServer(handlerFor('http'));
  await new Promise((r) => srv.listen(Number(arg('port', 0)), HOST, r));
  const info = { http: `http://${HOST}:${srv.address().port}`, pid: process.pid };
  if (arg('tls-cert')) {
    const tsrv = https.createServer({ cert: fs.readFileSync(arg('tls-cert')), key: fs.readFileSync(arg('tls-key')) }, handlerFor('https'));
    await new Promise((r) => tsrv.listen(Number(arg('tls-port', 0)), HOST, r));
    info.https = `https://${HOST}:${tsrv.address().port}`;
  }
  const base = info.https || info.http;
  // public keys, and credential files a client under test would be given
  for (const [n, k] of Object.entries(keys)) fs.writeFileSync(path.join(OUT, `${n}.pub.pem`), pubPEM(k));
  fs.writeFileSync(path.join(OUT, 'gcp-service-account.json'), JSON.stringify({
    type: 'service_account', project_id: GCP.project, private_key_id: 'fake-key-id', private_key: gcpSA.export({ format: 'pem', type: 'pkcs8' }),
    client_email: GCP.clientEmail, client_id: '1', token_uri: `${base}/token` }, null, 2));
  if (arg('tls-cert')) {
    fs.writeFileSync(path.join(OUT, 'kubeconfig'), [
      'apiVersion: v1', 'kind: Config', 'current-context: fake',
      'clusters:', '- name: fake', '  cluster:', `    server: ${info.https}`,
      `    certificate-authority-data: ${fs.readFileSync(arg('tls-cert')).toString('base64')}`,
      'users:', '- name: fake', '  user:', `    token: ${K8S.token}`,
      'contexts:', '- name: fake', '  context:', '    cluster: fake', '    user: fake', '    namespace: default', ''].join('\n'));
  }
  fs.writeFileSync(path.join(OUT, 'env.sh'), [
    `# source me: settings a client under test would use against ${base}`,
    `export AWS_ACCESS_KEY_ID=${AWS.accessKeyId} AWS_SECRET_ACCESS_KEY='${AWS.secretAccessKey}' AWS_REGION=us-east-1`,
    `export AWS_KMS_REF=awskms://${base.replace(/^https?:\/\//, '')}/${AWS.keyId} AWS_KMS_ALIAS_REF=awskms://${base.replace(/^https?:\/\//, '')}/${AWS.alias}`,
    `export GOOGLE_APPLICATION_CREDENTIALS=${path.resolve(OUT, 'gcp-service-account.json')} GCE_METADATA_HOST=${info.http.replace(/^http:\/\//, '')}`,
    `export GCP_KMS_REF=gcpkms://${gcpVerName}`,
    `export AZURE_TENANT_ID=${AZ.tenant} AZURE_CLIENT_ID=${AZ.clientId} AZURE_CLIENT_SECRET=${AZ.clientSecret} AZURE_AUTHORITY_HOST=${base}`,
    `export AZURE_KMS_REF=azurekms://${base.replace(/^https?:\/\//, '')}/${AZ.keyName}`,
    `export VAULT_ADDR=${info.http} VAULT_TOKEN=${VAULT.token} TRANSIT_SECRET_ENGINE_PATH=${VAULT.mount} VAULT_KMS_REF=hashivault://${VAULT.key}`,
    arg('tls-cert') ? `export KUBECONFIG=${path.resolve(OUT, 'kubeconfig')}` : '', ''].join('\n'));
  fs.writeFileSync(path.join(OUT, 'info.json'), JSON.stringify(info));
  console.log(JSON.stringify(info));
  const stop = () => process.exit(0);
  process.on('SIGTERM', stop); process.on('SIGINT', stop);
}
module.exports = { checkSigV4, crc32c };
if (require.main === module) main().catch((e) => { console.error(e); process.exit(1); });
