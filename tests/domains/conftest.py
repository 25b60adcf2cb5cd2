"""A real DNS server on 127.0.0.1 for the domain tests, answering the TXT records a test sets."""

import socket
from dataclasses import dataclass, field

import pytest
from dnslib import QTYPE, RCODE, RR, TXT
from dnslib.server import BaseResolver, DNSLogger, DNSServer


class TxtRecords(BaseResolver):
    """Answers TXT queries from a dict; any other name does not exist (NXDOMAIN)."""

    def __init__(self):
        self.records: dict[str, list[str]] = {}
        self.queries: list[str] = []

    def resolve(self, request, handler):
        reply = request.reply()
        name = str(request.q.qname).rstrip(".").lower()
        self.queries.append(name)
        if name not in self.records:
            reply.header.rcode = RCODE.NXDOMAIN
        elif request.q.qtype == QTYPE.TXT:
            for value in self.records[name]:
                reply.add_answer(RR(request.q.qname, QTYPE.TXT, rdata=TXT(value), ttl=60))
        return reply


def free_udp_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_DGRAM) as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


@dataclass
class Dns:
    resolver: TxtRecords
    address: str
    servers: list = field(default_factory=list)

    def set_txt(self, name: str, *values: str) -> None:
        self.resolver.records[name] = list(values)


@pytest.fixture
def dns_server():
    """A DNS server on a free UDP port of 127.0.0.1; stopped and closed after the test."""
    resolver = TxtRecords()
    port = free_udp_port()
    server = DNSServer(
        resolver, address="127.0.0.1", port=port, logger=DNSLogger(logf=lambda _line: None)
    )
    server.start_thread()
    yield Dns(resolver=resolver, address=f"127.0.0.1:{port}")
    server.stop()
    server.server.server_close()
    server.thread.join(timeout=5)


@pytest.fixture
def dns(app, dns_server):
    """The app asks only the test's DNS server."""
    app.config["DNS_RESOLVER"] = dns_server.address
    app.config["DNS_TIMEOUT"] = 2
    return dns_server


@pytest.fixture
def dns_down(app):
    """The app asks a port where no DNS server listens."""
    app.config["DNS_RESOLVER"] = f"127.0.0.1:{free_udp_port()}"
    app.config["DNS_TIMEOUT"] = 0.5
    return app
