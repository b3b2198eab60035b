"""How passwords and OAuth client secrets are stored.

People's passwords are guessable, so they get Argon2id, slow on purpose. A client secret is 128 random
characters drawn by django-oauth-toolkit (about 760 bits): no one can guess it, however fast the hash, so a
slow hash would only make every token request of a confidential client pay ~tens of milliseconds of CPU
for nothing (see docs/benchmarks.md). Client secrets are stored as salted PBKDF2-SHA256 with few iterations:
still never in clear, and verified in well under a millisecond.
"""

from django.contrib.auth.hashers import Argon2PasswordHasher, PBKDF2PasswordHasher


class ClientSecretHasher(PBKDF2PasswordHasher):
    algorithm = "pbkdf2_sha256_client"
    iterations = 1000


class PasswordHasher(Argon2PasswordHasher):
    """People's passwords: Argon2id, time cost 2, 46 MiB, one lane (~90 ms of one core per sign-in).

    Chosen from ``benchmarks/bench_password_hash.py`` (figures and reasoning in docs/benchmarks.md): under
    100 ms of CPU per sign-in, 46 MiB per sign-in in progress, and 2.4 times the memory-time per guess of
    OWASP's minimum. Django's default (100 MiB, 8 lanes) costs more than twice the CPU per sign-in and twice
    the memory, for a web tier that must absorb the morning's sign-ins. Hashes made with other parameters
    still verify and are re-hashed with these at the next sign-in.
    """

    time_cost = 2
    memory_cost = 47_104
    parallelism = 1
