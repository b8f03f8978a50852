"""Code that runs inside the sandbox.

This package is bind-mounted read-only into every sandbox as the top-level package
``inside``, so it must not import ``kynangso`` or anything outside the standard
library, IPython, numpy and pandas; its modules use relative imports only.
"""
