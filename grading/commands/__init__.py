"""The grade, feedback and export subcommands of `kynangso`."""
