"""Settings of bench/applications_load.py's server: the production settings, with the URLs
of bench/load_urls.py (the site's and the bench's minimal endpoint)."""

from config.settings import *  # noqa: F403  # the production settings, unchanged but one

ROOT_URLCONF = "load_urls"
