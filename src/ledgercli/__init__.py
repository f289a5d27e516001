"""ledger: validate, merge and summarize the arrears ledgers districts send in Excel."""

__version__ = "0.1.0"
