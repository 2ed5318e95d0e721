"""Administration: accounts, the audit log, public holidays."""
