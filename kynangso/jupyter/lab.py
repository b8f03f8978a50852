"""JupyterLab for trainees and instructors: Vietnamese interface, nbgrader wired to the course.

The Vietnamese locale comes from a settings override shipped in ``lab_settings/``; the
nbgrader course is found through ``JUPYTER_CONFIG_PATH``, which points at the course's own
``nbgrader_config.py``. Nothing is written to the user's home.
"""

from __future__ import annotations

import os
import sys
from pathlib import Path

from kynangso.messages import t
from kynangso.paths import EXERCISES_DIR, PROJECT_ROOT

LAB_SETTINGS = Path(__file__).resolve().parent / "lab_settings"


def lab_command(port: int, *, ip: str = "127.0.0.1", root: Path = PROJECT_ROOT) -> list[str]:
    command = [
        sys.executable, "-m", "jupyterlab",
        f"--ServerApp.ip={ip}", f"--ServerApp.port={port}", "--ServerApp.port_retries=0",
        f"--ServerApp.root_dir={root}", "--ServerApp.open_browser=False",
        f"--LabApp.app_settings_dir={LAB_SETTINGS}",
        # Kernels a trainee forgot are shut down after two idle hours.
        "--MappingKernelManager.cull_idle_timeout=7200",
    ]
    if os.geteuid() == 0:
        command.append("--ServerApp.allow_root=True")
    return command


def lab_env(course: Path = EXERCISES_DIR, base: dict[str, str] | None = None) -> dict[str, str]:
    """The environment JupyterLab needs: nbgrader's course config first, the venv's bin on PATH."""
    env = dict(os.environ if base is None else base)
    config_path = [str(course)] + [p for p in env.get("JUPYTER_CONFIG_PATH", "").split(os.pathsep) if p]
    env["JUPYTER_CONFIG_PATH"] = os.pathsep.join(config_path)
    env["PATH"] = os.pathsep.join([str(Path(sys.executable).parent), env.get("PATH", "")])
    return env


def configure(parser) -> None:
    parser.add_argument("--port", type=int, default=int(os.environ.get("LAB_PORT", 8888)), help=t("core.opt_lab_port"))
    parser.add_argument("--ip", default="127.0.0.1", help=t("core.opt_ip"))
    parser.add_argument("--root", type=Path, default=PROJECT_ROOT, help=t("core.opt_root"))
    parser.add_argument("--course", type=Path, default=EXERCISES_DIR, help=t("core.opt_course"))


def run(args) -> int:
    if not (args.course / "nbgrader_config.py").is_file():
        print(t("core.no_course", path=args.course), file=sys.stderr)
        return 2
    command = lab_command(args.port, ip=args.ip, root=args.root.resolve())
    os.execve(sys.executable, command, lab_env(args.course.resolve()))
