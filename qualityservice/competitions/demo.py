"""Demo data (written below)."""


def seed(out, rng) -> None:
    return None
