"""Where the platform's folders are.

The platform runs from its checkout (``make start`` installs it editable), so the course
folders sit beside the package. ``KYNANGSO_ROOT`` points elsewhere, e.g. in a deployment.
"""

import os
from pathlib import Path

PROJECT_ROOT = Path(os.environ.get("KYNANGSO_ROOT") or Path(__file__).resolve().parent.parent)
COURSES_DIR = PROJECT_ROOT / "courses"
EXERCISES_DIR = PROJECT_ROOT / "exercises"
SITE_DIR = PROJECT_ROOT / "site"
