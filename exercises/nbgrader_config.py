"""nbgrader configuration for the Kỹ Năng Số course.

Everything nbgrader writes stays inside the project: the course files here, the exchange
in ``exercises/exchange`` and the trainee's fetched copies in ``hoc-vien/`` (both ignored
by git), so neither root nor /srv is needed.
"""

import os

c = get_config()  # noqa: F821  (provided by traitlets when it loads this file)

course_root = os.path.dirname(os.path.abspath(__file__))
project_root = os.path.dirname(course_root)

c.CourseDirectory.root = course_root
c.CourseDirectory.course_id = "kynangso"
c.Exchange.root = os.path.join(course_root, "exchange")
c.Exchange.assignment_dir = os.path.join(project_root, "hoc-vien")
# nbgrader's assignment list changes into this folder before listing, so it must exist.
os.makedirs(c.Exchange.assignment_dir, exist_ok=True)
# Our exercises import only what a trainee could import; the timeout guards against loops.
c.ExecutePreprocessor.timeout = 60

# What a trainee sees in place of a solution: Vietnamese, not nbgrader's English default.
c.ClearSolutions.code_stub = {"python": "# VIẾT MÃ CỦA BẠN Ở ĐÂY\nraise NotImplementedError()"}
c.ClearSolutions.text_stub = "VIẾT CÂU TRẢ LỜI CỦA BẠN Ở ĐÂY"
