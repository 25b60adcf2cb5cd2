"""The pure rules of delivery, without a database or a server."""

import random
import smtplib
from datetime import timedelta

import pytest

from wizard.delivery import classify_failure, header_text, plain_address, retry_delay
from wizard.models import DeliveryStatus


def test_retries_wait_twice_as_long_each_time_with_jitter_and_a_cap():
    rng = random.Random(4)
    delays = [retry_delay(n, base=60, cap=3600, rng=rng) for n in range(1, 10)]
    for attempts, delay in enumerate(delays, start=1):
        ceiling = min(3600, 60 * 2 ** (attempts - 1))
        assert timedelta(seconds=ceiling / 2) <= delay <= timedelta(seconds=ceiling)
    assert max(delays) <= timedelta(hours=1)


def test_jitter_spreads_retries_that_failed_together():
    rng = random.Random(1)
    delays = {retry_delay(3, base=60, cap=3600, rng=rng) for _ in range(20)}
    assert len(delays) == 20


@pytest.mark.parametrize(
    ("error", "status", "reason"),
    [
        (smtplib.SMTPDataError(451, b"4.7.1 Greylisted"), "retrying", "451 4.7.1 Greylisted"),
        (smtplib.SMTPSenderRefused(452, b"4.3.1 Full", "a@b.c"), "retrying", "452 4.3.1 Full"),
        (smtplib.SMTPDataError(554, b"5.7.1 Spam"), "failed", "554 5.7.1 Spam"),
        (
            smtplib.SMTPRecipientsRefused({"x@y.z": (550, b"5.1.1 User unknown")}),
            "failed",
            "550 5.1.1 User unknown",
        ),
    ],
)
def test_4xx_replies_are_retried_and_5xx_replies_are_final(error, status, reason):
    outcome = classify_failure(error)
    assert outcome.status == DeliveryStatus(status)
    assert outcome.error == reason


@pytest.mark.parametrize(
    "error",
    [
        smtplib.SMTPServerDisconnected("Connection unexpectedly closed"),
        ConnectionResetError(104, "Connection reset by peer"),
        TimeoutError("timed out"),
        smtplib.SMTPDataError(421, b"4.3.0 Closing"),
    ],
)
def test_a_lost_connection_is_retried_and_the_connection_replaced(error):
    outcome = classify_failure(error)
    assert outcome.status == DeliveryStatus.RETRYING
    assert outcome.broken


@pytest.mark.parametrize(
    ("name", "safe"),
    [
        ("Ana Pro", "Ana Pro"),
        ("Ana\r\nBcc: victim@evil.example", "Ana Bcc: victim@evil.example"),
        ("Acme\u2028Corp\x00\x1b", "Acme Corp"),
        ("  lots   of\tspace ", "lots of space"),
    ],
)
def test_names_lose_every_line_break_and_control_character(name, safe):
    assert header_text(name) == safe


def test_names_are_cut_to_a_sensible_length():
    assert len(header_text("x" * 1000)) == 120


@pytest.mark.parametrize(
    "value",
    [
        "owner@acme.example\r\nBcc: x@evil.example",
        "owner@acme.example, x@evil.example",
        "Evil <x@evil.example>",
        "no-at-sign",
        "",
        None,
    ],
)
def test_only_one_bare_address_is_an_address(value):
    assert plain_address(value) is None


def test_an_ordinary_address_is_an_address():
    assert plain_address("ana.pro+work@acme.example") == "ana.pro+work@acme.example"
