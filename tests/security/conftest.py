"""The domain tests' DNS server, so the adversarial walk's domain check has a record to find."""

from tests.domains.conftest import dns_server  # noqa: F401 (a fixture)
