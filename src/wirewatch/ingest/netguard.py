"""Which addresses wirewatch fetches from: public ones only, unless the user allows a range.

A URL or feed item is untrusted input, and a fetch from inside a network reaches what the open
web cannot: the cloud metadata service (169.254.169.254), the router, databases on 10.x or on
127.0.0.1. So every connection is checked by the address it goes to, not by how the URL spells
it ("2130706433", "0x7f.1", "[::ffff:127.0.0.1]" and a name that resolves to 10.0.0.1 are all
refused): the host is resolved once, each address is checked, and the connection is made to
the checked address itself (the Host header and TLS SNI keep the name), so a DNS answer that
changes between the check and the connect (DNS rebinding) finds nothing to change. Redirects
and robots.txt go through the same connections, so every hop is checked.

Refused: loopback, private (RFC 1918, unique-local), link-local (the metadata service),
carrier-grade NAT, multicast, unspecified, reserved and documentation ranges, and IPv6 forms
that embed one of these (IPv4-mapped, 6to4, NAT64, Teredo). `[ingest] allow_networks` (CLI
`--allow-network`) lists ranges to fetch from anyway, e.g. "127.0.0.0/8" for a local server.
"""

from __future__ import annotations

import ipaddress
import socket
from collections.abc import Iterable
from typing import Any

import httpcore
import httpx

from wirewatch import errors
from wirewatch.errors import WirewatchError

IPAddress = ipaddress.IPv4Address | ipaddress.IPv6Address
IPNetwork = ipaddress.IPv4Network | ipaddress.IPv6Network

_NAT64 = ipaddress.ip_network("64:ff9b::/96")


class AddressNotAllowed(Exception):
    """A connection to an address the policy refuses (raised before any packet is sent)."""

    def __init__(self, host: str, address: str, kind: str):
        shown = host if host == address else f"{host} ({address})"
        super().__init__(
            f"refused to fetch from {shown}: a {kind} address "
            "(allow its range with [ingest] allow_networks or --allow-network)"
        )
        self.host, self.address, self.kind = host, address, kind


def parse_networks(ranges: Iterable[str]) -> list[IPNetwork]:
    """CIDR ranges ("127.0.0.0/8", "::1/128", "10.1.2.3") or a W021 error naming the bad one."""
    out: list[IPNetwork] = []
    for text in ranges:
        try:
            out.append(ipaddress.ip_network(str(text).strip(), strict=False))
        except ValueError:
            raise WirewatchError(
                errors.CONFIG_ERROR, f"allow_networks: '{text}' is not an address range (e.g. 127.0.0.0/8)"
            ) from None
    return out


def _embedded(address: IPAddress) -> IPAddress:
    """The IPv4 address an IPv6 one carries (mapped, 6to4, NAT64, Teredo), else itself."""
    if isinstance(address, ipaddress.IPv6Address):
        if address.ipv4_mapped:
            return address.ipv4_mapped
        if address.sixtofour:
            return address.sixtofour
        if address.teredo:
            return address.teredo[1]
        if address in _NAT64:
            return ipaddress.IPv4Address(int(address) & 0xFFFFFFFF)
    return address


def kind_of(address: IPAddress) -> str | None:
    """Why an address is not a public one ('loopback', 'private', ...), or None when it is."""
    candidate = _embedded(address)  # an IPv6 form of an IPv4 address is judged as that address
    for kind in ("loopback", "link_local", "multicast", "unspecified", "private", "reserved"):
        if getattr(candidate, f"is_{kind}"):
            return kind.replace("_", "-")
    if not candidate.is_global:  # carrier-grade NAT, benchmarking, documentation ranges
        return "non-public"
    return None


class AddressPolicy:
    """Public addresses, plus the ranges the user allows."""

    def __init__(self, allow: Iterable[str] = ()):
        self.allowed = parse_networks(allow)

    def refusal(self, address: IPAddress) -> str | None:
        """Why a connection to `address` is refused, or None when it is allowed."""
        if any(address in net or _embedded(address) in net for net in self.allowed):
            return None
        return kind_of(address)

    def resolve(self, host: str, port: int) -> list[str]:
        """The addresses of `host` to connect to, every one of them checked; AddressNotAllowed
        when any is refused (a name that also points inside is not fetched at all)."""
        literal = self.resolve_literal(host)
        if literal is not None:
            return literal
        infos = socket.getaddrinfo(host, port, type=socket.SOCK_STREAM)
        return self._checked(host, [ipaddress.ip_address(info[4][0].split("%", 1)[0]) for info in infos])

    def resolve_literal(self, host: str) -> list[str] | None:
        """For a host that is an address itself ("10.0.0.1", "[::1]"): that address, checked;
        None for a name (which only DNS can answer)."""
        try:
            address = ipaddress.ip_address(host.strip("[]"))
        except ValueError:
            return None
        return self._checked(host, [address])

    def _checked(self, host: str, candidates: list[IPAddress]) -> list[str]:
        seen: list[str] = []
        for address in candidates:
            kind = self.refusal(address)
            if kind:
                raise AddressNotAllowed(host, str(address), kind)
            if str(address) not in seen:
                seen.append(str(address))
        return seen


class GuardedBackend(httpcore.NetworkBackend):
    """httpcore's network backend with every TCP connection checked by `AddressPolicy` and made
    to the address that was checked (TLS still verifies and names the host)."""

    def __init__(self, policy: AddressPolicy, backend: httpcore.NetworkBackend | None = None):
        self.policy = policy
        self.backend = backend or httpcore.SyncBackend()

    def connect_tcp(
        self, host: str, port: int, timeout: float | None = None, local_address: str | None = None,
        socket_options: Iterable[Any] | None = None,
    ) -> httpcore.NetworkStream:  # fmt: skip
        try:
            addresses = self.policy.resolve(host, port)
        except socket.gaierror as exc:
            raise httpcore.ConnectError(f"cannot resolve {host} ({exc.strerror})") from exc
        last: Exception | None = None
        for address in addresses:
            try:
                return self.backend.connect_tcp(address, port, timeout, local_address, socket_options)
            except (httpcore.ConnectError, httpcore.ConnectTimeout) as exc:
                last = exc
        raise last or httpcore.ConnectError(f"no address for {host}")

    def connect_unix_socket(self, path: str, timeout: float | None = None,
                            socket_options: Iterable[Any] | None = None) -> httpcore.NetworkStream:  # fmt: skip
        raise httpcore.ConnectError("unix sockets are not fetched from")

    def sleep(self, seconds: float) -> None:
        self.backend.sleep(seconds)


def guarded_transport(policy: AddressPolicy) -> httpx.HTTPTransport:
    """An httpx transport whose connections all go through `GuardedBackend` (no proxy from the
    environment: a proxy would resolve and connect where the policy cannot see)."""
    transport = httpx.HTTPTransport(trust_env=False)
    # httpx builds its httpcore pool with no way to pass a network backend: the same pool (httpx's
    # default limits), built with ours; tests/ingest check refused addresses are never reached
    limits = httpx.Limits(max_connections=100, max_keepalive_connections=20, keepalive_expiry=5.0)
    transport._pool = httpcore.ConnectionPool(
        ssl_context=httpx.create_ssl_context(trust_env=False),
        max_connections=limits.max_connections,
        max_keepalive_connections=limits.max_keepalive_connections,
        keepalive_expiry=limits.keepalive_expiry,
        network_backend=GuardedBackend(policy),
    )
    return transport
