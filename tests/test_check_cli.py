"""`quizgen check` through click's CliRunner and as a real subprocess of the installed command.

Exit status: 0 valid, 1 invalid, 2 usage error. Every problem is printed as
``file:line:col: severity: ...`` then a one-line summary; ``--format json`` prints
a list of objects. No input, however hostile, ever shows a Python traceback.
"""

from __future__ import annotations

import json
import re
import shutil
import subprocess
import sys
import textwrap
from collections.abc import Callable
from pathlib import Path

import pytest
import yaml
from click.testing import CliRunner

import quizgen
from quizgen.bank.load import bank_files
from quizgen.cli import cli
from quizgen.cli.common import SAMPLE_BANK_NOTICE
from quizgen.resources import shipped_bank_dir

SEED = "seeds/004_369735ee3e7b3786.txt"

VALID = f"""\
id: quiz
title: A quiz
sources:
  sco-2025: {SEED}
questions:
  - id: energy
    type: multiple_choice
    prompt: Which is a key area of cooperation?
    choices: [Energy and fuel supply, Space travel]
    answer: Energy and fuel supply
    source: {{doc: sco-2025, quote: "Energy and fuel supply"}}
  - id: defense
    type: true_false
    prompt: Defense dialogues are a key area of cooperation.
    answer: true
    source: {{doc: sco-2025, quote: "Defense dialogues"}}
"""
INVALID = VALID.replace("answer: Energy and fuel supply", "answer: Fishing")
# A question without a source: one warning, no error.
WARNING = VALID + "  - {id: extra, type: true_false, prompt: Is it?, answer: false}\n"


def installed_command() -> list[str]:
    """The `quizgen` console script installed beside this Python, else `python -m quizgen`."""
    beside = Path(sys.executable).parent / "quizgen"
    if beside.exists():
        return [str(beside)]
    found = shutil.which("quizgen")
    return [found] if found else [sys.executable, "-m", "quizgen"]


COMMANDS = {
    "console-script": installed_command(),
    "python-m": [sys.executable, "-m", "quizgen"],
}


@pytest.fixture
def folder(write_bank: Callable[..., Path], monkeypatch: pytest.MonkeyPatch) -> Path:
    """The temporary folder (with seeds/) as the current folder."""
    path = write_bank("", "placeholder.txt").parent
    monkeypatch.chdir(path)
    return path


def write(name: str, text: str) -> Path:
    path = Path(name)
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text, encoding="utf-8")
    return path


def run_check(*args: str):
    result = CliRunner().invoke(cli, ["check", *args])
    assert "Traceback" not in result.output
    assert not isinstance(result.exception, Exception) or isinstance(
        result.exception, SystemExit
    ), result.exception
    return result


def run_process(command: list[str], *args: str, cwd: Path | None = None, timeout: float = 60):
    done = subprocess.run(
        [*command, *args],
        cwd=cwd,
        capture_output=True,
        text=True,
        timeout=timeout,
    )
    assert "Traceback" not in done.stdout + done.stderr
    return done


# -- CliRunner -----------------------------------------------------------------------------


def test_a_valid_bank_exits_0_with_a_summary(folder):
    write("bank.yaml", VALID)
    result = run_check("bank.yaml")
    assert result.exit_code == 0
    assert result.output == "ok: 1 file, 2 questions, 0 errors, 0 warnings\n"


def test_an_invalid_bank_exits_1_with_located_errors_and_a_summary(folder):
    write("bank.yaml", INVALID)
    result = run_check("bank.yaml")
    assert result.exit_code == 1
    assert result.output.splitlines() == [
        "bank.yaml:10:13: error: question 'energy': answer 'Fishing' is not one of the choices",
        "invalid: 1 file, 2 questions (1 with errors), 1 error, 0 warnings",
    ]


def test_the_summary_counts_every_question_in_the_file_not_only_valid_ones(folder):
    """ux17: a file of 8 questions, 7 broken, said "1 question"."""
    broken = "".join(
        f"  - id: q{n}\n    type: true_false\n    prompt: Is it {n}?\n    answer: maybe\n"
        for n in range(7)
    )
    write("bank.yaml", VALID.replace("questions:\n", "questions:\n" + broken, 1))
    result = run_check("bank.yaml")
    assert result.exit_code == 1
    assert result.output.splitlines()[-1] == (
        "invalid: 1 file, 9 questions (7 with errors), 7 errors, 0 warnings"
    )
    summary = json.loads(run_check("bank.yaml", "--format", "json").output)["summary"]
    assert summary == {
        "files": 1,
        "questions": 9,
        "with_errors": 7,
        "errors": 7,
        "warnings": 0,
        "ok": False,
    }


def test_a_source_doc_not_declared_gets_a_hint_or_the_list_never_both(folder):
    """ux17: "(did you mean 'blog'?) (blog)" said the one name twice."""
    write(
        "bank.yaml",
        VALID.replace('{doc: sco-2025, quote: "Energy', '{doc: sco2025, quote: "Energy'),
    )
    line = run_check("bank.yaml").output.splitlines()[0]
    assert line.endswith("doc 'sco2025' is not in the bank's sources (did you mean 'sco-2025'?)")
    write("bank.yaml", VALID.replace('{doc: sco-2025, quote: "Energy', '{doc: zzz, quote: "Energy'))
    line = run_check("bank.yaml").output.splitlines()[0]
    assert line.endswith("doc 'zzz' is not in the bank's sources (sco-2025)")


def test_a_missing_source_document_fails_check_but_not_the_other_commands(folder):
    """ux17: a bank copied without its documents: check says error, the rest warn and work."""
    write("bank.yaml", VALID.replace(SEED, "docs/gone.txt"))
    checked = run_check("bank.yaml")
    assert checked.exit_code == 1
    assert "bank.yaml:4:13: error: source file" in checked.output
    runner = CliRunner()
    listed = runner.invoke(cli, ["list", "bank.yaml"])
    assert listed.exit_code == 0, listed.output
    assert "2 questions" in listed.stdout
    assert listed.stderr.startswith("bank.yaml:4:13: warning: source file ")
    assert listed.stderr.rstrip().endswith("does not exist: quotes not verified")
    quizzed = runner.invoke(cli, ["quiz", "bank.yaml", "--no-shuffle"], input="a\nt\n")
    assert quizzed.exit_code == 0, quizzed.output
    assert "Score: 2/2 (100%)" in quizzed.stdout
    assert "quotes not verified" in quizzed.stderr


def test_every_problem_of_every_file_is_printed(folder):
    write("banks/a.yaml", INVALID.replace(": seeds/", ": ../seeds/"))
    write(
        "banks/b.yml",
        VALID.replace(": seeds/", ": ../seeds/")
        .replace("id: quiz", "id: other")
        .replace("answer: true", "answer: yes please"),
    )
    result = run_check("banks")
    assert result.exit_code == 1
    assert result.output.splitlines() == [
        "banks/a.yaml:10:13: error: question 'energy': answer 'Fishing' is not one of the choices",
        "banks/b.yml:15:13: error: question 'defense': answer must be true or false, not text",
        "invalid: 2 files, 4 questions (2 with errors), 2 errors, 0 warnings",
    ]


def test_warnings_pass_without_strict_and_fail_with_it(folder):
    write("bank.yaml", WARNING)
    lines = [
        "bank.yaml:17:5: warning: question 'extra': no source: cite the passage it comes from",
    ]
    relaxed = run_check("bank.yaml")
    assert relaxed.exit_code == 0
    assert relaxed.output.splitlines() == [*lines, "ok: 1 file, 3 questions, 0 errors, 1 warning"]
    strict = run_check("bank.yaml", "--strict")
    assert strict.exit_code == 1
    assert strict.output.splitlines() == [
        *lines,
        "invalid: 1 file, 3 questions, 0 errors, 1 warning",
    ]


def test_json_format_lists_every_problem(folder):
    write(
        "bank.yaml",
        INVALID.replace("    answer: Fishing\n", "    answer: Fishing\n    points: 0\n"),
    )
    result = run_check("bank.yaml", "--format", "json")
    assert result.exit_code == 1
    assert json.loads(result.output)["problems"] == [
        {
            "file": "bank.yaml",
            "line": 10,
            "column": 13,
            "severity": "error",
            "message": "answer 'Fishing' is not one of the choices",
            "question": "energy",
            "code": None,
        },
        {
            "file": "bank.yaml",
            "line": 11,
            "column": 13,
            "severity": "error",
            "message": "points must be a positive number",
            "question": "energy",
            "code": None,
        },
    ]


def test_json_format_of_a_file_level_problem_has_no_question(folder):
    write("bank.yaml", "- not a mapping\n")
    result = run_check("bank.yaml", "--format", "json")
    assert result.exit_code == 1
    assert json.loads(result.output)["problems"] == [
        {
            "file": "bank.yaml",
            "line": 1,
            "column": 1,
            "severity": "error",
            "message": "a bank file must be a mapping, not a list",
            "question": None,
            "code": None,
        }
    ]


def test_json_format_of_a_valid_bank_has_no_problems_and_warnings_show(folder):
    write("bank.yaml", VALID)
    assert json.loads(run_check("bank.yaml", "--format", "json").output) == {
        "summary": {
            "files": 1,
            "questions": 2,
            "with_errors": 0,
            "errors": 0,
            "warnings": 0,
            "ok": True,
        },
        "problems": [],
    }
    write("bank.yaml", WARNING)
    result = run_check("bank.yaml", "--format=json", "--strict")
    assert result.exit_code == 1
    found = json.loads(result.output)
    assert [(p["severity"], p["question"]) for p in found["problems"]] == [("warning", "extra")]
    assert (found["summary"]["warnings"], found["summary"]["ok"]) == (1, False)


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["missing.yaml"], "Path 'missing.yaml' does not exist"),
        (["--frobnicate", "bank.yaml"], "No such option '--frobnicate'"),
        (["--format", "xml", "bank.yaml"], "'xml' is not one of 'text', 'json'"),
    ],
)
def test_usage_errors_exit_2(folder, args, message):
    write("bank.yaml", VALID)
    result = run_check(*args)
    assert result.exit_code == 2
    assert message in result.output
    assert "Usage: " in result.output


def test_a_folder_without_banks_exits_1_with_a_message(folder):
    Path("empty").mkdir()
    result = run_check("empty")
    assert result.exit_code == 1
    assert "error: no *.yaml or *.yml bank files in folder empty" in result.output


def test_version_and_help():
    runner = CliRunner()
    version = runner.invoke(cli, ["--version"])
    assert version.exit_code == 0
    assert version.output == f"quizgen, version {quizgen.__version__}\n"
    top = runner.invoke(cli, ["--help"])
    assert top.exit_code == 0
    assert "check" in top.output and "Usage: " in top.output
    check_help = runner.invoke(cli, ["check", "--help"])
    assert check_help.exit_code == 0
    for option in ("--strict", "--format [text|json]", "[PATH...]", "Exit status"):
        assert option in check_help.output


def test_no_path_reads_question_bank_in_the_current_folder(folder):
    write("question_bank/only.yaml", VALID.replace(": seeds/", ": ../seeds/"))
    result = run_check()
    assert result.exit_code == 0
    assert result.output == "ok: 1 file, 2 questions, 0 errors, 0 warnings\n"
    write("question_bank/broken.yml", INVALID.replace(": seeds/", ": ../seeds/"))
    result = run_check()
    assert result.exit_code == 1
    assert result.output.splitlines()[0].startswith("question_bank/broken.yml:10:13: error:")


def shipped_expectation() -> tuple[Path, list[Path]]:
    shipped = shipped_bank_dir()
    files = sorted(p for p in shipped.glob("*") if p.suffix in (".yaml", ".yml"))
    return shipped, files


def assert_reads_the_shipped_bank(output: str) -> None:
    """The run read every file of the shipped bank and no other (its content may change)."""
    shipped, files = shipped_expectation()
    if not files:  # the shipped bank is still being written: the message names its folder
        assert f"no *.yaml or *.yml bank files in folder {shipped}" in output
        return
    assert bank_files([shipped]) == files
    count = f"{len(files)} file{'' if len(files) == 1 else 's'},"
    assert f"note: {SAMPLE_BANK_NOTICE}" in output.splitlines()
    output = "\n".join(line for line in output.splitlines() if not line.startswith("note: "))
    summary = output.strip().splitlines()[-1]
    assert summary.startswith(("ok: ", "invalid: ")) and f" {count} " in summary
    for line in output.splitlines()[:-1]:  # every problem is in a shipped file
        assert line.startswith(str(shipped)), line


@pytest.mark.slow  # reads the whole shipped bank
def test_no_path_in_an_empty_folder_reads_the_shipped_bank(tmp_path, monkeypatch):
    """The shipped bank is read, and it is valid: counts from its files, read with plain PyYAML."""
    monkeypatch.chdir(tmp_path)
    _, files = shipped_expectation()
    assert files, "the package ships no bank"
    questions = sum(len(yaml.safe_load(f.read_text(encoding="utf-8"))["questions"]) for f in files)
    result = run_check()
    plural = "" if len(files) == 1 else "s"
    assert (result.exit_code, result.stdout) == (
        0,
        f"ok: {len(files)} file{plural}, {questions} questions, 0 errors, 0 warnings\n",
    )
    assert result.stderr == f"note: {SAMPLE_BANK_NOTICE}\n"


# -- as a real process -------------------------------------------------------------------


@pytest.mark.parametrize("command", COMMANDS.values(), ids=COMMANDS.keys())
@pytest.mark.slow  # a real process
def test_the_installed_command_exit_codes_and_output(folder, command):
    write("valid.yaml", VALID)
    write("invalid.yaml", INVALID)
    valid = run_process(command, "check", "valid.yaml", cwd=folder)
    assert (valid.returncode, valid.stdout) == (
        0,
        "ok: 1 file, 2 questions, 0 errors, 0 warnings\n",
    )
    invalid = run_process(command, "check", "invalid.yaml", cwd=folder)
    assert invalid.returncode == 1
    assert invalid.stdout.splitlines() == [
        "invalid.yaml:10:13: error: question 'energy': answer 'Fishing' is not one of the choices",
        "invalid: 1 file, 2 questions (1 with errors), 1 error, 0 warnings",
    ]
    missing = run_process(command, "check", "missing.yaml", cwd=folder)
    assert missing.returncode == 2
    assert "Path 'missing.yaml' does not exist" in missing.stderr
    bad_option = run_process(command, "check", "--nope", cwd=folder)
    assert bad_option.returncode == 2
    assert "No such option '--nope'" in bad_option.stderr
    as_json = run_process(command, "check", "--format", "json", "invalid.yaml", cwd=folder)
    assert as_json.returncode == 1
    [row] = json.loads(as_json.stdout)["problems"]
    assert row == {
        "file": "invalid.yaml",
        "line": 10,
        "column": 13,
        "severity": "error",
        "message": "answer 'Fishing' is not one of the choices",
        "question": "energy",
        "code": None,
    }


@pytest.mark.parametrize("command", COMMANDS.values(), ids=COMMANDS.keys())
@pytest.mark.slow  # a real process
def test_the_installed_command_version_and_help(command):
    version = run_process(command, "--version")
    assert (version.returncode, version.stdout) == (0, f"quizgen, version {quizgen.__version__}\n")
    usage = run_process(command, "--help")
    assert usage.returncode == 0 and "check" in usage.stdout
    check_help = run_process(command, "check", "-h")
    assert check_help.returncode == 0 and "--strict" in check_help.stdout


@pytest.mark.slow  # a real process
def test_the_installed_command_default_inputs(folder, tmp_path_factory):
    command = installed_command()
    write("question_bank/only.yaml", VALID.replace(": seeds/", ": ../seeds/"))
    local = run_process(command, "check", cwd=folder)
    assert (local.returncode, local.stdout) == (
        0,
        "ok: 1 file, 2 questions, 0 errors, 0 warnings\n",
    )
    empty = tmp_path_factory.mktemp("empty")
    shipped = run_process(command, "check", cwd=empty)
    assert shipped.returncode in (0, 1)
    assert_reads_the_shipped_bank(shipped.stdout + shipped.stderr)


# -- hostile input: a located message, exit 1, never a traceback ----------------------------


def billion_laughs() -> str:
    lines = ['a0: &a0 ["lol", "lol", "lol", "lol", "lol", "lol", "lol", "lol", "lol", "lol"]']
    for level in range(1, 12):
        lines.append(f"a{level}: &a{level} [" + ", ".join([f"*a{level - 1}"] * 10) + "]")
    return "\n".join(lines) + "\n"


HOSTILE: dict[str, tuple[bytes, str | re.Pattern[str]]] = {
    # name: (file content, the start of the message line, or a pattern it matches)
    "os-system": (
        b"id: !!python/object/apply:os.system ['touch MARKER']\ntitle: t\nquestions: []\n",
        "bank.yaml:1:5: error: tag '!!python/object/apply:os.system' is not allowed",
    ),
    "subprocess": (
        b"id: quiz\ntitle: !!python/object/apply:subprocess.check_call [[touch, MARKER]]\n",
        "bank.yaml:2:8: error: tag '!!python/object/apply:subprocess.check_call' is not allowed",
    ),
    "python-name": (
        b"id: !!python/name:os.system\ntitle: t\nquestions: []\n",
        "bank.yaml:1:5: error: tag '!!python/name:os.system' is not allowed",
    ),
    "unknown-tag": (b"id: !foo bar\n", "bank.yaml:1:5: error: tag '!foo' is not allowed"),
    "alias-bomb": (billion_laughs().encode(), "bank.yaml:1:1: error: aliases expand this file to"),
    "recursive-alias": (
        b"id: &a [*a]\n",
        "bank.yaml:1:5: error: an alias refers to the collection",
    ),
    # The loader refuses more than 200 levels; libyaml (PyYAML 6.0.4 and later) refuses more
    # than 1,000 itself, first when they are packed on one line. Either way: line 1, nesting.
    "deep-nesting": (
        b"id: " + b"[" * 100_000 + b"]" * 100_000 + b"\n",
        re.compile(r"bank\.yaml:1:\d+: error: invalid YAML: .*\bnest"),
    ),
    "binary": (bytes(range(256)) * 4, "bank.yaml:2:118: error: the file is not UTF-8 text"),
    "nul": (b"id: quiz\x00\n", "bank.yaml:1:9: error: invalid YAML: the character U+0000"),
    "not-a-mapping": (b"- a\n- b\n", "bank.yaml:1:1: error: a bank file must be a mapping"),
    "empty": (b"", "bank.yaml:1:1: error: the file is empty"),
    "malformed": (b"id: [quiz\n", "bank.yaml:2:1: error: invalid YAML:"),
    "two-documents": (b"id: a\n---\nid: b\n", "bank.yaml:2:1: error: invalid YAML: a bank file"),
}


def starts_as_expected(line: str, expected: str | re.Pattern[str]) -> bool:
    if isinstance(expected, str):
        return line.startswith(expected)
    return expected.match(line) is not None


@pytest.mark.parametrize("name", HOSTILE)
def test_hostile_input_gives_a_located_error_and_runs_nothing(folder, name):
    content, expected = HOSTILE[name]
    Path("bank.yaml").write_bytes(content)
    result = run_check("bank.yaml")
    assert result.exit_code == 1
    assert starts_as_expected(result.output.splitlines()[0], expected), result.output
    assert result.output.splitlines()[-1].startswith("invalid: 1 file, 0 questions, ")
    assert not Path("MARKER").exists()


@pytest.mark.parametrize(
    "name", ["os-system", "subprocess", "alias-bomb", "deep-nesting", "binary"]
)
@pytest.mark.slow  # a real process
def test_hostile_input_in_a_real_process(folder, name):
    content, expected = HOSTILE[name]
    Path("bank.yaml").write_bytes(content)
    # Report the process's own peak memory when it exits (Linux: kilobytes).
    script = textwrap.dedent(
        """\
        import atexit, resource, sys
        atexit.register(lambda: print("maxrss", resource.getrusage(resource.RUSAGE_SELF).ru_maxrss, file=sys.stderr))
        sys.argv = ["quizgen", "check", "bank.yaml"]
        from quizgen.cli import main
        main()
        """
    )
    # A generous limit for a loaded machine; the refusal itself takes milliseconds.
    done = run_process([sys.executable, "-c", script], cwd=folder, timeout=20)
    assert done.returncode == 1
    assert starts_as_expected(done.stdout.splitlines()[0], expected), done.stdout
    assert not Path("MARKER").exists()
    peak_kb = int(done.stderr.split("maxrss ")[1].split()[0])
    assert peak_kb < 200 * 1024


def test_the_contract_example_bank_checks_clean(folder):
    write(
        "sco.yaml",
        textwrap.dedent(
            """\
            id: sco
            title: The Shanghai Cooperation Organization
            description: Facts from two articles on Pakistan and Russia at the SCO.
            sources:
              sco-2025:
                path: seeds/004_369735ee3e7b3786.txt
                title: Pakistan–Russia SCO meeting (blog post)
              putin-khan: seeds/000_294d461ed006609b.txt
            questions:
              - id: sco-full-members
                type: multiple_answer
                prompt: According to the article, which of these countries are full members of the SCO?
                choices: [China, India, Turkey, Uzbekistan, Afghanistan, Kyrgyzstan]
                answer: [China, India, Uzbekistan, Kyrgyzstan]
                explanation: The article lists nine full members; Turkey and Afghanistan are not among them.
                tags: [membership]
                topic: The SCO
                difficulty: easy
                source:
                  doc: sco-2025
                  quote: "Current full members include: China, Russia, Pakistan, India, Iran, Kazakhstan, Kyrgyzstan, Tajikistan, and Uzbekistan."
            """
        ),
    )
    result = run_check("sco.yaml")
    assert result.exit_code == 0
    assert result.output.splitlines() == [
        "sco.yaml:8:15: warning: source 'putin-khan' is declared but no question cites it",
        "ok: 1 file, 1 question, 0 errors, 1 warning",
    ]
    assert run_check("sco.yaml", "--strict").exit_code == 1


def test_check_output_never_carries_control_characters_from_the_bank(folder):
    write(
        "bank.yaml",
        VALID.replace("answer: Energy and fuel supply", 'answer: "\\e[2J\\e]0;pwned\\a\\nx"'),
    )
    text = run_check("bank.yaml")
    assert text.exit_code == 1
    assert "\x1b" not in text.output and "\x07" not in text.output
    assert text.output.splitlines()[0] == (
        "bank.yaml:10:13: error: question 'energy': "
        "answer '\\x1b[2J\\x1b]0;pwned\\x07\\x0ax' is not one of the choices"
    )
    as_json = run_check("bank.yaml", "--format", "json")
    assert "\x1b" not in as_json.output
    assert json.loads(as_json.output)["problems"][0]["message"] == (
        "answer '\x1b[2J\x1b]0;pwned\x07\nx' is not one of the choices"
    )


def test_json_format_when_there_is_nothing_to_read_is_still_an_object(folder):
    Path("empty").mkdir()
    result = run_check("empty", "--format", "json")
    assert result.exit_code == 1
    assert json.loads(result.output)["summary"]["files"] == 0
    assert json.loads(result.output)["problems"] == [
        {
            "file": "empty",
            "line": 0,
            "column": 0,
            "severity": "error",
            "message": "no *.yaml or *.yml bank files in folder empty",
            "question": None,
            "code": None,
        }
    ]
    text = run_check("empty")
    assert text.output == "empty: error: no *.yaml or *.yml bank files in folder empty\n"
