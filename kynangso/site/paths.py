"""Where the site's files live in the project tree."""

from pathlib import Path

PROJECT = Path(__file__).resolve().parents[2]
SITE_DIR = PROJECT / "site"
# Jupyter data root holding voila/templates/kynangso (added to JUPYTER_PATH at start).
JUPYTER_DATA = SITE_DIR
TEMPLATE = "kynangso"
COURSES_DIR = PROJECT / "courses"
# The lesson page's front end, built from site/frontend/ (see its README).
LESSON_FRONTEND = SITE_DIR / "voila" / "templates" / TEMPLATE / "static" / "lesson"
