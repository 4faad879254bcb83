"""Commands that read files: bad input ends in one clear CommandError, never a traceback."""
import pytest
from django.core.management import CommandError, call_command


@pytest.fixture
def broken_jsonl(tmp_path):
    path = tmp_path / "broken.jsonl"
    path.write_text('{"id": "a", "text": "“Yes,” she said.", "topic": "t"}\n{not json\n', encoding="utf-8")
    return path


@pytest.mark.parametrize("command", ["extract_quotes", "classify_stance"])
def test_malformed_jsonl_names_the_line(command, broken_jsonl, tmp_path):
    with pytest.raises(CommandError, match=r"broken\.jsonl:2: not valid JSON"):
        call_command(command, input=str(broken_jsonl), output=str(tmp_path / "out.jsonl"))


def test_missing_input_is_a_clear_error(tmp_path):
    with pytest.raises(CommandError, match="No such file"):
        call_command("extract_quotes", input=str(tmp_path / "missing.txt"), output=str(tmp_path / "out.jsonl"))


def test_undecodable_input_is_a_clear_error(tmp_path):
    binary = tmp_path / "scan.txt"
    binary.write_bytes(b"\xff\xfe\x00\x89PNG")
    with pytest.raises(CommandError, match="not UTF-8"):
        call_command("extract_quotes", input=str(binary), output=str(tmp_path / "out.jsonl"))


def test_malformed_gold_is_a_clear_error(broken_jsonl):
    with pytest.raises(CommandError, match=r"broken\.jsonl:2"):
        call_command("evaluate_attribution", gold=str(broken_jsonl))
