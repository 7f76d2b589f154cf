"""Run-wide defaults for pytest runs started from the checkout.

The suites' options and fixtures come from the project's pytest plugin, registered through the
``pytest11`` entry point; this file only selects the default hypothesis profile (``ci``).
"""

from backup_conformance.hypothesis_profiles import load_default

load_default()
