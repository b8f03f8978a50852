"""JupyterLab as a first-time trainee or instructor meets it: Vietnamese menus, nbgrader panels.

The server runs on a copy of the course with one assignment released, exactly as
`kynangso lab` runs it, so the assignment list has something real to show.
"""

from __future__ import annotations

import shutil
import subprocess

import pytest

from tests.servers import PROJECT, free_port, project_env, running

pytestmark = [pytest.mark.server, pytest.mark.browser]
TOKEN = "kiem-thu-lab"


@pytest.fixture(scope="module")
def lab(tmp_path_factory):
    root = tmp_path_factory.mktemp("lab")
    course = root / "exercises"
    course.mkdir()
    shutil.copy(PROJECT / "exercises" / "nbgrader_config.py", course)
    shutil.copytree(PROJECT / "exercises" / "source", course / "source")
    shutil.copytree(PROJECT / "courses", root / "courses")
    assignment = sorted(p.name for p in (course / "source").iterdir())[0]
    for step in (["generate_assignment", assignment], ["release_assignment", assignment]):
        subprocess.run(["nbgrader", *step], cwd=course, env=project_env(), check=True, capture_output=True)
    port = free_port()
    command = ["kynangso", "lab", "--port", str(port), "--root", str(root), "--course", str(course)]
    url = f"http://127.0.0.1:{port}"
    with running(command, f"{url}/api/status?token={TOKEN}", env=project_env(JUPYTER_TOKEN=TOKEN),
                 log=root / "lab.log"):
        yield url, assignment


def open_lab(page, url):
    page.goto(f"{url}/lab?token={TOKEN}")
    page.wait_for_selector("#jp-MainMenu", timeout=60_000)


def test_lab_requires_the_token(lab):
    import urllib.error
    import urllib.request

    url, _ = lab
    with pytest.raises(urllib.error.HTTPError) as refused:
        urllib.request.urlopen(f"{url}/api/contents")
    assert refused.value.code == 403


def test_a_first_time_user_sees_vietnamese_menus(lab, desktop_page):
    page, seen = desktop_page
    url, _ = lab
    open_lab(page, url)
    menu = page.locator("#jp-MainMenu")
    for label in ("Chỉnh sửa", "Cài đặt", "Trợ giúp"):
        assert menu.get_by_text(label, exact=True).count() == 1, f"menu {label!r} missing"
    assert menu.get_by_text("Help", exact=True).count() == 0
    seen.assert_clean(ignore_console=("favicon",))


def test_the_trainee_sees_the_released_assignment_in_the_assignment_list(lab, desktop_page):
    page, _ = desktop_page
    url, assignment = lab
    open_lab(page, url)
    page.locator("#jp-MainMenu").get_by_text("Nbgrader", exact=True).click()
    page.get_by_text("Assignment List", exact=True).click()
    released = page.locator("#released_assignments_list")
    released.get_by_text(assignment).wait_for(timeout=30_000)


def test_the_instructor_sees_the_assignment_in_formgrader(lab, desktop_page):
    page, _ = desktop_page
    url, assignment = lab
    open_lab(page, url)
    page.locator("#jp-MainMenu").get_by_text("Nbgrader", exact=True).click()
    # The menu item itself: JupyterLab may have restored a Formgrader tab from the
    # workspace of an earlier test, which also reads "Formgrader".
    page.locator("#jp-mainmenu-nbgrader").get_by_text("Formgrader", exact=True).click()
    frame = page.frame_locator("iframe").first
    frame.get_by_text(assignment).first.wait_for(timeout=30_000)
