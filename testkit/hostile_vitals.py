"""A generated corpus of malformed ``patient-vitals`` records: what a broken device, a bad gateway or an attacker
could publish. Each record is unique (so none is dropped as another's repeat), and every one must end in
``vitals_raw`` or ``vitals_rejected`` with a reason."""

from __future__ import annotations

import json
import random
from collections.abc import Callable, Iterator

LARGE = 1_000_000  # bytes: a record near Kafka's default 1 MB limit

Record = bytes


def _reading(rng: random.Random, number: int) -> dict:
    """A plausible reading of the test patients (ids 2001-2003), on a recent day, with its own id."""
    return {
        "reading_id": 10_000_000 + number,
        "patient_id": rng.choice([2001, 2002, 2003, 9999]),
        "device_id": f"bed-{number}",
        "event_time": f"2026-11-24T10:{number // 60 % 60:02d}:{number % 60:02d}.000Z",
        "heart_rate": rng.uniform(40, 140),
        "bp_systolic": rng.uniform(80, 200),
        "spo2": rng.uniform(85, 100),
    }


def _malformed_json(rng: random.Random, number: int) -> Record:
    text = json.dumps(_reading(rng, number))
    cut = rng.randrange(1, len(text) - 1)
    return rng.choice([text[:cut], text.replace(":", "=", 1), text + "}", "{" + text, text.replace('"', "'")]).encode()


def _wrong_type(rng: random.Random, number: int) -> Record:
    reading = _reading(rng, number)
    field = rng.choice(["reading_id", "patient_id", "heart_rate", "bp_systolic", "spo2", "event_time", "device_id"])
    reading[field] = rng.choice([True, [1, 2], {"value": 80}, "eighty", None, "", "1e3x"])
    return json.dumps(reading).encode()


def _huge_number(rng: random.Random, number: int) -> Record:
    reading = _reading(rng, number)
    reading[rng.choice(["patient_id", "heart_rate", "spo2"])] = "__HUGE__"
    huge = rng.choice(["1e400", "-1e400", str(2**70), "9" * 400, "-0.0000000000000000000000000001"])
    return json.dumps(reading).replace('"__HUGE__"', huge).encode()


def _non_finite(rng: random.Random, number: int) -> Record:
    reading = _reading(rng, number)
    reading[rng.choice(["heart_rate", "bp_systolic", "spo2"])] = rng.choice([float("nan"), float("inf"), -float("inf")])
    return json.dumps(reading).encode()  # Python writes NaN / Infinity bare, as some devices do


def _non_utf8(rng: random.Random, number: int) -> Record:
    text = json.dumps(_reading(rng, number)).encode()
    at = rng.randrange(len(text))
    return text[:at] + bytes(rng.randrange(128, 256) for _ in range(rng.randint(1, 4))) + text[at:]


def _duplicate_keys(rng: random.Random, number: int) -> Record:
    text = json.dumps(_reading(rng, number))
    again = rng.choice(["300", '"x"', "null", "-5"])
    return (text[:-1] + ', "heart_rate": ' + again + "}").encode()


def _large(rng: random.Random, number: int) -> Record:
    reading = _reading(rng, number)
    reading["device_id"] = "d" * (LARGE - 400)  # past the 64 characters its RDS column holds
    return json.dumps(reading).encode()


def _not_an_object(rng: random.Random, number: int) -> Record:
    return rng.choice([json.dumps([number, 1, 2]), str(number), f'"reading {number}"', "null", "true"]).encode()


def _deep(rng: random.Random, number: int) -> Record:
    depth = rng.choice([100, 1_000, 10_000])
    return ("[" * depth + str(number) + "]" * depth).encode()


def _control_characters(rng: random.Random, number: int) -> Record:
    reading = _reading(rng, number)
    reading["device_id"] = f"bed-{number}\x00\n\x1b[31m"
    return json.dumps(reading).encode()


KINDS: dict[str, Callable[[random.Random, int], Record]] = {
    "malformed JSON": _malformed_json,
    "wrong type": _wrong_type,
    "huge number": _huge_number,
    "NaN or Infinity": _non_finite,
    "non-UTF-8 bytes": _non_utf8,
    "duplicate keys": _duplicate_keys,
    "1 MB record": _large,
    "not an object": _not_an_object,
    "nested deeply": _deep,
    "control characters": _control_characters,
}


def corpus(count: int, seed: int = 40, large_records: int = 5) -> Iterator[tuple[str, Record]]:
    """``count`` (kind, record) pairs, each record different from every other; ``large_records`` of them 1 MB."""
    rng = random.Random(seed)
    kinds = [kind for kind in KINDS if kind != "1 MB record"]
    for number in range(count):
        kind = "1 MB record" if number < large_records else kinds[number % len(kinds)]
        record = KINDS[kind](rng, number)
        # the same bytes twice would be one reading's repeat: a record's number keeps it apart
        yield kind, record if str(number).encode() in record else record + f" #{number}".encode()
