#!/usr/bin/env python3
# SPDX-License-Identifier: Apache-2.0
# Makes the re-signed variants of with-certs.tsr (a real token of the local TSA mock) that the
# [timestamp] unit tests refuse or accept: each changes one field and is signed again with the
# mock TSA's throwaway key (tsa-mock.key.pem), so that only the check of that field can fail.
# Needs python3-cryptography. Run from this directory: ./make_altered.py
import datetime, hashlib
from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec
from cryptography.x509.oid import NameOID, ExtendedKeyUsageOID

def rd(b, i):
    tag = b[i]; i += 1; l = b[i]; i += 1
    if l & 0x80:
        n = l & 0x7f; l = int.from_bytes(b[i:i+n], 'big'); i += n
    return tag, b[i:i+l], i + l

def kids(content):
    out, i = [], 0
    while i < len(content):
        tag, c, j = rd(content, i); out.append((tag, c, content[i:j])); i = j
    return out

def enc(tag, content):
    l = len(content)
    if l < 0x80: return bytes([tag, l]) + content
    lb = l.to_bytes((l.bit_length() + 7) // 8, 'big')
    return bytes([tag, 0x80 | len(lb)]) + lb + content

key = serialization.load_pem_private_key(open('tsa-mock.key.pem', 'rb').read(), None)
resp = open('with-certs.tsr', 'rb').read()
_, resp_c, _ = rd(resp, 0)
status, token = [k[2] for k in kids(resp_c)]
_, ci_c, _ = rd(token, 0)
ct_oid, sd0 = kids(ci_c)
_, sd_c, _ = rd(sd0[1], 0)
version, digalgs, encap, certs, signers = kids(sd_c)
_, encap_oid_and_content = encap[0], encap[1]
eoid, econt = kids(encap[1])
_, tst, _ = rd(econt[1], 0)
leaf_der = kids(certs[1])[0][2]
(si,) = kids(signers[1])
si_version, sid, dalg, sattrs, salg, ssig = kids(si[1])
attrs = kids(sattrs[1])

def attr(oid_hex):
    for a in attrs:
        if kids(a[1])[0][2] == bytes.fromhex(oid_hex): return a[2]
    raise KeyError(oid_hex)

CT = '06092a864886f70d010903'; MD = '06092a864886f70d010904'; ST = '06092a864886f70d010905'
SCV2 = '060b2a864886f70d010910022f'; SCV1 = '060b2a864886f70d010910020c'

def build(tst, leaf, ess_attr, out):
    md = enc(0x30, bytes.fromhex(MD) + enc(0x31, enc(0x04, hashlib.sha256(tst).digest())))
    parts = [attr(CT), attr(ST), md, ess_attr]
    parts.sort(key=lambda p: p)  # DER SET OF: sorted encodings
    signed = b''.join(parts)
    sig = key.sign(enc(0x31, signed), ec.ECDSA(hashes.SHA256()))
    new_si = enc(0x30, si_version[2] + sid[2] + dalg[2] + enc(0xa0, signed) + salg[2] + enc(0x04, sig))
    new_encap = enc(0x30, eoid[2] + enc(0xa0, enc(0x04, tst)))
    sd = enc(0x30, version[2] + digalgs[2] + new_encap + enc(0xa0, leaf) + enc(0x31, new_si))
    ci = enc(0x30, ct_oid[2] + enc(0xa0, sd))
    open(out, 'wb').write(enc(0x30, status + ci))

def ess_v2(cert, serial=None):
    c = x509.load_der_x509_certificate(cert)
    issuer = enc(0x30, enc(0xa4, c.issuer.public_bytes()))
    s = c.serial_number if serial is None else serial
    isr = enc(0x30, issuer + enc(0x02, s.to_bytes((s.bit_length() + 8) // 8, 'big')))
    ess = enc(0x30, enc(0x04, hashlib.sha256(cert).digest()) + isr)
    return enc(0x30, bytes.fromhex(SCV2) + enc(0x31, enc(0x30, enc(0x30, ess))))

def ess_v1(cert):
    ess = enc(0x30, enc(0x04, hashlib.sha1(cert).digest()))
    return enc(0x30, bytes.fromhex(SCV1) + enc(0x31, enc(0x30, enc(0x30, ess))))

def with_gen_time(tst, text):
    items = kids(rd(tst, 0)[1])
    items = [enc(0x18, text) if k[0] == 0x18 else k[2] for k in items]
    return enc(0x30, b''.join(items))

def leaf_like(eku, not_before, not_after):
    orig = x509.load_der_x509_certificate(leaf_der)
    b = (x509.CertificateBuilder().subject_name(orig.subject).issuer_name(orig.issuer)
         .public_key(key.public_key()).serial_number(orig.serial_number)
         .not_valid_before(not_before).not_valid_after(not_after)
         .add_extension(x509.BasicConstraints(ca=False, path_length=None), critical=True)
         .add_extension(x509.KeyUsage(True, False, False, False, False, False, False, False, False), critical=True))
    if eku: b = b.add_extension(x509.ExtendedKeyUsage([ExtendedKeyUsageOID.TIME_STAMPING]), critical=True)
    return b.sign(key, hashes.SHA256()).public_bytes(serialization.Encoding.DER)

orig = x509.load_der_x509_certificate(leaf_der)
gen = [k for k in kids(rd(tst, 0)[1]) if k[0] == 0x18][0][1]
build(tst, leaf_der, ess_v2(leaf_der), 'resigned.tsr')  # the control: must verify
build(with_gen_time(tst, gen[:-1] + b'.51Z'), leaf_der, ess_v2(leaf_der), 'fraction.tsr')
build(tst, leaf_der, ess_v1(leaf_der), 'ess-v1.tsr')
build(tst, leaf_der, ess_v2(leaf_der, orig.serial_number + 1), 'ess-serial.tsr')
noeku = leaf_like(False, orig.not_valid_before_utc, orig.not_valid_after_utc)
build(tst, noeku, ess_v2(noeku), 'no-eku.tsr')
old = leaf_like(True, datetime.datetime(2020, 1, 1, tzinfo=datetime.timezone.utc),
                datetime.datetime(2021, 1, 1, tzinfo=datetime.timezone.utc))
build(tst, old, ess_v2(old), 'expired-leaf.tsr')
late = with_gen_time(tst, b'20271209000000Z')  # after the TSA certificates' NotAfter
build(late, leaf_der, ess_v2(leaf_der), 'after-validity.tsr')
