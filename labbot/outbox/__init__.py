"""The outbox: every (message, recipient) is a row; a worker delivers them once, paced to platform limits."""
