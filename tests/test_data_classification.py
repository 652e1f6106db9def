"""Every table fundtrack keeps has a class in docs/data-classification.md (ASVS V14.1.1), and
the operator's and the user's documents say what the accounts rules are (V6.3.3, V7.1.2)."""

import re
from pathlib import Path

from fundtrack.extensions import db

ROOT = Path(__file__).resolve().parent.parent
CLASSES = {"Secret", "Personal", "Confidential", "Internal"}


def _classified() -> dict[str, set[str]]:
    text = (ROOT / "docs" / "data-classification.md").read_text(encoding="utf-8")
    found = {}
    for table, classes in re.findall(r"^\| `(\w+)` \| ([^|]+) \|", text, flags=re.MULTILINE):
        found[table] = {word.strip() for word in classes.split(",")}
    return found


def test_every_table_has_a_class_and_nothing_else_is_listed(app):
    classified = _classified()
    assert set(classified) == set(db.metadata.tables)
    for table, classes in classified.items():
        assert classes and classes <= CLASSES, table


def test_the_secrets_are_classed_secret(app):
    classified = _classified()
    for table in ("users", "user_sessions", "api_tokens", "recovery_codes", "known_devices"):
        assert "Secret" in classified[table], table


def test_the_cli_token_says_why_it_asks_for_no_second_step(app):
    result = app.test_cli_runner().invoke(args=["users", "token", "--help"])
    assert result.exit_code == 0
    assert "operator's path" in result.output and "second step" in result.output


def test_the_readme_documents_concurrent_sessions():
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    section = re.search(r"Concurrent sessions:(.*?)\n- ", readme, flags=re.DOTALL)
    assert section and "no limit" in section[1] and "/account" in section[1]
