"""A small certificate authority for demos, tests and closed networks.

Real signers use certificates from the Government Cipher Committee's CA (VGCA) on USB tokens;
this module lets a deployment without one issue its own: a CA certificate, and PKCS#12 files
for the chair and the secretary (key, certificate and the CA chain, protected by a passphrase).

Keys are ECDSA on P-256, which pyHanko, poppler's pdfsig (NSS) and Adobe Reader all verify.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec, rsa
from cryptography.hazmat.primitives.serialization import pkcs12
from cryptography.x509.oid import ExtendedKeyUsageOID, NameOID, ObjectIdentifier

# RFC 9336 id-kp-documentSigning.
DOCUMENT_SIGNING = ObjectIdentifier("1.3.6.1.5.5.7.3.36")
_BACKDATE = timedelta(hours=1)  # tolerate clocks a little behind ours


@dataclass(frozen=True)
class SignerCredentials:
    """What a PKCS#12 file holds."""

    key: ec.EllipticCurvePrivateKey
    certificate: x509.Certificate
    chain: tuple[x509.Certificate, ...]


def create_ca(
    common_name: str, organization: str, *, valid_days: int = 3650
) -> tuple[bytes, bytes]:
    """A self-signed CA. Returns (unencrypted private key PEM, certificate PEM)."""
    key = ec.generate_private_key(ec.SECP256R1())
    name = _name(common_name, organization)
    now = datetime.now(UTC)
    ski = x509.SubjectKeyIdentifier.from_public_key(key.public_key())
    certificate = (
        x509.CertificateBuilder()
        .subject_name(name)
        .issuer_name(name)
        .public_key(key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(now - _BACKDATE)
        .not_valid_after(now + timedelta(days=valid_days))
        .add_extension(x509.BasicConstraints(ca=True, path_length=0), critical=True)
        .add_extension(
            x509.KeyUsage(
                digital_signature=False,
                content_commitment=False,
                key_encipherment=False,
                data_encipherment=False,
                key_agreement=False,
                key_cert_sign=True,
                crl_sign=True,
                encipher_only=False,
                decipher_only=False,
            ),
            critical=True,
        )
        .add_extension(ski, critical=False)
        .add_extension(
            x509.AuthorityKeyIdentifier.from_issuer_subject_key_identifier(ski), critical=False
        )
        .sign(key, hashes.SHA256())
    )
    key_pem = key.private_bytes(
        serialization.Encoding.PEM,
        serialization.PrivateFormat.PKCS8,
        serialization.NoEncryption(),
    )
    return key_pem, certificate.public_bytes(serialization.Encoding.PEM)


def issue_signer(
    ca_key_pem: bytes,
    ca_cert_pem: bytes,
    *,
    common_name: str,
    organization: str,
    email: str | None = None,
    valid_days: int = 1095,
    passphrase: bytes,
) -> bytes:
    """A signing certificate for one person, as PKCS#12 (key, certificate, CA) under passphrase."""
    if not passphrase:
        raise ValueError(
            "Cần mật khẩu để bảo vệ tệp PKCS#12. / A passphrase is required to protect the "
            "PKCS#12 file."
        )
    ca_key = serialization.load_pem_private_key(ca_key_pem, password=None)
    ca_cert = x509.load_pem_x509_certificate(ca_cert_pem)
    if not isinstance(ca_key, (ec.EllipticCurvePrivateKey, rsa.RSAPrivateKey)):
        raise ValueError("The CA key must be an EC or RSA private key.")

    key = ec.generate_private_key(ec.SECP256R1())
    now = datetime.now(UTC)
    builder = (
        x509.CertificateBuilder()
        .subject_name(_name(common_name, organization))
        .issuer_name(ca_cert.subject)
        .public_key(key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(now - _BACKDATE)
        .not_valid_after(min(now + timedelta(days=valid_days), ca_cert.not_valid_after_utc))
        .add_extension(x509.BasicConstraints(ca=False, path_length=None), critical=True)
        .add_extension(
            x509.KeyUsage(
                digital_signature=True,
                content_commitment=True,
                key_encipherment=False,
                data_encipherment=False,
                key_agreement=False,
                key_cert_sign=False,
                crl_sign=False,
                encipher_only=False,
                decipher_only=False,
            ),
            critical=True,
        )
        .add_extension(
            # NSS (pdfsig) checks signer certificates for the e-mail signing usage.
            x509.ExtendedKeyUsage([ExtendedKeyUsageOID.EMAIL_PROTECTION, DOCUMENT_SIGNING]),
            critical=False,
        )
        .add_extension(x509.SubjectKeyIdentifier.from_public_key(key.public_key()), critical=False)
        .add_extension(
            x509.AuthorityKeyIdentifier.from_issuer_subject_key_identifier(
                ca_cert.extensions.get_extension_for_class(x509.SubjectKeyIdentifier).value
            ),
            critical=False,
        )
    )
    if email:
        builder = builder.add_extension(
            x509.SubjectAlternativeName([x509.RFC822Name(email)]), critical=False
        )
    certificate = builder.sign(ca_key, hashes.SHA256())
    return pkcs12.serialize_key_and_certificates(
        name=common_name.encode("utf-8"),
        key=key,
        cert=certificate,
        cas=[ca_cert],
        encryption_algorithm=serialization.BestAvailableEncryption(passphrase),
    )


def load_p12(p12: bytes, passphrase: bytes) -> SignerCredentials:
    """Open a PKCS#12 file made by `issue_signer` (or any EC signing PKCS#12)."""
    try:
        key, certificate, chain = pkcs12.load_key_and_certificates(p12, passphrase)
    except ValueError as exc:
        raise ValueError(
            "Không mở được tệp PKCS#12: sai mật khẩu hoặc tệp hỏng. / Could not open the "
            "PKCS#12 file: wrong passphrase or damaged file."
        ) from exc
    if certificate is None or not isinstance(key, ec.EllipticCurvePrivateKey):
        raise ValueError(
            "Tệp PKCS#12 không chứa khóa EC và chứng thư. / The PKCS#12 file holds no EC key "
            "with its certificate."
        )
    return SignerCredentials(key=key, certificate=certificate, chain=tuple(chain))


def _name(common_name: str, organization: str) -> x509.Name:
    return x509.Name(
        [
            x509.NameAttribute(NameOID.COUNTRY_NAME, "VN"),
            x509.NameAttribute(NameOID.ORGANIZATION_NAME, organization),
            x509.NameAttribute(NameOID.COMMON_NAME, common_name),
        ]
    )
