"""Same seed, same bytes (and same delivery times); another seed, other files."""

from __future__ import annotations

import hashlib
from pathlib import Path

from dagster_project.generate import generate_feeds

from .conftest import SEED, N


def _fingerprint(root: Path) -> dict[str, tuple[str, int]]:
    return {
        p.relative_to(root).as_posix(): (
            hashlib.sha256(p.read_bytes()).hexdigest(),
            p.stat().st_mtime_ns,
        )
        for p in sorted(root.rglob("*"))
        if p.is_file()
    }


def test_same_seed_gives_identical_files_and_mtimes(root, tmp_path):
    generate_feeds(out_dir=tmp_path, responses=N, seed=SEED, progress=False)
    assert _fingerprint(tmp_path) == _fingerprint(root)


def test_another_seed_gives_other_files(root, tmp_path):
    generate_feeds(out_dir=tmp_path, responses=N, seed=SEED + 1, progress=False)
    ours, theirs = _fingerprint(root), _fingerprint(tmp_path)
    # Monthly contact-centre exports keep their names across seeds; their content changes.
    common = [k for k in set(ours) & set(theirs) if (root / k).stat().st_size > 200]
    assert common
    assert all(ours[k][0] != theirs[k][0] for k in common)


def test_mtimes_do_not_depend_on_the_clock(root):
    mtimes = [p.stat().st_mtime for p in root.rglob("*") if p.is_file()]
    assert min(mtimes) >= 1_696_118_400  # 2023-10-01 UTC
    assert max(mtimes) <= 1_793_491_200  # 2026-11-01 UTC


def test_progress_prints_a_summary_paragraph(tmp_path, capsys):
    summary = generate_feeds(out_dir=tmp_path, responses=300, seed=3, progress=True)
    out = capsys.readouterr().out
    assert "Generated 300 survey responses" in out and "Injected defects" in out
    assert summary.elapsed_seconds >= 0 and summary.files["touchpoints"] > 0
