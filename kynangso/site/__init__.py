"""The resident lesson site: Voila with our template, kernel policy and landing page."""
