"""`flask reports build`: every centre's report, past a failing centre, with a non-zero exit."""

import pytest

from fundtrack.reports import batch
from tests import share_network
from tests.reports_helpers import pdf_text


@pytest.fixture
def books(session):
    built = share_network.build(session)
    session.commit()  # as books on disk are: the command ends its own read transactions
    return built


def test_build_writes_every_centres_report(app, books, tmp_path):
    runner = app.test_cli_runner()
    result = runner.invoke(
        args=["reports", "build", "--year", "2025", "--out", str(tmp_path), "--workers", "1"]
    )
    assert result.exit_code == 0, result.output
    names = sorted(p.name for p in tmp_path.iterdir())
    assert names == [f"funding-report-{c}-2025.pdf" for c in "ABCD"]
    assert "€ 90.000,00" in pdf_text((tmp_path / "funding-report-A-2025.pdf").read_bytes())


def test_build_keeps_going_past_a_failing_centre_and_names_it(app, books, tmp_path, monkeypatch):
    real = batch.centre_report

    def failing(session, user, code, *args, **kwargs):
        if code == "B":
            raise RuntimeError("the printer caught fire")
        return real(session, user, code, *args, **kwargs)

    monkeypatch.setattr(batch, "centre_report", failing)
    result = app.test_cli_runner().invoke(
        args=["reports", "build", "--year", "2025", "--out", str(tmp_path), "--workers", "1"]
    )
    assert result.exit_code == 1
    assert "failed: B: RuntimeError: the printer caught fire" in result.output
    assert len(list(tmp_path.iterdir())) == 3


def test_build_for_one_centre(app, books, tmp_path):
    result = app.test_cli_runner().invoke(
        args=[
            "reports",
            "build",
            "--year",
            "2025",
            "--out",
            str(tmp_path),
            "--centre",
            "C",
            "--workers",
            "1",
        ]  # fmt: skip
    )
    assert result.exit_code == 0, result.output
    assert [p.name for p in tmp_path.iterdir()] == ["funding-report-C-2025.pdf"]
