"""Internal addresses are never fetched (issue 14, item 3), and slow sources end at their deadlines
(item 4). Everything here talks to 127.0.0.1 only; the internal addresses of other ranges are
fetched only inside a network namespace with no network (`unshare -n`), so nothing leaves the
machine even if the guard failed."""

from __future__ import annotations

import ipaddress
import json
import shutil
import subprocess
import sys
import threading
import time
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from wirewatch import errors
from wirewatch.config import IngestOptions
from wirewatch.errors import InputProblem, WirewatchError
from wirewatch.ingest import netguard, read_inputs
from wirewatch.ingest.netguard import AddressNotAllowed, AddressPolicy
from wirewatch.records import RawDocument

PAGE = (
    "<html><head><title>Clash</title></head><body><article><p>Gunmen attacked a police post in "
    "Bannu on Monday, killing three officers, police said. The attack lasted two hours.</p>"
    "</article></body></html>"
)

INTERNAL = [
    "127.0.0.1", "127.8.9.10", "10.0.0.1", "172.16.5.4", "192.168.1.1", "169.254.169.254", "100.64.0.1",
    "0.0.0.0", "224.0.0.1", "255.255.255.255", "198.18.0.1", "192.0.2.1", "::1", "::", "fe80::1",
    "fc00::1", "fd12:3456::1", "::ffff:127.0.0.1", "::ffff:169.254.169.254", "::ffff:10.0.0.1",
    "2002:7f00:1::1", "2002:a9fe:a9fe::1", "64:ff9b::a9fe:a9fe", "64:ff9b::7f00:1", "ff02::1",
]  # fmt: skip
PUBLIC = ["93.184.216.34", "1.1.1.1", "8.8.8.8", "2606:4700:4700::1111", "::ffff:93.184.216.34"]


@pytest.mark.parametrize("address", INTERNAL)
def test_internal_addresses_are_refused(address):
    assert AddressPolicy().refusal(ipaddress.ip_address(address)) is not None


@pytest.mark.parametrize("address", PUBLIC)
def test_public_addresses_are_allowed(address):  # only classified here: never connected to
    assert AddressPolicy().refusal(ipaddress.ip_address(address)) is None


@given(st.ip_addresses(v=4))
@settings(max_examples=300, deadline=None)
def test_every_ipv4_spelled_as_ipv6_gets_the_same_answer(address):
    mapped = ipaddress.IPv6Address(f"::ffff:{address}")
    policy = AddressPolicy()
    assert (policy.refusal(mapped) is None) == (policy.refusal(address) is None)


def test_allowed_ranges_and_bad_ranges():
    policy = AddressPolicy(["127.0.0.0/8", "10.1.2.3"])
    assert policy.refusal(ipaddress.ip_address("127.0.0.2")) is None
    assert policy.refusal(ipaddress.ip_address("::ffff:127.0.0.2")) is None
    assert policy.refusal(ipaddress.ip_address("10.1.2.3")) is None
    assert policy.refusal(ipaddress.ip_address("10.1.2.4")) == "private"
    with pytest.raises(WirewatchError) as bad:
        AddressPolicy(["not-a-range"])
    assert bad.value.code == errors.CONFIG_ERROR and "not-a-range" in bad.value.message


def test_spellings_of_loopback_resolve_to_what_they_are():
    policy = AddressPolicy()
    for host in ("127.0.0.1", "2130706433", "0x7f000001", "0177.0.0.1", "127.1", "localhost", "[::1]"):
        with pytest.raises(AddressNotAllowed) as refused:
            policy.resolve(host, 80)
        assert refused.value.kind == "loopback", host


# -- a loopback server -------------------------------------------------------------------------------------
class _Handler(BaseHTTPRequestHandler):
    hits: list[str] = []
    delay = 0.0

    def log_message(self, *_args: object) -> None:
        pass

    def do_GET(self) -> None:
        _Handler.hits.append(self.path)
        if self.path == "/robots.txt":
            self.send_response(404)
            self.end_headers()
            return
        if self.path.startswith("/to-other-loopback"):
            self.send_response(302)
            self.send_header("Location", f"http://127.0.0.2:{self.server.server_address[1]}/page.html")
            self.end_headers()
            return
        if self.path.startswith("/feed.xml"):
            port = self.server.server_address[1]
            items = "".join(f"<item><title>Item {i}</title><link>http://127.0.0.1:{port}/slow/{i}.html</link></item>"
                            for i in range(8))  # fmt: skip
            body = f'<?xml version="1.0"?><rss version="2.0"><channel><title>t</title>{items}</channel></rss>'
            self._send(body.encode(), "application/rss+xml")
            return
        if self.path.startswith("/slow/"):
            time.sleep(_Handler.delay)
        self._send(PAGE.encode(), "text/html; charset=utf-8")

    def _send(self, body: bytes, kind: str) -> None:
        self.send_response(200)
        self.send_header("Content-Type", kind)
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        try:
            self.wfile.write(body)
        except (BrokenPipeError, ConnectionResetError):
            pass  # the fetcher gave up on a slow item (its deadline): what the deadline tests want


@pytest.fixture
def server() -> Iterator[str]:
    srv = ThreadingHTTPServer(("127.0.0.1", 0), _Handler)
    srv.daemon_threads = True
    _Handler.hits, _Handler.delay = [], 0.0
    thread = threading.Thread(target=srv.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{srv.server_address[1]}"
    finally:
        srv.shutdown()
        srv.server_close()


def _read(urls: list[str], **settings) -> tuple[list[RawDocument], list[InputProblem]]:  # type: ignore[no-untyped-def]
    options = IngestOptions(**({"backoff_s": 0.01, "timeout_s": 5.0, "retries": 0} | settings))
    items = list(read_inputs(urls, options))
    return [i for i in items if isinstance(i, RawDocument)], [i for i in items if isinstance(i, InputProblem)]


def test_loopback_is_refused_unless_allowed(server):  # type: ignore[no-untyped-def]
    docs, problems = _read([server + "/page.html"])
    assert docs == [] and [p.code for p in problems] == [errors.ADDRESS_NOT_ALLOWED]
    assert "loopback" in problems[0].message and "allow_networks" in problems[0].message
    assert _Handler.hits == []  # not one request reached the server (robots.txt neither)
    docs, problems = _read([server + "/page.html"], allow_networks=["127.0.0.1/32"])
    assert len(docs) == 1 and problems == []


def test_a_redirect_to_an_address_not_allowed_is_refused(server):  # type: ignore[no-untyped-def]
    docs, problems = _read([server + "/to-other-loopback"], allow_networks=["127.0.0.1/32"])
    assert docs == [] and [p.code for p in problems] == [errors.ADDRESS_NOT_ALLOWED]
    assert "127.0.0.2" in problems[0].message


def test_the_address_is_checked_again_when_connecting(server, monkeypatch):  # type: ignore[no-untyped-def]
    """DNS rebinding: a name that resolves to an allowed address when checked and to another one
    when connected finds the connection made to the address checked, or refused."""
    port = int(server.rsplit(":", 1)[1])
    answers = iter(["127.0.0.1", "127.0.0.3", "127.0.0.3", "127.0.0.3"])

    def rebinding(host, port_, *args, **kwargs):  # type: ignore[no-untyped-def]
        if host != "news.test":
            return real(host, port_, *args, **kwargs)
        return [(2, 1, 6, "", (next(answers), port_))]

    real = netguard.socket.getaddrinfo
    monkeypatch.setattr(netguard.socket, "getaddrinfo", rebinding)
    docs, problems = _read([f"http://news.test:{port}/page.html"], allow_networks=["127.0.0.1/32"],
                           respect_robots=False)  # fmt: skip
    assert docs == [] and [p.code for p in problems] == [errors.ADDRESS_NOT_ALLOWED]
    assert "127.0.0.3" in problems[0].message and _Handler.hits == []


def test_other_internal_addresses_in_a_namespace_without_network(tmp_path):  # type: ignore[no-untyped-def]
    if not shutil.which("unshare") or subprocess.run(["unshare", "-n", "true"], capture_output=True).returncode:
        pytest.skip("no network namespaces here (unshare -n)")
    urls = [
        "http://169.254.169.254/latest/meta-data/", "http://10.0.0.1/", "http://192.168.0.1/admin",
        "http://2130706433/", "http://0x7f000001/", "http://[::ffff:169.254.169.254]/", "http://[::1]/",
        "http://[::ffff:a9fe:a9fe]/", "http://[64:ff9b::a9fe:a9fe]/", "http://100.64.0.1/",
        "http://[fd00::1]/", "https://10.0.0.1/", "http://169.254.169.254.nip.io.invalid/",
    ]  # fmt: skip
    script = (
        "import json, sys\n"
        "from wirewatch.config import IngestOptions\n"
        "from wirewatch.ingest import read_inputs\n"
        "opts = IngestOptions(retries=0, timeout_s=2.0)\n"
        "print(json.dumps([[p.source, p.code] for p in read_inputs(sys.argv[1:], opts)]))\n"
    )
    done = subprocess.run(["unshare", "-n", sys.executable, "-c", script, *urls], capture_output=True,
                          text=True, timeout=120)  # fmt: skip
    assert done.returncode == 0, done.stderr
    codes = dict(json.loads(done.stdout))
    unresolvable = "http://169.254.169.254.nip.io.invalid/"
    assert codes.pop(unresolvable) == errors.FETCH_FAILED  # no such name: not fetched either
    assert codes == dict.fromkeys(urls[:-1], errors.ADDRESS_NOT_ALLOWED)


# -- item 4: deadlines ------------------------------------------------------------------------------------
def test_a_slow_feed_ends_at_its_deadline_and_counts_what_it_skipped(server):  # type: ignore[no-untyped-def]
    _Handler.delay = 0.4
    docs, problems = _read([server + "/feed.xml"], allow_networks=["127.0.0.1/32"], source_deadline_s=1.0)
    skipped = [p for p in problems if p.code == errors.DEADLINE_PASSED]
    assert 1 <= len(docs) < 8 and len(docs) + len(skipped) == 8
    assert all("deadline" in p.message and "/slow/" in p.source for p in skipped)


def test_a_slow_item_ends_at_its_own_deadline(server):  # type: ignore[no-untyped-def]
    _Handler.delay = 3.0
    docs, problems = _read([server + "/slow/1.html"], allow_networks=["127.0.0.1/32"], item_deadline_s=0.5)
    assert docs == [] and [p.code for p in problems] == [errors.DEADLINE_PASSED]


def test_the_run_deadline_skips_the_inputs_left(server):  # type: ignore[no-untyped-def]
    _Handler.delay = 0.6
    urls = [f"{server}/slow/{i}.html" for i in range(4)]
    docs, problems = _read(urls, allow_networks=["127.0.0.1/32"], run_deadline_s=1.0)
    assert 1 <= len(docs) < 4
    assert all(p.code == errors.DEADLINE_PASSED for p in problems) and len(docs) + len(problems) == 4
