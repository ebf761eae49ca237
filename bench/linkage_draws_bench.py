"""Coverage of the true N with and without the linkage's uncertainty (estimate --linkage-draws).

Synthetic populations with known truth (coverage_bench's designs), linked by our linker; the
stepwise estimate on the linker's own clusters versus the one combined over linkages drawn from
the pairs' match probabilities (pairs in the match and review bands). Two settings: the records as
made (good linkage) and a harder one with birth dates and Hangul names blanked.

    python bench/linkage_draws_bench.py --populations 10 --draws 20 \
        --out bench/results/linkage_draws.md
"""

from __future__ import annotations

import argparse
import sys
import time
from pathlib import Path

import numpy as np

sys.path.insert(0, str(Path(__file__).parent))
from coverage_bench import capture_table, design, linkage_input, memberships

from unforgotten.estimate.linkage_draws import LinkageSpace, draw_tables, linkage_summary
from unforgotten.estimate.methods import Settings, make_estimator
from unforgotten.linkage import LinkageConfig, link_records
from unforgotten.synth import generate_population, make_lists

HARD = ("birth_date", "birth_year", "birth_month", "birth_day", "name_hangul")


def one(index: int, args: argparse.Namespace, hard: bool) -> dict[str, float]:
    plan = design(index, args)
    lists = make_lists(
        generate_population(args.persons, seed=plan.population_seed), plan.model, seed=plan.lists_seed
    )
    records, _ = linkage_input(lists)
    if hard:
        for column in HARD:
            records[column] = None
    config = LinkageConfig(profile="korean")
    result = link_records(records, config=config)
    clusters = result.clusters.reindex(records["unique_id"].to_numpy())
    sources = records.set_index("unique_id")["source"]
    plain_table = capture_table(memberships(sources, clusters), lists.list_names)
    pairs = result.pairs.loc[result.pairs["match_probability"] >= config.review_band[0]]
    space = LinkageSpace(
        run_id=0,
        records=records["unique_id"].to_numpy(dtype=np.int64),
        sources=tuple(records["source"]),
        anchors=records["unique_id"].to_numpy(dtype=np.int64),
        left=pairs["unique_id_l"].to_numpy(dtype=np.int64),
        right=pairs["unique_id_r"].to_numpy(dtype=np.int64),
        probability=pairs["match_probability"].to_numpy(dtype=np.float64),
    )
    settings = Settings(seed=index)

    def fit(table: object) -> object:
        est = make_estimator("stepwise", settings)
        est.fit(table)  # type: ignore[arg-type]
        return est

    plain = fit(plain_table)
    start = time.perf_counter()
    tables = draw_tables(space, lists.list_names, args.draws, seed=index)
    d = linkage_summary("stepwise", plain, plain_table, tables, fit, run_id=0, seed=index)
    n = args.persons
    (a, b), (c, e) = d.interval_without, d.interval_with
    return {
        "n": n,
        "without": a <= n <= b,
        "with": c <= n <= e,
        "w0": b - a,
        "w1": e - c,
        "share": d.share_of_width,
        "est0": d.estimate_without,
        "est1": d.estimate_with,
        "seconds": time.perf_counter() - start,
    }


def main() -> None:
    p = argparse.ArgumentParser()
    p.add_argument("--populations", type=int, default=10)
    p.add_argument("--persons", type=int, default=2000)
    p.add_argument("--lists", type=int, default=4)
    p.add_argument("--draws", type=int, default=20)
    p.add_argument("--seed", type=int, default=1)
    p.add_argument("--design", default="random")
    p.add_argument("--dependence", type=float, nargs="+", default=[0, 0.5, 1, 1.5, 2])
    p.add_argument("--out", type=Path)
    args = p.parse_args()
    lines = [
        "# Linkage uncertainty: coverage with and without `--linkage-draws`",
        "",
        f"Command: `python bench/linkage_draws_bench.py --populations {args.populations} --persons {args.persons} "  # noqa: E501
        f"--draws {args.draws}`",
        "",
        f"{args.populations} populations of {args.persons:,} persons, {args.lists} lists (coverage_bench's random "  # noqa: E501
        "designs, dependence cycling 0–2), linked by `link_records` (Korean profile, defaults); stepwise "
        "(skip-disjoint) at 95 %. 'hard': birth dates and Hangul names blanked before linkage.",
        "",
        "| setting | populations | coverage without | coverage with | median width without | median width with "  # noqa: E501
        "| median share of width from linkage | median rel. error | draw seconds (median) |",
        "|---|---|---|---|---|---|---|---|---|",
    ]
    for hard in (False, True):
        rows = [one(i, args, hard) for i in range(args.populations)]
        k = len(rows)
        lines.append(
            f"| {'hard' if hard else 'as made'} | {k} | {sum(r['without'] for r in rows)}/{k} | "
            f"{sum(r['with'] for r in rows)}/{k} | {np.median([r['w0'] for r in rows]):,.0f} | "
            f"{np.median([r['w1'] for r in rows]):,.0f} | {np.median([r['share'] for r in rows]):.0%} | "
            f"{np.median([(r['est0'] - r['n']) / r['n'] for r in rows]):+.1%} | "
            f"{np.median([r['seconds'] for r in rows]):.1f} |"
        )
        print(lines[-1], flush=True)
    text = "\n".join(lines) + "\n"
    if args.out:
        args.out.write_text(text, encoding="utf-8")
    print(text)


if __name__ == "__main__":
    main()
