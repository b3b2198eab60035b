"""Certificates the platform signs with: each agency's document-signing certificate as a PKCS#12 file.

In production the files come from the government's certification authority (the agency's organisation
certificate) and are dropped into ``SMARTGOV_PKI_DIR`` as ``<agency code>.p12``, and
``SMARTGOV_SIGNING_TRUST_ROOTS`` lists that authority's root certificates. The demo and the tests run their
own local CA (``SMARTGOV_PKI_LOCAL_CA``): it is created on first use and issues a certificate to an agency
that has none. ``smartgov pki`` does the same by hand.
"""

import datetime as dt
import os
import time
from collections.abc import Callable
from pathlib import Path

from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec
from cryptography.hazmat.primitives.serialization import pkcs12
from cryptography.x509.oid import ExtendedKeyUsageOID, NameOID
from django.conf import settings

from smartgov.platform.models import Agency

CA_NAME = "SmartGov Local CA"


class PkiMissing(Exception):
    """No certificate for this agency, and no local CA allowed to issue one."""


def _dir() -> Path:
    path = Path(settings.SMARTGOV_PKI_DIR)
    path.mkdir(parents=True, exist_ok=True, mode=0o700)
    return path


def _passphrase() -> bytes:
    return settings.SMARTGOV_SIGNING_PASSPHRASE.encode()


def pki_path(name: str) -> Path:
    """A file of ``SMARTGOV_PKI_DIR`` (the folder is made, private, on first use)."""
    return _dir() / name


def private_file_write(path: Path, data: bytes) -> None:
    """Write a key (or anything secret): readable by this account only, and never seen half-written."""
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_suffix(path.suffix + ".tmp")
    fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    with os.fdopen(fd, "wb") as out:
        out.write(data)
    tmp.replace(path)  # atomic: a reader never sees half a key


def private_file_create(path: Path, make: Callable[[], bytes]) -> bytes:
    """The content of the private file ``path``, written with ``make()`` first when it does not exist. Two
    processes creating it at once agree on one content: the file appears whole, and only once (a hard link
    never replaces an existing file), and the loser reads the winner's."""
    if not path.exists():
        path.parent.mkdir(parents=True, exist_ok=True, mode=0o700)
        tmp = path.with_name(f".{path.name}.{os.getpid()}.{time.monotonic_ns()}.tmp")
        fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
        with os.fdopen(fd, "wb") as out:
            out.write(make())
            out.flush()
            os.fsync(out.fileno())
        try:
            os.link(tmp, path)
        except FileExistsError:
            pass
        finally:
            tmp.unlink()
    return path.read_bytes()


def _ca_create() -> None:
    """Create the local CA when it is missing; refused when the deployment uses a real CA."""
    if not settings.SMARTGOV_PKI_LOCAL_CA:
        raise PkiMissing("the local CA is off (SMARTGOV_PKI_LOCAL_CA): install the agencies' PKCS#12 files")
    key_path, cert_path = _dir() / "ca.key.pem", _dir() / "ca.pem"
    if not cert_path.exists():
        key = ec.generate_private_key(ec.SECP256R1())
        name = x509.Name(
            [
                x509.NameAttribute(NameOID.COUNTRY_NAME, "VN"),
                x509.NameAttribute(NameOID.ORGANIZATION_NAME, "SmartGov"),
                x509.NameAttribute(NameOID.COMMON_NAME, CA_NAME),
            ]
        )
        now = dt.datetime.now(dt.UTC)
        cert = (
            x509.CertificateBuilder()
            .subject_name(name)
            .issuer_name(name)
            .public_key(key.public_key())
            .serial_number(x509.random_serial_number())
            .not_valid_before(now - dt.timedelta(minutes=5))
            .not_valid_after(now + dt.timedelta(days=3650))
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
            .add_extension(x509.SubjectKeyIdentifier.from_public_key(key.public_key()), critical=False)
            .sign(key, hashes.SHA256())
        )
        private_file_write(
            key_path,
            key.private_bytes(
                serialization.Encoding.PEM,
                serialization.PrivateFormat.PKCS8,
                serialization.BestAvailableEncryption(_passphrase()),
            ),
        )
        private_file_write(cert_path, cert.public_bytes(serialization.Encoding.PEM))


def ca_certificate() -> x509.Certificate:
    """The local CA's certificate (the CA created on first use)."""
    _ca_create()
    return x509.load_pem_x509_certificate((_dir() / "ca.pem").read_bytes())


def ca_ensure() -> tuple[x509.Certificate, ec.EllipticCurvePrivateKey]:
    """The local CA's certificate and key, to issue with."""
    cert = ca_certificate()
    loaded = serialization.load_pem_private_key((_dir() / "ca.key.pem").read_bytes(), password=_passphrase())
    assert isinstance(loaded, ec.EllipticCurvePrivateKey)  # noqa: S101 - written by _ca_create
    return cert, loaded


def agency_pkcs12_path(agency: Agency) -> Path:
    return _dir() / f"{agency.code}.p12"


def agency_certificate_issue(agency: Agency, *, days: int = 1095) -> Path:
    """Issue (or renew) the agency's document-signing certificate from the local CA, as a PKCS#12 file."""
    ca_cert, ca_key = ca_ensure()
    key = ec.generate_private_key(ec.SECP256R1())
    subject = x509.Name(
        [
            x509.NameAttribute(NameOID.COUNTRY_NAME, "VN"),
            x509.NameAttribute(NameOID.ORGANIZATION_NAME, agency.name[:64]),
            x509.NameAttribute(NameOID.ORGANIZATIONAL_UNIT_NAME, agency.code[:64]),
            x509.NameAttribute(NameOID.COMMON_NAME, agency.name[:64]),
        ]
    )
    cert = (
        _leaf(subject, key, days=days, usage=ExtendedKeyUsageOID.EMAIL_PROTECTION)
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
        .sign(ca_key, hashes.SHA256())
    )
    data = pkcs12.serialize_key_and_certificates(
        name=agency.code.encode(),
        key=key,
        cert=cert,
        cas=[ca_cert],
        encryption_algorithm=serialization.BestAvailableEncryption(_passphrase()),
    )
    path = agency_pkcs12_path(agency)
    private_file_write(path, data)
    return path


def agency_pkcs12_file(agency: Agency) -> Path:
    """The agency's PKCS#12 file (key and certificate chain, protected by SMARTGOV_SIGNING_PASSPHRASE); the local
    CA issues it on first use when it is on."""
    path = agency_pkcs12_path(agency)
    if not path.exists():
        if not settings.SMARTGOV_PKI_LOCAL_CA:
            raise PkiMissing(f"no signing certificate for agency {agency.code}: install {path}")
        agency_certificate_issue(agency)
    return path


def signing_passphrase() -> bytes:
    return _passphrase()


def trust_roots() -> list[x509.Certificate]:
    """The certificates a signature must chain to: the configured roots, and the local CA when it is on."""
    roots = [x509.load_pem_x509_certificate(Path(p).read_bytes()) for p in settings.SMARTGOV_SIGNING_TRUST_ROOTS]
    if settings.SMARTGOV_PKI_LOCAL_CA:
        roots.append(ca_certificate())
    return roots


# --- TLS: client certificates for the data-exchange gateway, and the gateway's own server certificate ----------
def _leaf(
    subject: x509.Name, key: ec.EllipticCurvePrivateKey, *, days: int, usage: x509.ObjectIdentifier
) -> x509.CertificateBuilder:
    """An end-entity certificate from the local CA, valid from five minutes ago for ``days``, for ``usage``."""
    ca_cert, ca_key = ca_ensure()
    now = dt.datetime.now(dt.UTC)
    return (
        x509.CertificateBuilder()
        .subject_name(subject)
        .issuer_name(ca_cert.subject)
        .public_key(key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(now - dt.timedelta(minutes=5))
        .not_valid_after(now + dt.timedelta(days=days))
        .add_extension(x509.BasicConstraints(ca=False, path_length=None), critical=True)
        .add_extension(x509.ExtendedKeyUsage([usage]), critical=False)
        .add_extension(x509.AuthorityKeyIdentifier.from_issuer_public_key(ca_key.public_key()), critical=False)
    )


def _tls_certificate(
    subject: x509.Name,
    key: ec.EllipticCurvePrivateKey,
    *,
    days: int,
    usage: x509.ObjectIdentifier,
    names: list[x509.GeneralName] | None = None,
) -> x509.Certificate:
    builder = _leaf(subject, key, days=days, usage=usage)
    if names:
        builder = builder.add_extension(x509.SubjectAlternativeName(names), critical=False)
    _ca_cert, ca_key = ca_ensure()
    return builder.sign(ca_key, hashes.SHA256())


def client_certificate_issue(*, common_name: str, organisation: str, days: int = 365) -> tuple[bytes, x509.Certificate]:
    """A TLS client certificate from the local CA. Returns (the private key as PEM, unencrypted, the certificate):
    the key is handed to the client once and not kept."""
    key = ec.generate_private_key(ec.SECP256R1())
    subject = x509.Name(
        [
            x509.NameAttribute(NameOID.COUNTRY_NAME, "VN"),
            x509.NameAttribute(NameOID.ORGANIZATION_NAME, organisation[:64] or "-"),
            x509.NameAttribute(NameOID.COMMON_NAME, common_name[:64]),
        ]
    )
    cert = _tls_certificate(subject, key, days=days, usage=ExtendedKeyUsageOID.CLIENT_AUTH)
    pem = key.private_bytes(serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8, serialization.NoEncryption())
    return pem, cert


def server_tls_files(hostnames: list[str]) -> tuple[Path, Path]:
    """The gateway's TLS certificate and key (PEM files in SMARTGOV_PKI_DIR), issued by the local CA when
    missing. Production points SMARTGOV_EXCHANGE_TLS_CERT/KEY at files from its own CA instead."""
    import ipaddress

    cert_path, key_path = _dir() / "gateway-tls.pem", _dir() / "gateway-tls.key.pem"
    if cert_path.exists() and key_path.exists():
        return cert_path, key_path
    key = ec.generate_private_key(ec.SECP256R1())
    names: list[x509.GeneralName] = []
    for host in hostnames:
        try:
            names.append(x509.IPAddress(ipaddress.ip_address(host)))
        except ValueError:
            names.append(x509.DNSName(host))
    subject = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, hostnames[0])])
    cert = _tls_certificate(subject, key, days=825, usage=ExtendedKeyUsageOID.SERVER_AUTH, names=names)
    private_file_write(
        key_path,
        key.private_bytes(serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8, serialization.NoEncryption()),
    )
    private_file_write(
        cert_path,
        cert.public_bytes(serialization.Encoding.PEM) + ca_certificate().public_bytes(serialization.Encoding.PEM),
    )
    return cert_path, key_path


def ca_file() -> Path:
    """The local CA's certificate as a PEM file (what TLS peers are checked against)."""
    ca_certificate()
    return _dir() / "ca.pem"
