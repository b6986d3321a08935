"""Scale data (written below)."""

COUNTS = {"competitions": "competitions to add"}


def generate(out, rng, counts) -> None:
    return None
