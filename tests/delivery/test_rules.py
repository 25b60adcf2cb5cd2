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


class FixedRandom:
    """A random source that always draws the same number: the jitter's two ends."""

    def __init__(self, value: float):
        self.value = value

    def random(self) -> float:
        return self.value


def test_the_jitter_runs_from_half_the_wait_to_all_of_it():
    assert retry_delay(3, base=60, cap=3600, rng=FixedRandom(0.0)) == timedelta(seconds=120)
    assert retry_delay(3, base=60, cap=3600, rng=FixedRandom(1.0)) == timedelta(seconds=240)
    assert retry_delay(9, base=60, cap=3600, rng=FixedRandom(1.0)) == timedelta(hours=1)


def test_without_a_random_source_of_its_own_the_jitter_still_applies():
    delay = retry_delay(2, base=60, cap=3600)
    assert timedelta(seconds=60) <= delay <= timedelta(seconds=120)


@pytest.mark.parametrize(
    ("error", "reason"),
    [
        (smtplib.SMTPServerDisconnected("Connection unexpectedly closed"),
         "Lost the mail server: Connection unexpectedly closed"),
        (smtplib.SMTPServerDisconnected(), "Lost the mail server: SMTPServerDisconnected"),
    ],
)
def test_a_lost_connection_says_what_happened(error, reason):
    assert classify_failure(error).error == reason


def test_a_header_with_a_line_break_is_refused_for_good_and_says_why():
    import flask_mail

    outcome = classify_failure(flask_mail.BadHeaderError("Header values may not contain"))
    assert (outcome.status, outcome.error) == (
        DeliveryStatus.FAILED, "Refused: a header contained a line break"
    )
    assert not outcome.broken


def test_an_unexpected_error_is_retried_with_its_name_and_a_bounded_message():
    outcome = classify_failure(ValueError("boom"))
    assert (outcome.status, outcome.error) == (DeliveryStatus.RETRYING, "ValueError: boom")
    assert len(classify_failure(ValueError("x" * 1000)).error) == 500


@pytest.mark.parametrize(
    ("reply", "reason"),
    [
        ("5.1.1 Text, not bytes", "550 5.1.1 Text, not bytes"),
        (b"5.1.1 Caf\xe9 unknown", "550 5.1.1 Caf\ufffd unknown"),  # not UTF-8: replaced
    ],
)
def test_a_servers_reply_is_read_whether_text_bytes_or_broken_bytes(reply, reason):
    assert classify_failure(smtplib.SMTPResponseException(550, reply)).error == reason


def test_a_long_reply_is_cut_to_500_characters():
    error = smtplib.SMTPResponseException(550, b"x" * 1000)
    assert len(classify_failure(error).error) == 500


@pytest.mark.parametrize(
    ("code", "status"),
    [(499, "retrying"), (500, "failed"), (599, "failed"), (600, "retrying")],
)
def test_exactly_the_5xx_replies_are_final(code, status):
    error = smtplib.SMTPResponseException(code, b"reply")
    assert classify_failure(error).status == DeliveryStatus(status)


@pytest.mark.parametrize("value", [None, ""])
def test_no_name_is_an_empty_header_text(value):
    assert header_text(value) == ""


def test_an_address_of_254_characters_is_the_longest_there_is():
    domain = "@acme.example"
    longest = "a" * (254 - len(domain)) + domain
    assert plain_address(longest) == longest
    assert plain_address("a" + longest) is None
