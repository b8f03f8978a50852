"""Set-up and launch of JupyterLab for trainees and instructors."""
