"""The console adapter: labbot in a terminal, with no chat platform."""
