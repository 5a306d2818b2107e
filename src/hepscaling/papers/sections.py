"""What every paper package's configuration module shares: checking the paper's section of a profile."""
from __future__ import annotations

from ..profiles import ProfileError


def exact_keys(section, keys, where: str, module: str, error: type[Exception] = ProfileError) -> None:
    """Refuse a paper's profile section that is not a mapping with exactly ``keys``: one ``error`` naming the unknown
    and the missing keys (a typo in a profile must not pass silently) and the module that documents them."""
    if not isinstance(section, dict):
        raise error(f"{where} must be a mapping, got {section!r}")
    unknown = sorted(set(section) - set(keys))
    missing = [k for k in keys if k not in section]
    if unknown or missing:
        raise error(f"{where}: " + "; ".join(
            ([f"unknown keys {unknown}"] if unknown else []) + ([f"missing keys {missing}"] if missing else []))
            + f" (expected exactly {list(keys)}; see {module})")
