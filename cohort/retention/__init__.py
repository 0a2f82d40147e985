"""The personal-data lifecycle: the purge after a closed term's retention period, a person's
own data as a zip, and deleting an account (issue 16)."""
