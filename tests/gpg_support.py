"""A throwaway GPG key pair for backup tests: the private half stays here,
the code under test only ever gets the public one."""

from __future__ import annotations

import shutil
import subprocess
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass


@dataclass(frozen=True)
class KeyPair:
    home: str  # a GNUPGHOME holding the private key
    fingerprint: str
    public: str  # armored


def kill_agent(home: str) -> None:
    """Stop the gpg-agent that gpg may have started for `home`."""
    subprocess.run(["gpgconf", "--homedir", home, "--kill", "all"],  # noqa: S603,S607
                   check=False, capture_output=True)


@contextmanager
def throwaway_keypair() -> Iterator[KeyPair]:
    """An unprotected ed25519/cv25519 pair (fast to make) in a temporary home."""
    import gnupg

    home = tempfile.mkdtemp(prefix="weiai-test-gpg-")
    try:
        gpg = gnupg.GPG(gnupghome=home)
        key = gpg.gen_key(gpg.gen_key_input(
            key_type="EDDSA", key_curve="ed25519", subkey_type="ECDH",
            subkey_curve="cv25519", name_email="restore-drill@example.cn",
            expire_date=0, no_protection=True))
        assert key.fingerprint, key.status
        yield KeyPair(home, key.fingerprint, gpg.export_keys(key.fingerprint))
    finally:
        kill_agent(home)
        shutil.rmtree(home, ignore_errors=True)
