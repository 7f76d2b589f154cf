"""Sub-commands of the ``backup-conformance`` command line, one module each."""
