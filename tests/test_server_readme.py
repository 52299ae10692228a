"""The README's Quick start and what CI runs stay the same commands."""

from __future__ import annotations

import re
import subprocess

from dashboard.store.db import PROJECT_ROOT

README = PROJECT_ROOT / "README.md"
CI_RUN = PROJECT_ROOT / ".ci" / "run"


def _shell_blocks(text: str) -> list[str]:
    return [block.strip() for block in re.findall(r"```sh\n(.*?)```", text, flags=re.S)]


def test_quick_start_is_exactly_two_commands_serve_and_test():
    quick_start = README.read_text(encoding="utf-8").split("## Quick start", 1)[1].split("\n## ", 1)[0]
    blocks = _shell_blocks(quick_start)
    assert len(blocks) == 2 and all("\n" not in block for block in blocks)
    serve, test = blocks
    assert serve.endswith("python -m dashboard serve") and "pip install -e ." in serve
    assert test.endswith("python -m pytest") and "pip install -e '.[test]'" in test


def test_ci_runs_the_readme_test_command_verbatim():
    script = CI_RUN.read_text(encoding="utf-8")
    assert script.startswith("#!/usr/bin/env bash\n") and "set -euo pipefail" in script
    extraction = re.search(r'test_command="\$\((.*)\)"', script).group(1)
    extracted = subprocess.run(["bash", "-c", extraction], cwd=PROJECT_ROOT, capture_output=True, text=True, check=True)
    quick_start = README.read_text(encoding="utf-8").split("## Quick start", 1)[1].split("\n## ", 1)[0]
    assert extracted.stdout.strip() == _shell_blocks(quick_start)[1]
    assert 'bash -c "$test_command"' in script
