"""Tracking numbers and SSCCs: published examples, and every number we make checks out."""

from biip.sscc import Sscc
from hypothesis import given
from hypothesis import strategies as st

from app.shipping import sscc, tracking


def test_s10_matches_the_upu_example():
    # UPU S10 worked example: RR 47312482 9 GB
    assert tracking.s10_check_digit("47312482") == 9
    assert tracking.is_valid("RR473124829GB")
    assert not tracking.is_valid("RR473124828GB")


def test_s10_special_check_values():
    # 11 - sum % 11 == 10 -> 0 and == 11 -> 5
    values = {tracking.s10_check_digit(f"{n:08d}") for n in range(0, 2000)}
    assert values <= set(range(10))
    assert tracking.s10_check_digit("00000000") == 5


def test_ups_1z_matches_the_published_sample():
    assert tracking.ups_check_digit("999AA1012345678") == 4
    assert tracking.is_valid("1Z999AA10123456784")
    assert tracking.ups1z("999AA1", "01", 2345678) == "1Z999AA10123456784"


def test_luhn_and_mod7():
    assert tracking.luhn_check_digit("7992739871") == 3
    assert tracking.mod7("", 123456789) == "1234567891"  # 123456789 % 7 == 1


@given(st.integers(min_value=0, max_value=10**7 - 1), st.sampled_from(["s10", "ups1z", "sf", "mod7"]))
def test_every_number_made_is_valid(serial, fmt):
    prefix = {"s10": "EA", "ups1z": "8V2A41", "sf": "60", "mod7": "5"}[fmt]
    number = tracking.make(fmt, serial, prefix=prefix, country="CN", service_code="01")
    assert tracking.is_valid(number), number


def test_sscc_is_gs1_valid_and_parsed_by_biip():
    value = sscc.make("0614141", 123456789)
    assert len(value) == 18
    assert Sscc.parse(value).company_prefix.value == "0614141"
    assert sscc.is_valid(value)
    assert not sscc.is_valid(value[:-1] + str((int(value[-1]) + 1) % 10))


@given(st.integers(min_value=0, max_value=10**9 - 1))
def test_sscc_check_digit_always_right(serial):
    assert sscc.is_valid(sscc.make("0614141", serial))
