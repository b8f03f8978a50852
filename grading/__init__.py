"""Fast, sandboxed grading on top of nbgrader (imported as kynangso.grading)."""
